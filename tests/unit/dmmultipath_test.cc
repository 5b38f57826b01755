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

// One instance follows maps renamed, re-created, added and removed and
// paths added between runs: a map's uuid is kept only while its entry's
// stamp holds, its name and slaves are read each run.
TEST(DmMultipathCollectorTest, KeptMapsFollowTheTree) {
  ExpectSteadyRunsAlike("dmmultipath");

  SysfsRoot root;
  namespace fs = std::filesystem;
  root.CopyFixture("block");
  std::unique_ptr<Collector> c = MakeCollector("dmmultipath");
  auto paths = [](const Families& f, const char* device, const char* dm) {
    return FindValue(f, "node_dmmultipath_device_paths",
                     {{"device", device}, {"sysfs_name", dm}});
  };
  Families f = c->Collect(root.Paths());
  EXPECT_EQ(paths(f, "mpathA", "dm-1"), 4);
  EXPECT_EQ(paths(f, "mpathB", "dm-2"), 2);

  // A map renamed, a path added to another, a path's state changed.
  root.Write("block/dm-1/dm/name", "mpathZ\n");
  root.Write("block/sdn/device/state", "running\n");
  root.Link("block/dm-2/slaves/sdn", "../../sdn");
  root.Write("block/sdm/device/state", "offline\n");
  f = c->Collect(root.Paths());
  EXPECT_FALSE(paths(f, "mpathA", "dm-1"));
  EXPECT_EQ(paths(f, "mpathZ", "dm-1"), 4);
  EXPECT_EQ(paths(f, "mpathB", "dm-2"), 3);
  EXPECT_EQ(
      FindValue(f, "node_dmmultipath_path_state",
                {{"device", "mpathB"}, {"path", "sdm"}, {"state", "offline"}}),
      1);

  // dm-1 re-created as another kind of map, dm-2 re-created with another
  // uuid, a map added.
  // (Each new directory made while the old one exists: another inode.)
  root.Write("block/new/dm/uuid", "LVM-abc\n");
  root.Write("block/new/dm/name", "vg-lv\n");
  fs::remove_all(root.Sys("block/dm-1"));
  fs::rename(root.Sys("block/new"), root.Sys("block/dm-1"));
  fs::rename(root.Sys("block/dm-2"), root.Sys("block/dm-9"));
  fs::copy(root.Sys("block/dm-9"), root.Sys("block/dm-2"),
           fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  fs::remove_all(root.Sys("block/dm-9"));
  root.Write("block/dm-2/dm/uuid", "mpath-other\n");
  fs::copy(root.Sys("block/dm-2"), root.Sys("block/dm-5"),
           fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  root.Write("block/dm-5/dm/name", "mpathE\n");
  f = c->Collect(root.Paths());
  EXPECT_FALSE(paths(f, "mpathZ", "dm-1"));
  EXPECT_EQ(FindValue(f, "node_dmmultipath_device_info",
                      {{"device", "mpathB"},
                       {"sysfs_name", "dm-2"},
                       {"uuid", "mpath-other"}}),
            1);
  EXPECT_EQ(paths(f, "mpathE", "dm-5"), 3);
  EXPECT_EQ(Family(f, "node_dmmultipath_device_info").metric.size(), 2u);

  // A map removed.
  fs::remove_all(root.Sys("block/dm-5"));
  f = c->Collect(root.Paths());
  EXPECT_FALSE(paths(f, "mpathE", "dm-5"));
  EXPECT_EQ(Family(f, "node_dmmultipath_device_info").metric.size(), 1u);
}

}  // namespace
}  // namespace host_exporter::testing
