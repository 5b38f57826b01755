#include "parse/parse_util.h"

#include <gtest/gtest.h>

#include <cmath>

namespace host_exporter::parse {
namespace {

TEST(ParseUtilTest, SplitFields) {
  EXPECT_EQ(SplitFields("  a\tb  c "), (std::vector<std::string_view>{"a", "b", "c"}));
  EXPECT_TRUE(SplitFields("").empty());
  EXPECT_TRUE(SplitFields(" \t ").empty());
}

TEST(ParseUtilTest, SplitKeepsEmptyFields) {
  EXPECT_EQ(Split("a,,b,", ','), (std::vector<std::string_view>{"a", "", "b", ""}));
  EXPECT_EQ(Split("", ','), (std::vector<std::string_view>{""}));
}

TEST(ParseUtilTest, SplitLines) {
  EXPECT_EQ(SplitLines("a\nb\n"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(SplitLines("a\n\nb"), (std::vector<std::string_view>{"a", "", "b"}));
  EXPECT_TRUE(SplitLines("").empty());
}

TEST(ParseUtilTest, Trim) {
  EXPECT_EQ(Trim(" \t x y \r\n"), "x y");
  EXPECT_EQ(Trim("   "), "");
}

TEST(ParseUtilTest, Integers) {
  EXPECT_EQ(ParseU64("18446744073709551615"), 18446744073709551615ull);
  EXPECT_EQ(ParseU64("18446744073709551616"), std::nullopt);
  EXPECT_EQ(ParseU64("-1"), std::nullopt);
  EXPECT_EQ(ParseU64(""), std::nullopt);
  EXPECT_EQ(ParseU64("12a"), std::nullopt);
  EXPECT_EQ(ParseI64("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(ParseI64("+1"), std::nullopt);
}

TEST(ParseUtilTest, Doubles) {
  EXPECT_EQ(ParseDouble("1.5"), 1.5);
  EXPECT_EQ(ParseDouble("-2e3"), -2000);
  EXPECT_EQ(ParseDouble("+Inf"), INFINITY);
  EXPECT_EQ(ParseDouble("-Inf"), -INFINITY);
  EXPECT_TRUE(std::isnan(*ParseDouble("NaN")));
  EXPECT_EQ(ParseDouble("1e400"), INFINITY);
  EXPECT_EQ(ParseDouble("-1e400"), -INFINITY);
  EXPECT_EQ(ParseDouble("1e-400"), 0.0);
  EXPECT_EQ(ParseDouble("99999999999999999999999"), 1e23);
  EXPECT_EQ(ParseDouble(""), std::nullopt);
  EXPECT_EQ(ParseDouble("+"), std::nullopt);
  EXPECT_EQ(ParseDouble("--1"), std::nullopt);
  EXPECT_EQ(ParseDouble("1.5x"), std::nullopt);
  EXPECT_EQ(ParseDouble(" 1"), std::nullopt);
}

TEST(ParseUtilTest, LineError) { EXPECT_EQ(LineError(0, "bad"), "line 1: bad"); }

}  // namespace
}  // namespace host_exporter::parse
