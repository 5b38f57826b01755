// /proc/buddyinfo parsing and the buddyinfo collector.
#include "parse/buddyinfo.h"

#include <gtest/gtest.h>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseBuddyInfo;

TEST(BuddyInfoParseTest, ParsesNodesZonesAndCounts) {
  auto r = ParseBuddyInfo(
      "Node 0, zone      DMA      1      0      3 \n"
      "Node 1, zone   Normal   4381   1093    185\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].node, "0");
  EXPECT_EQ(r.value[0].zone, "DMA");
  EXPECT_EQ(r.value[0].sizes, (std::vector<double>{1, 0, 3}));
  EXPECT_EQ(r.value[1].node, "1");
  EXPECT_EQ(r.value[1].zone, "Normal");
  EXPECT_EQ(r.value[1].sizes, (std::vector<double>{4381, 1093, 185}));
}

TEST(BuddyInfoParseTest, Errors) {
  EXPECT_EQ(ParseBuddyInfo("Node 0, zone DMA 1\n\n").error,
            "line 2: expected \"Node <n>, zone <zone>\" and counts, got 0 "
            "fields");
  EXPECT_EQ(
      ParseBuddyInfo("Node 0, zone DMA 1 2\nNode 0, zone Normal 1\n").error,
      "line 2: 1 counts, line 1 has 2");
  EXPECT_EQ(ParseBuddyInfo("Node 0, zone DMA 1 x\n").error,
            "line 1: bad count 'x'");
  EXPECT_TRUE(ParseBuddyInfo("").ok());
}

}  // namespace

namespace testing {
namespace {

TEST(BuddyinfoCollectorTest, ReadsFixture) {
  Families fams = RunCollector("buddyinfo");
  ASSERT_EQ(fams.size(), 1u);
  const auto& f = Family(fams, "node_buddyinfo_blocks");
  EXPECT_EQ(f.help, "Count of free blocks according to size.");
  EXPECT_EQ(f.type, prometheus::MetricType::Gauge);
  EXPECT_EQ(f.metric.size(), 33u);  // 3 zones x 11 orders
  EXPECT_EQ(FindValue(fams, "node_buddyinfo_blocks",
                      {{"node", "0"}, {"zone", "Normal"}, {"size", "10"}}),
            901);
  EXPECT_EQ(FindValue(fams, "node_buddyinfo_blocks",
                      {{"node", "0"}, {"zone", "DMA32"}, {"size", "0"}}),
            812);
}

TEST(BuddyinfoCollectorTest, MissingOrBadFileIsAnErrorNamingIt) {
  TempRoot tmp;
  try {
    RunCollector("buddyinfo", {}, tmp.paths());
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              tmp.dir() + "/proc/buddyinfo: No such file or directory");
  }
  tmp.Write("proc/buddyinfo", "Node 0, zone\n");
  try {
    RunCollector("buddyinfo", {}, tmp.paths());
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              tmp.dir() +
                  "/proc/buddyinfo: line 1: expected \"Node <n>, zone "
                  "<zone>\" and counts, got 3 fields");
  }
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
