// Go-compatible value parsing for sysfs attributes (parse/sysfs_attr.h).
#include "parse/sysfs_attr.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <string_view>

namespace host_exporter::parse {
namespace {

TEST(SysfsAttrTest, TrimSpaceAndFieldsAsGo) {
  EXPECT_EQ(GoTrimSpace(" \t42\n\v\f\r"), "42");
  EXPECT_EQ(GoTrimSpace("\xC2\xA0x\xE3\x80\x80"), "x");  // NBSP, ideographic
  EXPECT_EQ(GoTrimSpace(""), "");
  EXPECT_EQ(GoTrimSpace("\n\n"), "");
  auto f = GoFields("bond0 bond1\nbond2\t\n");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0], "bond0");
  EXPECT_EQ(f[2], "bond2");
  EXPECT_TRUE(GoFields(" \n ").empty());
}

// GoTrimSpace looks at an ASCII byte alone (a sysfs attribute's digits and
// newline): every other white-space rune is non-ASCII bytes only. Checked
// against the rule spelled out (an ASCII space, or one of the UTF-8 encoded
// White_Space runes, at either end) on every string of one or two bytes and
// on three-byte strings of the bytes that matter.
std::string_view TrimSpaceReference(std::string_view s) {
  static constexpr std::string_view kSpaces[] = {
      " ",
      "\t",
      "\n",
      "\v",
      "\f",
      "\r",
      "\xC2\x85",
      "\xC2\xA0",
      "\xE1\x9A\x80",
      "\xE2\x80\x80",
      "\xE2\x80\x81",
      "\xE2\x80\x82",
      "\xE2\x80\x83",
      "\xE2\x80\x84",
      "\xE2\x80\x85",
      "\xE2\x80\x86",
      "\xE2\x80\x87",
      "\xE2\x80\x88",
      "\xE2\x80\x89",
      "\xE2\x80\x8A",
      "\xE2\x80\xA8",
      "\xE2\x80\xA9",
      "\xE2\x80\xAF",
      "\xE2\x81\x9F",
      "\xE3\x80\x80",
  };
  for (bool trimmed = true; trimmed;) {
    trimmed = false;
    for (std::string_view sp : kSpaces) {
      if (s.starts_with(sp)) {
        s.remove_prefix(sp.size());
        trimmed = true;
      }
    }
  }
  for (bool trimmed = true; trimmed;) {
    trimmed = false;
    for (std::string_view sp : kSpaces) {
      if (s.ends_with(sp)) {
        s.remove_suffix(sp.size());
        trimmed = true;
      }
    }
  }
  return s;
}

TEST(SysfsAttrTest, TrimSpaceOfAsciiAndUnicodeEnds) {
  EXPECT_EQ(GoTrimSpace("1500\n"), "1500");
  EXPECT_EQ(GoTrimSpace("42\xC2\xA0\n"), "42");
  EXPECT_EQ(GoTrimSpace("\n\xE2\x80\x85"
                        "42"),
            "42");
  EXPECT_EQ(GoTrimSpace("4\xC2"), "4\xC2");  // a lead byte alone stays
  EXPECT_EQ(GoTrimSpace("\xA0"), "\xA0");    // so does a continuation byte
  for (int a = 0; a < 256; ++a) {
    const std::string one(1, static_cast<char>(a));
    ASSERT_EQ(GoTrimSpace(one), TrimSpaceReference(one)) << a;
    for (int b = 0; b < 256; ++b) {
      const std::string two = one + static_cast<char>(b);
      ASSERT_EQ(GoTrimSpace(two), TrimSpaceReference(two)) << a << " " << b;
    }
  }
  const std::string bytes = " \n4x\x80\x81\x85\x9A\x9F\xA0\xC2\xE1\xE2\xE3";
  for (char a : bytes) {
    for (char b : bytes) {
      for (char c : bytes) {
        const std::string three = {a, b, c};
        ASSERT_EQ(GoTrimSpace(three), TrimSpaceReference(three));
      }
    }
  }
}

