// /proc/swaps parsing and the swap collector.
#include <gtest/gtest.h>

#include "parse/swaps.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseSwaps;

TEST(SwapsParseTest, SkipsHeaderAndParsesAreas) {
  auto r = ParseSwaps(
      "Filename\tType\tSize\tUsed\tPriority\n"
      "/dev/sda2   partition\t8388604\t0\t-2\n"
      "/swap\\040file file 1024 512 5 extra\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].filename, "/dev/sda2");
  EXPECT_EQ(r.value[0].type, "partition");
  EXPECT_EQ(r.value[0].size_kib, 8388604);
  EXPECT_EQ(r.value[0].used_kib, 0);
  EXPECT_EQ(r.value[0].priority, -2);
  EXPECT_EQ(r.value[1].filename, "/swap\\040file");
  EXPECT_EQ(r.value[1].priority, 5);
  EXPECT_TRUE(ParseSwaps("Filename Type Size Used Priority\n").value.empty());
  EXPECT_TRUE(ParseSwaps("").ok());
}

TEST(SwapsParseTest, Errors) {
  EXPECT_EQ(ParseSwaps("header\n/dev/sda2 partition 1 2\n").error,
            "line 2: expected 5 fields (filename, type, size, used, "
            "priority), got 4");
  EXPECT_EQ(ParseSwaps("header\n/dev/sda2 partition 1 x 3\n").error,
            "line 2: bad used 'x'");
}

}  // namespace

namespace testing {
namespace {

TEST(SwapCollectorTest, ReadsFixture) {
  Families fams = RunCollector("swap");
  ASSERT_EQ(fams.size(), 3u);
  const Labels dm1 = {{"device", "/dev/dm-1"}, {"swap_type", "partition"}};
  EXPECT_EQ(FindValue(fams, "node_swap_size_bytes", dm1), 8388604.0 * 1024);
  EXPECT_EQ(FindValue(fams, "node_swap_used_bytes", dm1), 102400.0 * 1024);
  EXPECT_EQ(FindValue(fams, "node_swap_priority", dm1), -2);
  EXPECT_EQ(FindValue(fams, "node_swap_priority",
                      {{"device", "/swap\\040file"}, {"swap_type", "file"}}),
            10);
  EXPECT_EQ(Family(fams, "node_swap_size_bytes").help,
            "Swap device size in bytes.");
  EXPECT_EQ(Family(fams, "node_swap_used_bytes").help,
            "Swap device used in bytes.");
  EXPECT_EQ(Family(fams, "node_swap_priority").help, "Swap device priority.");
}

TEST(SwapCollectorTest, NoSwapIsNoSeriesAndBadFileAnError) {
  TempRoot tmp;
  tmp.Write("proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n");
  EXPECT_TRUE(RunCollector("swap", {}, tmp.paths()).empty());
  tmp.Write("proc/swaps", "Filename\n/dev/x partition 1\n");
  try {
    RunCollector("swap", {}, tmp.paths());
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              tmp.dir() +
                  "/proc/swaps: line 2: expected 5 fields (filename, type, "
                  "size, used, priority), got 3");
  }
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
