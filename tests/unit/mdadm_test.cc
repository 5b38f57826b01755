// The mdadm collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>

#include "parse/mdstat.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(MdadmCollectorTest, ReadsFixture) {
  Families f = RunCollector("mdadm");
  EXPECT_EQ(FindValue(f, "node_md_blocks", {{"device", "md1"}}), 5860147200.0);
  EXPECT_EQ(FindValue(f, "node_md_blocks_synced", {{"device", "md1"}}),
            711314560.0);
  EXPECT_EQ(FindValue(f, "node_md_blocks_synced", {{"device", "md6"}}), 0.0);
  EXPECT_EQ(FindValue(f, "node_md_disks_required", {{"device", "md2"}}), 6.0);
  EXPECT_EQ(
      FindValue(f, "node_md_disks", {{"device", "md2"}, {"state", "failed"}}),
      1.0);
  EXPECT_EQ(
      FindValue(f, "node_md_disks", {{"device", "md5"}, {"state", "spare"}}),
      2.0);
  EXPECT_EQ(FindValue(f, "node_md_state",
                      {{"device", "md1"}, {"state", "recovering"}}),
            1.0);
  EXPECT_EQ(
      FindValue(f, "node_md_state", {{"device", "md1"}, {"state", "active"}}),
      0.0);
  EXPECT_EQ(
      FindValue(f, "node_md_state", {{"device", "md2"}, {"state", "resync"}}),
      1.0);
  EXPECT_EQ(
      FindValue(f, "node_md_state", {{"device", "md3"}, {"state", "check"}}),
      1.0);
  EXPECT_EQ(
      FindValue(f, "node_md_state", {{"device", "md5"}, {"state", "inactive"}}),
      1.0);
  const auto* state = testing::FindFamily(f, "node_md_state");
  ASSERT_NE(state, nullptr);
  EXPECT_EQ(state->metric.size(), 8u * 5u);  // 8 arrays, 5 states each
}

TEST(MdadmCollectorTest, NoMdstatIsNoMetrics) {
  EXPECT_TRUE(
      RunCollector("mdadm", {}, testing::FixturePaths("/nonexistent")).empty());
}

}  // namespace
}  // namespace host_exporter::testing
