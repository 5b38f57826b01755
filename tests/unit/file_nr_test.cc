// /proc/sys/fs/file-nr parser and the filefd collector.
#include "parse/file_nr.h"

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseFileNr;

TEST(ParseFileNrTest, ThreeTabSeparatedNumbers) {
  auto r = ParseFileNr("1024\t0\t1631329\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.allocated, 1024);
  EXPECT_EQ(r.value.maximum, 1631329);
}

TEST(ParseFileNrTest, ExtraFieldsIgnored) {
  auto r = ParseFileNr("1\t0\t2\t3\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.maximum, 2);
}

TEST(ParseFileNrTest, HugeNumbers) {
  // fs.file-max is LONG_MAX on current kernels; Go parses it as a float.
  auto r = ParseFileNr("7392\t0\t9223372036854775807\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.maximum, 9223372036854775807.0);
  auto beyond = ParseFileNr("1\t0\t99999999999999999999999\n");
  ASSERT_TRUE(beyond.ok()) << beyond.error;
  EXPECT_EQ(beyond.value.maximum, 1e23);
}

TEST(ParseFileNrTest, RejectsEmptyTruncatedSpacesAndGarbage) {
  EXPECT_EQ(ParseFileNr("").error,
            "line 1: expected 3 tab-separated fields, got 1");
  EXPECT_EQ(ParseFileNr("1\t0\n").error,
            "line 1: expected 3 tab-separated fields, got 2");
  // node_exporter splits on tabs only.
  EXPECT_FALSE(ParseFileNr("1 0 2\n").ok());
  EXPECT_EQ(ParseFileNr("x\t0\t2\n").error,
            "line 1: field 1 is not a number: 'x'");
  EXPECT_EQ(ParseFileNr("1\t0\t\n").error,
            "line 1: expected 3 tab-separated fields, got 2");
}

}  // namespace

namespace testing {
namespace {}  // namespace
}  // namespace testing
}  // namespace host_exporter
