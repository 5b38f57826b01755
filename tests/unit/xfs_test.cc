// The xfs collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>

#include "parse/xfs_stats.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(XfsCollectorTest, ReadsPerDeviceStatsOnly) {
  Families f = RunCollector("xfs");
  const Labels dev = {{"device", "nvme0n1p1"}};
  EXPECT_EQ(
      FindValue(f, "node_xfs_extent_allocation_extents_allocated_total", dev),
      92447);
  EXPECT_EQ(
      FindValue(f, "node_xfs_block_mapping_extent_list_lookups_total", dev),
      2140766);
  EXPECT_EQ(FindValue(f, "node_xfs_inode_operation_missed_total", dev), 126238);
  EXPECT_EQ(FindValue(f, "node_xfs_read_calls_total", dev), 94045);
  EXPECT_EQ(FindValue(f, "node_xfs_write_calls_total", dev), 107739);
  EXPECT_EQ(FindValue(f, "node_xfs_vnode_active_total", dev), 92601);
  // 39 families, and the host-wide sys/fs/xfs/stats/stats is no device.
  EXPECT_EQ(f.size(), 39u);
  for (const auto& family : f) {
    EXPECT_EQ(family.metric.size(), 1u) << family.name;
    EXPECT_EQ(family.type, prometheus::MetricType::Counter) << family.name;
  }
}

TEST(XfsCollectorTest, NoXfsIsNoMetrics) {
  EXPECT_TRUE(
      RunCollector("xfs", {}, testing::FixturePaths("/nonexistent")).empty());
}

TEST(XfsCollectorTest, TheHostWideStatsDirectoryIsNoDevice) {
  // sys/fs/xfs/stats is the host-wide directory, never a device: its
  // stats/stats/stats, which cannot exist, is not even looked for. Here it
  // does, so a look would show as a device "stats".
  SysfsRoot root;
  const std::string stats =
      std::string(FIXTURE_ROOT) + "/sys/fs/xfs/nvme0n1p1/stats/stats";
  root.Link("fs/xfs/sda1/stats/stats", stats);
  root.Link("fs/xfs/stats/stats/stats", stats);
  Families f = RunCollector("xfs", {}, root.Paths());
  for (const auto& family : f) {
    EXPECT_EQ(family.metric.size(), 1u) << family.name;
  }
  EXPECT_EQ(FindValue(f, "node_xfs_read_calls_total", {{"device", "sda1"}}),
            94045);
}

}  // namespace
}  // namespace host_exporter::testing
