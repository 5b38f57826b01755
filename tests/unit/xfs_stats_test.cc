// The XFS stats parser on strings, and the xfs collector on the fixture
// root.
#include "parse/xfs_stats.h"

#include <gtest/gtest.h>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseXfsStats;

// A 6.x kernel's file, trimmed of B-tree lines with long rows.
constexpr char kModern[] =
    "extent_alloc 92447 97589 92448 93751\n"
    "abt 1 2 3 4\n"
    "blk_map 1767055 188820 184891 92447 92448 2140766 7\n"
    "bmbt 5 6 7 8\n"
    "dir 185039 92447 92444 136422\n"
    "trans 706 944304 0\n"
    "ig 185045 58807 3 126238 0 33637 22\n"
    "log 2883 113448 9 17360 739\n"
    "push_ail 945014 0 134260 15483 0 3940 464 159985 0 40\n"
    "xstrat 92447 0\n"
    "rw 107739 94045\n"
    "attr 4 0 0 0\n"
    "icluster 8677 7849 135802\n"
    "vnodes 92601 1 2 3 92444 92444 92444 9\n"
    "buf 2666287 7122 2659202 3599 2 7085 0 10297 7085\n"
    "abtb2 184941 1277345 13257 13278 0 0 0 0 0 0 0 0 0 0 2746147\n"
    "qm 0 0 0 0 0 0 0 0\n"
    "xpc 399724544 92823103 86219234\n"
    "defer_relog 0\n"
    "debug 0\n";

TEST(XfsStatsParseTest, ModernKernel) {
  auto r = ParseXfsStats(kModern);
  ASSERT_TRUE(r.ok()) << r.error;
  const auto& s = r.value;
  EXPECT_EQ(s.extent_alloc[0], 92447u);
  EXPECT_EQ(s.extent_alloc[3], 93751u);
  EXPECT_EQ(s.alloc_btree[3], 4u);
  EXPECT_EQ(s.block_map[6], 7u);
  EXPECT_EQ(s.block_map_btree[0], 5u);
  EXPECT_EQ(s.dir[3], 136422u);
  EXPECT_EQ(s.inode_get[6], 22u);
  EXPECT_EQ(s.rw[0], 107739u);  // writes come first
  EXPECT_EQ(s.rw[1], 94045u);
  EXPECT_EQ(s.vnodes[1], 1u);
  EXPECT_EQ(s.vnodes[7], 9u);
  EXPECT_EQ(s.xpc[0], 399724544u);
}

TEST(XfsStatsParseTest, OldKernelVnodesWithoutFree) {
  auto r = ParseXfsStats("vnodes 1 2 3 4 5 6 7\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.vnodes[6], 7u);
  EXPECT_EQ(r.value.vnodes[7], 0u);
}

TEST(XfsStatsParseTest, TruncatedAndExtraColumns) {
  EXPECT_EQ(ParseXfsStats("extent_alloc 1 2 3\n").error,
            "line 1: unexpected number of values for 'extent_alloc': 3");
  EXPECT_EQ(ParseXfsStats("rw 1 2 3\n").error,
            "line 1: unexpected number of values for 'rw': 3");
  EXPECT_EQ(ParseXfsStats("vnodes 1 2 3 4 5 6\n").error,
            "line 1: unexpected number of values for 'vnodes': 6");
  // A lone label is skipped; unknown lines of any length are fine.
  auto r = ParseXfsStats("rw\nnewstat 1 2 3 4 5 6 7 8 9 10 11 12\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.rw[0], 0u);
}

TEST(XfsStatsParseTest, HugeNumbers) {
  // Everything but xpc is 32-bit, even on lines node_exporter ignores.
  EXPECT_EQ(ParseXfsStats("abtb2 4294967296 0\n").error,
            "line 1: 'abtb2' value 1 is not an unsigned 32-bit integer: "
            "'4294967296'");
  EXPECT_TRUE(ParseXfsStats("abt 4294967295 0 0 0\n").ok());
  auto r = ParseXfsStats("xpc 18446744073709551615 0 1\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.xpc[0], 18446744073709551615u);
  EXPECT_FALSE(ParseXfsStats("xpc 18446744073709551616 0 1\n").ok());
}

TEST(XfsStatsParseTest, EmptyAndGarbage) {
  auto empty = ParseXfsStats("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty.value.dir[0], 0u);
  EXPECT_EQ(ParseXfsStats("dir 1 2 x 4\n").error,
            "line 1: 'dir' value 3 is not an unsigned 32-bit integer: 'x'");
}

using testing::FindValue;
using testing::RunCollector;

}  // namespace
}  // namespace host_exporter
