// The dmmultipath collector on the fixture root and on scratch sysfs trees.
#include <gtest/gtest.h>

#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(DmMultipathCollectorTest, ReadsFixture) {
  Families fams = RunCollector("dmmultipath");
  const Labels a = {{"device", "mpathA"}, {"sysfs_name", "dm-1"}};
  const Labels b = {{"device", "mpathB"}, {"sysfs_name", "dm-2"}};
  EXPECT_EQ(FindValue(fams, "node_dmmultipath_device_info",
                      {{"device", "mpathA"},
                       {"sysfs_name", "dm-1"},
                       {"uuid", "mpath-3600508b1001c1234567890abcdef1234"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_dmmultipath_device_active", a), 1);
  EXPECT_EQ(FindValue(fams, "node_dmmultipath_device_active", b), 0);
  EXPECT_EQ(FindValue(fams, "node_dmmultipath_device_size_bytes", a),
            104857600.0 * 512);
  EXPECT_EQ(FindValue(fams, "node_dmmultipath_device_paths", a), 4);
  EXPECT_EQ(FindValue(fams, "node_dmmultipath_device_paths_active", a), 3);
  EXPECT_EQ(FindValue(fams, "node_dmmultipath_device_paths_failed", a), 1);
  // NVMe "live" counts as active.
  EXPECT_EQ(FindValue(fams, "node_dmmultipath_device_paths_active", b), 2);
  EXPECT_EQ(
      FindValue(fams, "node_dmmultipath_path_state",
                {{"device", "mpathA"}, {"path", "sdl"}, {"state", "offline"}}),
      1);
  // The LVM map dm-0 is not a multipath map.
  EXPECT_EQ(Family(fams, "node_dmmultipath_device_info").metric.size(), 2u);
  EXPECT_EQ(Family(fams, "node_dmmultipath_path_state").help,
            "Reports the underlying device state for a multipath path, as "
            "read from /sys/block/<dev>/device/state.");
}

TEST(DmMultipathCollectorTest, AbsentFilesMeanNoDataBadNumbersFail) {
  SysfsRoot root;
  EXPECT_TRUE(RunCollector("dmmultipath", {}, root.Paths()).empty());
  root.Write("block/dm-3/dm/uuid", "mpath-x\n");
  root.Write("block/dm-3/dm/name", "mpathC\n");
  root.Write("block/dm-3/dm/suspended", "0\n");
  // No size: upstream's os.ErrNotExist, no data at all.
  EXPECT_TRUE(RunCollector("dmmultipath", {}, root.Paths()).empty());
  root.Write("block/dm-3/size", "12x\n");
  EXPECT_EQ(
      ErrorOf("dmmultipath", root),
      root.Sys("block/dm-3/size") + ": line 1: not an unsigned integer: '12x'");
  root.Write("block/dm-3/size", "2\n");
  // No slaves directory: a map without paths.
  Families fams = RunCollector("dmmultipath", {}, root.Paths());
  const Labels c = {{"device", "mpathC"}, {"sysfs_name", "dm-3"}};
  EXPECT_EQ(FindValue(fams, "node_dmmultipath_device_size_bytes", c), 1024);
  EXPECT_EQ(FindValue(fams, "node_dmmultipath_device_paths", c), 0);
  // A path whose state is missing: no data.
  root.Write("block/dm-3/slaves/sdz/x", "");
  EXPECT_TRUE(RunCollector("dmmultipath", {}, root.Paths()).empty());
}

}  // namespace
}  // namespace host_exporter::testing