TEST(SysfsAttrTest, ParseUintBase10) {
  EXPECT_EQ(ParseGoUint("0", 10), 0u);
  EXPECT_EQ(ParseGoUint("18446744073709551615", 10), UINT64_MAX);
  EXPECT_EQ(ParseGoUint("18446744073709551616", 10), std::nullopt);  // range
  EXPECT_EQ(ParseGoUint("007", 10), 7u);
  EXPECT_EQ(ParseGoUint("+7", 10), std::nullopt);
  EXPECT_EQ(ParseGoUint("1_000", 10), std::nullopt);  // only with base 0
  EXPECT_EQ(ParseGoUint("0x10", 10), std::nullopt);
  EXPECT_EQ(ParseGoUint("", 10), std::nullopt);
  EXPECT_EQ(ParseGoUint(" 7", 10), std::nullopt);
}

TEST(SysfsAttrTest, ParseUintBase0Prefixes) {
  EXPECT_EQ(ParseGoUint("0x1f", 0), 31u);
  EXPECT_EQ(ParseGoUint("0XFF", 0), 255u);
  EXPECT_EQ(ParseGoUint("0xffffffffffffffff", 0), UINT64_MAX);
  EXPECT_EQ(ParseGoUint("0x10000000000000000", 0), std::nullopt);
  EXPECT_EQ(ParseGoUint("012", 0), 10u);  // octal
  EXPECT_EQ(ParseGoUint("09", 0), std::nullopt);
  EXPECT_EQ(ParseGoUint("0o17", 0), 15u);
  EXPECT_EQ(ParseGoUint("0b101", 0), 5u);
  EXPECT_EQ(ParseGoUint("0", 0), 0u);
  EXPECT_EQ(ParseGoUint("0x", 0), std::nullopt);
  EXPECT_EQ(ParseGoUint("1_000", 0), 1000u);
  EXPECT_EQ(ParseGoUint("0x_1f", 0), 31u);
  EXPECT_EQ(ParseGoUint("1__0", 0), std::nullopt);
  EXPECT_EQ(ParseGoUint("_1", 0), std::nullopt);
  EXPECT_EQ(ParseGoUint("1_", 0), std::nullopt);
}

TEST(SysfsAttrTest, ParseIntSignsAndRange) {
  EXPECT_EQ(ParseGoInt("-1", 10), -1);
  EXPECT_EQ(ParseGoInt("+5", 10), 5);
  EXPECT_EQ(ParseGoInt("-0x10", 0), -16);
  EXPECT_EQ(ParseGoInt("9223372036854775807", 10), INT64_MAX);
  EXPECT_EQ(ParseGoInt("9223372036854775808", 10), std::nullopt);
  EXPECT_EQ(ParseGoInt("-9223372036854775808", 10), INT64_MIN);
  EXPECT_EQ(ParseGoInt("-9223372036854775809", 10), std::nullopt);
  EXPECT_EQ(ParseGoInt("-", 10), std::nullopt);
  EXPECT_EQ(ParseGoInt("--1", 10), std::nullopt);
}

