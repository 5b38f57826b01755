// /proc/net/stat/nf_conntrack parser and the conntrack collector.
#include "parse/conntrack_stat.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseConntrackStat;

constexpr char kHeader[] =
    "entries  clashres found new invalid ignore delete chainlength insert "
    "insert_failed drop early_drop icmp_error  expect_new expect_create "
    "expect_delete search_restart\n";

TEST(ParseConntrackStatTest, OneEntryPerCpuLine) {
  auto r = ParseConntrackStat(
      std::string(kHeader) +
      "0000000a  00000001 00000002 00000003 00000004 00000005 00000006 "
      "00000007 00000008 00000009 0000000a 0000000b 0000000c  0000000d "
      "0000000e 0000000f 00000010\n"
      "0000000a  00000000 000000ff 00000000 00000000 00000000 00000000 "
      "00000000 00000000 00000000 00000000 00000000 00000000  00000000 "
      "00000000 00000000 00000000\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  const auto& e = r.value[0];
  EXPECT_EQ(e.entries, 10u);
  EXPECT_EQ(e.found, 2u);
  EXPECT_EQ(e.invalid, 4u);
  EXPECT_EQ(e.ignore, 5u);
  EXPECT_EQ(e.insert, 8u);
  EXPECT_EQ(e.insert_failed, 9u);
  EXPECT_EQ(e.drop, 10u);
  EXPECT_EQ(e.early_drop, 11u);
  EXPECT_EQ(e.search_restart, 16u);
  EXPECT_EQ(r.value[1].found, 255u);
}

TEST(ParseConntrackStatTest, OlderHeaderSameColumns) {
  // Kernels before 5.x call columns 2 and 8 "searched" and "delete_list".
  auto r = ParseConntrackStat(
      "entries  searched found new invalid ignore delete delete_list insert "
      "insert_failed drop early_drop icmp_error  expect_new expect_create "
      "expect_delete search_restart\n"
      "00000001 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 7\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value[0].search_restart, 7u);
}

TEST(ParseConntrackStatTest, EmptyAndHeaderOnly) {
  auto empty = ParseConntrackStat("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty.value.empty());
  auto header = ParseConntrackStat(kHeader);
  ASSERT_TRUE(header.ok());
  EXPECT_TRUE(header.value.empty());
}

TEST(ParseConntrackStatTest, RejectsTruncatedExtraAndGarbage) {
  // 16 columns (no search_restart, Linux < 2.6.35) is refused by
  // node_exporter 1.5's procfs as well.
  EXPECT_EQ(ParseConntrackStat(std::string(kHeader) +
                               "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n")
                .error,
            "line 2: expected 17 fields, got 16");
  EXPECT_EQ(ParseConntrackStat(std::string(kHeader) +
                               "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n")
                .error,
            "line 2: expected 17 fields, got 18");
  EXPECT_EQ(ParseConntrackStat(std::string(kHeader) +
                               "0 0 zz 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n")
                .error,
            "line 2: field 3 is not a hex number: 'zz'");
  EXPECT_FALSE(ParseConntrackStat(std::string(kHeader) + "\n").ok());
}

TEST(ParseConntrackStatTest, HugeNumbers) {
  auto max =
      ParseConntrackStat(std::string(kHeader) +
                         "0 0 ffffffffffffffff 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
  ASSERT_TRUE(max.ok()) << max.error;
  EXPECT_EQ(max.value[0].found, UINT64_MAX);
  EXPECT_FALSE(
      ParseConntrackStat(std::string(kHeader) +
                         "0 0 10000000000000000 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n")
          .ok());
}

}  // namespace

namespace testing {
namespace {}  // namespace
}  // namespace testing
}  // namespace host_exporter
