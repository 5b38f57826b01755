// The xfs collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>

#include <filesystem>

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

TEST(XfsCollectorTest, KeptDevicesFollowTheTree) {
  ExpectSteadyRunsAlike("xfs");

  SysfsRoot root;
  const std::string stats = "extent_alloc 1 2 3 4\nrw 5 6\n";
  root.Write("fs/xfs/sda1/stats/stats", stats);
  std::unique_ptr<Collector> c = MakeCollector("xfs", {});
  const HostPaths paths = root.Paths();
  auto reads = [](const Families& f, const char* device) {
    return FindValue(f, "node_xfs_read_calls_total", {{"device", device}});
  };
  Families f = c->Collect(paths);
  EXPECT_EQ(reads(f, "sda1"), 6);
  // Read again every run: rewritten in place, then replaced by rename(2).
  root.Write("fs/xfs/sda1/stats/stats", "rw 7 8\n");
  f = c->Collect(paths);
  EXPECT_EQ(reads(f, "sda1"), 8);
  root.Write("fs/xfs/sda1/stats/new", "rw 9 10\n");
  std::filesystem::rename(root.Sys("fs/xfs/sda1/stats/new"),
                          root.Sys("fs/xfs/sda1/stats/stats"));
  root.Write("fs/xfs/sdb1/stats/stats", stats);
  f = c->Collect(paths);
  EXPECT_EQ(reads(f, "sda1"), 10);
  EXPECT_EQ(reads(f, "sdb1"), 6);
  // A device gone, and one re-created under its name.
  std::filesystem::remove_all(root.Sys("fs/xfs/sda1"));
  f = c->Collect(paths);
  EXPECT_FALSE(reads(f, "sda1"));
  EXPECT_EQ(reads(f, "sdb1"), 6);
  std::filesystem::remove_all(root.Sys("fs/xfs/sdb1"));
  root.Write("fs/xfs/sdb1/stats/stats", "rw 11 12\n");
  f = c->Collect(paths);
  EXPECT_EQ(reads(f, "sdb1"), 12);
  // A device without its stats file is none; no device, no families.
  std::filesystem::remove(root.Sys("fs/xfs/sdb1/stats/stats"));
  EXPECT_TRUE(c->Collect(paths).empty());
}

}  // namespace
}  // namespace host_exporter::testing