TEST(SysfsAttrTest, ParseFloatAsGo) {
  EXPECT_EQ(ParseGoFloat("55000"), 55000.0);
  EXPECT_EQ(ParseGoFloat("1e3"), 1000.0);
  EXPECT_EQ(ParseGoFloat("+5"), 5.0);
  EXPECT_EQ(ParseGoFloat("-2.5"), -2.5);
  EXPECT_EQ(ParseGoFloat(".5"), 0.5);
  EXPECT_EQ(ParseGoFloat("1_000"), 1000.0);
  EXPECT_EQ(ParseGoFloat("0x1p4"), 16.0);
  EXPECT_EQ(ParseGoFloat("0x10"), std::nullopt);  // hex needs an exponent
  EXPECT_EQ(ParseGoFloat("-Inf"), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(ParseGoFloat("infinity"), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(*ParseGoFloat("NaN")));
  EXPECT_EQ(ParseGoFloat("+nan"), std::nullopt);
  EXPECT_EQ(ParseGoFloat("1e400"), std::nullopt);  // overflow is an error
  EXPECT_EQ(ParseGoFloat("1e-400"), 0.0);          // underflow is not
  EXPECT_EQ(ParseGoFloat(" 5"), std::nullopt);
  EXPECT_EQ(ParseGoFloat("5 "), std::nullopt);
  EXPECT_EQ(ParseGoFloat("garbage"), std::nullopt);
  EXPECT_EQ(ParseGoFloat("+-5"), std::nullopt);
  EXPECT_EQ(ParseGoFloat("nan(1)"), std::nullopt);
  EXPECT_EQ(ParseGoFloat(""), std::nullopt);
  EXPECT_EQ(*ParseGoFloat("123456789012345678901234567890"),
            1.2345678901234568e+29);
}

TEST(SysfsAttrTest, ToValidUtf8ReplacesInvalidRuns) {
  EXPECT_EQ(ToValidUtf8("plain"), "plain");
  EXPECT_EQ(ToValidUtf8("a\xff"
                        "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(ToValidUtf8("a\xff\xfe"
                        "b"),
            "a\xEF\xBF\xBD"
            "b");                                          // one per run
  EXPECT_EQ(ToValidUtf8("\xC3\xA9"), "\xC3\xA9");          // é stays
  EXPECT_EQ(ToValidUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD");  // a surrogate
  EXPECT_EQ(ToValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD");      // overlong
  EXPECT_EQ(ToValidUtf8("x\xE2\x82"), "x\xEF\xBF\xBD");    // truncated
}

TEST(SysfsAttrTest, FloatToUint64AsGoOnAmd64) {
  EXPECT_EQ(GoFloatToUint64(4.9), 4u);
  EXPECT_EQ(GoFloatToUint64(-524.0), UINT64_MAX - 523);
  EXPECT_EQ(GoFloatToUint64(18446744073709551616.0), 1ULL << 63);
  EXPECT_EQ(GoFloatToUint64(9223372036854775808.0), 1ULL << 63);
  EXPECT_EQ(GoFloatToUint64(std::nan("")), 1ULL << 63);
  EXPECT_EQ(GoFloatToUint64(-1e300), 1ULL << 63);
}

TEST(SysfsAttrTest, CleanPath) {
  EXPECT_EQ(GoCleanPath("/sys//class/./powercap/x"), "/sys/class/powercap/x");
  EXPECT_EQ(GoCleanPath("./root/sys/"), "root/sys");
  EXPECT_EQ(GoCleanPath("a/../../b"), "../b");
  EXPECT_EQ(GoCleanPath("/../x"), "/x");
  EXPECT_EQ(GoCleanPath(""), ".");
  EXPECT_EQ(GoCleanPath("/"), "/");
}

TEST(SysfsAttrTest, FileAndAttributeNumbers) {
  EXPECT_EQ(ParseUintFile(" 3900000\n").value, 3900000u);
  EXPECT_EQ(ParseUintFile("abc\n").error,
            "line 1: not an unsigned integer: 'abc'");
  EXPECT_EQ(ParseUintFile("").error, "line 1: not an unsigned integer: ''");
  EXPECT_EQ(ParseUintFile("1 2").error,
            "line 1: not an unsigned integer: '1 2'");
  EXPECT_EQ(ParseIntFile("-3500\n").value, -3500);
  EXPECT_FALSE(ParseIntFile("0x10").ok());  // base 10 only
  EXPECT_EQ(ParseUintAttr("0x13").value, 19u);
  EXPECT_EQ(ParseUintAttr("99999999999999999999").error,
            "line 1: not an unsigned integer: '99999999999999999999'");
  EXPECT_EQ(ParseIntAttr("-0x10").value, -16);
  EXPECT_EQ(ParseIntAttr("x").error, "line 1: not an integer: 'x'");
}

}  // namespace
}  // namespace host_exporter::parse
