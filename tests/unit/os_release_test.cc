// os-release parsing (go-envparse rules) and the os collector.
#include "parse/os_release.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::OsVersionNumber;
using parse::ParseEnvFile;

TEST(OsReleaseParseTest, ParsesQuotedUnquotedAndCommentedLines) {
  auto r = ParseEnvFile(
      "# a comment\n"
      "\n"
      "   \n"
      "NAME=\"Debian GNU/Linux\"\n"
      "ID=debian\n"
      "  VERSION = 12 (bookworm)   # trailing comment\n"
      "export ID_LIKE='rhel \"fedora\"'\n"
      "EMPTY=\n"
      "HASH=\"a # b\"\n"
      "ID=overridden\r\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.at("NAME"), "Debian GNU/Linux");
  EXPECT_EQ(r.value.at("VERSION"), "12 (bookworm)");
  EXPECT_EQ(r.value.at("ID_LIKE"), "rhel \"fedora\"");
  EXPECT_EQ(r.value.at("EMPTY"), "");
  EXPECT_EQ(r.value.at("HASH"), "a # b");
  EXPECT_EQ(r.value.at("ID"), "overridden");  // last one wins
  EXPECT_EQ(r.value.size(), 6u);
}

TEST(OsReleaseParseTest, DecodesEscapesInDoubleQuotes) {
  auto r = ParseEnvFile(
      "A=\"say \\\"hi\\\" \\\\ \\/ \\t\"\n"
      "B=\"caf\\u00e9 \\ud83d\\ude00\"\n"
      "C='no \\n escapes'\n"
      "D=\"\\ud800\\u0041\"\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.at("A"), "say \"hi\" \\ / \t");
  EXPECT_EQ(r.value.at("B"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_EQ(r.value.at("C"), "no \\n escapes");
  EXPECT_EQ(r.value.at("D"), "\xEF\xBF\xBD");  // broken pair -> U+FFFD
}

TEST(OsReleaseParseTest, UnquotedMultibyteIsKept) {
  auto r = ParseEnvFile(
      "PRETTY_NAME=Ubuntu\xC2\xA0"
      "22.04\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.at("PRETTY_NAME"),
            "Ubuntu\xC2\xA0"
            "22.04");
}

TEST(OsReleaseParseTest, EmptyFileGivesNoKeys) {
  auto r = ParseEnvFile("");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value.empty());
}

TEST(OsReleaseParseTest, ErrorsNameTheLine) {
  EXPECT_EQ(ParseEnvFile("A=1\ngarbage line\n").error, "line 2: missing '='");
  EXPECT_EQ(ParseEnvFile("=x\n").error, "line 1: empty key");
  EXPECT_EQ(ParseEnvFile("1A=x\n").error,
            "line 1: key must start with [A-Za-z_]: '1A'");
  EXPECT_EQ(ParseEnvFile("A-B=x\n").error,
            "line 1: key characters must be [A-Za-z0-9/_.]: 'A-B'");
  EXPECT_EQ(ParseEnvFile("A=\"open\n").error, "line 1: unmatched \"");
  EXPECT_EQ(ParseEnvFile("A='open\n").error, "line 1: unmatched '");
  EXPECT_EQ(ParseEnvFile("A=\"x\\\n").error,
            "line 1: incomplete escape sequence");
  EXPECT_EQ(ParseEnvFile("A=\"\\q\"\n").error,
            "line 1: invalid escape sequence: \\q");
  EXPECT_EQ(ParseEnvFile("A=\"\\u12\"\n").error, "line 1: bad \\u escape");
  EXPECT_EQ(ParseEnvFile("A=a\x01"
                         "b\n")
                .error,
            "line 1: 0x01 is an invalid value character");
}

TEST(OsReleaseParseTest, VersionNumberIsLeadingMajorMinor) {
  EXPECT_DOUBLE_EQ(OsVersionNumber("22.04"), 22.04);
  EXPECT_DOUBLE_EQ(OsVersionNumber("7.9.2009"), 7.9);
  EXPECT_DOUBLE_EQ(OsVersionNumber("12"), 12);
  EXPECT_DOUBLE_EQ(OsVersionNumber("12."), 12);
  EXPECT_DOUBLE_EQ(OsVersionNumber("23.10.1"), 23.1);
  EXPECT_DOUBLE_EQ(OsVersionNumber("3.18_alpha"), 3.18);
  EXPECT_DOUBLE_EQ(OsVersionNumber("99999999999999999999999"), 1e23);
  EXPECT_EQ(OsVersionNumber("rolling"), 0);
  EXPECT_EQ(OsVersionNumber(""), 0);
  EXPECT_EQ(OsVersionNumber(".5"), 0);
}

}  // namespace

namespace testing {
namespace {}  // namespace
}  // namespace testing
}  // namespace host_exporter
