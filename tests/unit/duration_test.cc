#include "parse/duration.h"

#include <gtest/gtest.h>

#include <limits>

namespace host_exporter::parse {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

nanoseconds Parsed(std::string_view s) {
  auto r = ParseDuration(s);
  EXPECT_TRUE(r.ok()) << s << ": " << r.error;
  return r.value;
}

TEST(ParseDurationTest, SingleUnits) {
  EXPECT_EQ(Parsed("5s"), seconds(5));
  EXPECT_EQ(Parsed("500ms"), milliseconds(500));
  EXPECT_EQ(Parsed("2h"), hours(2));
  EXPECT_EQ(Parsed("3m"), minutes(3));
  EXPECT_EQ(Parsed("250us"), microseconds(250));
  EXPECT_EQ(Parsed("250\xC2\xB5s"), microseconds(250));  // micro sign
  EXPECT_EQ(Parsed("250\xCE\xBCs"), microseconds(250));  // Greek mu
  EXPECT_EQ(Parsed("42ns"), nanoseconds(42));
}

TEST(ParseDurationTest, ZeroSignsAndCompounds) {
  EXPECT_EQ(Parsed("0"), nanoseconds(0));
  EXPECT_EQ(Parsed("+0"), nanoseconds(0));
  EXPECT_EQ(Parsed("0s"), nanoseconds(0));
  EXPECT_EQ(Parsed("+5s"), seconds(5));
  EXPECT_EQ(Parsed("1m30s"), seconds(90));
  EXPECT_EQ(Parsed("1h2m3s4ms5us6ns"), hours(1) + minutes(2) + seconds(3) +
                                           milliseconds(4) + microseconds(5) +
                                           nanoseconds(6));
  // Units may repeat and come in any order, as in Go.
  EXPECT_EQ(Parsed("1s1s"), seconds(2));
  EXPECT_EQ(Parsed("30s1m"), seconds(90));
}

TEST(ParseDurationTest, Fractions) {
  EXPECT_EQ(Parsed("1.5s"), milliseconds(1500));
  EXPECT_EQ(Parsed(".5s"), milliseconds(500));
  EXPECT_EQ(Parsed("1.s"), seconds(1));
  EXPECT_EQ(Parsed("0.1h"), minutes(6));
  EXPECT_EQ(Parsed("3.46608s"), nanoseconds(3466080000));  // ntp default
  // Nanosecond-exact fractions of an hour.
  EXPECT_EQ(Parsed("1.000000001h"), hours(1) + nanoseconds(3600));
  // Digits beyond int64 precision are dropped, not an error (Go).
  EXPECT_EQ(Parsed("0.1234567890123456789012345s"), nanoseconds(123456789));
}

TEST(ParseDurationTest, Errors) {
  EXPECT_EQ(ParseDuration("").error, "invalid duration \"\"");
  EXPECT_EQ(ParseDuration("+").error, "invalid duration \"+\"");
  EXPECT_EQ(ParseDuration("5").error, "missing unit in duration \"5\"");
  EXPECT_EQ(ParseDuration("1m5").error, "missing unit in duration \"1m5\"");
  EXPECT_EQ(ParseDuration("00").error, "missing unit in duration \"00\"");
  EXPECT_EQ(ParseDuration("5x").error, "unknown unit \"x\" in duration \"5x\"");
  EXPECT_EQ(ParseDuration("5 s").error,
            "unknown unit \" s\" in duration \"5 s\"");
  EXPECT_EQ(ParseDuration("5S").error, "unknown unit \"S\" in duration \"5S\"");
  EXPECT_EQ(ParseDuration("5d").error, "unknown unit \"d\" in duration \"5d\"");
  EXPECT_EQ(ParseDuration("-1s").error,
            "negative duration \"-1s\" is not allowed");
  EXPECT_FALSE(ParseDuration("-0").ok());
  EXPECT_EQ(ParseDuration(".s").error, "invalid duration \".s\"");
  EXPECT_EQ(ParseDuration("s").error, "invalid duration \"s\"");
  EXPECT_EQ(ParseDuration(" 5s").error, "invalid duration \" 5s\"");
  EXPECT_EQ(ParseDuration("5s\n").error,
            "unknown unit \"s\\x0a\" in duration \"5s\\x0a\"");
}

TEST(ParseDurationTest, Overflow) {
  // The largest Go duration, and one nanosecond more.
  EXPECT_EQ(Parsed("9223372036854775807ns"),
            nanoseconds(std::numeric_limits<int64_t>::max()));
  EXPECT_EQ(Parsed("2562047h47m16.854775807s"),
            nanoseconds(std::numeric_limits<int64_t>::max()));
  EXPECT_EQ(ParseDuration("9223372036854775808ns").error,
            "invalid duration \"9223372036854775808ns\"");
  EXPECT_FALSE(ParseDuration("2562048h").ok());
  EXPECT_FALSE(ParseDuration("2562047h47m16.854775808s").ok());
  EXPECT_FALSE(ParseDuration("99999999999999999999999s").ok());
  EXPECT_FALSE(ParseDuration("2562047h2562047h").ok());
}

TEST(FormatDurationTest, GoStyle) {
  EXPECT_EQ(FormatDuration(nanoseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(nanoseconds(1)), "1ns");
  EXPECT_EQ(FormatDuration(nanoseconds(1100)), "1.1\xC2\xB5s");
  EXPECT_EQ(FormatDuration(milliseconds(500)), "500ms");
  EXPECT_EQ(FormatDuration(microseconds(2200)), "2.2ms");
  EXPECT_EQ(FormatDuration(seconds(5)), "5s");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(FormatDuration(seconds(90)), "1m30s");
  EXPECT_EQ(FormatDuration(minutes(5)), "5m0s");
  EXPECT_EQ(FormatDuration(hours(2)), "2h0m0s");
  EXPECT_EQ(
      FormatDuration(hours(1) + minutes(2) + seconds(3) + milliseconds(4)),
      "1h2m3.004s");
  EXPECT_EQ(FormatDuration(milliseconds(-1500)), "-1.5s");
  EXPECT_EQ(FormatDuration(nanoseconds(std::numeric_limits<int64_t>::max())),
            "2562047h47m16.854775807s");
  EXPECT_EQ(FormatDuration(nanoseconds(std::numeric_limits<int64_t>::min())),
            "-2562047h47m16.854775808s");
}

TEST(FormatDurationTest, RoundTrips) {
  for (const char* s : {"5s", "500ms", "1m30s", "2h0m0s", "1.5s", "3.46608s",
                        "1ms", "10.000000001s"}) {
    EXPECT_EQ(FormatDuration(Parsed(s)), s);
  }
}

}  // namespace
}  // namespace host_exporter::parse
