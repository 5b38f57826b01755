// The tapestats collector on the fixture root and on scratch sysfs trees.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "parse/sysfs_attr.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(TapestatsCollectorTest, ReadsFixture) {
  Families fams = RunCollector("tapestats");
  const Labels st0 = {{"device", "st0"}};
  EXPECT_EQ(FindValue(fams, "node_tape_io_now", st0), 1);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_tape_io_time_seconds_total", st0),
                   9247.01108772);
  EXPECT_EQ(FindValue(fams, "node_tape_written_bytes_total", st0),
            1496246784000.0);
  EXPECT_EQ(
      FindValue(fams, "node_tape_writes_completed_total", {{"device", "st1"}}),
      31);  // 0x1f
  // nst0 and st0a are other names for st0.
  EXPECT_FALSE(FindValue(fams, "node_tape_io_now", {{"device", "nst0"}}));
  EXPECT_EQ(Family(fams, "node_tape_io_now").metric.size(), 2u);
  EXPECT_EQ(fams.size(), 10u);
}

TEST(TapestatsCollectorTest, IgnoredDevices) {
  Families fams = RunCollector(
      "tapestats", Opt("collector.tapestats.ignored-devices", "^st1$"));
  EXPECT_EQ(Family(fams, "node_tape_io_now").metric.size(), 1u);
}

// One instance follows drives and statistics files added and removed
// between runs: a drive's kept files are listed again when its stamps
// change.
TEST(TapestatsCollectorTest, KeptDrivesFollowTheTree) {
  ExpectSteadyRunsAlike("tapestats");

  SysfsRoot root;
  namespace fs = std::filesystem;
  root.CopyFixture("class/scsi_tape");
  fs::remove(root.Sys("class/scsi_tape/st1/stats/read_cnt"));
  std::unique_ptr<Collector> c = MakeCollector("tapestats");
  auto value = [](const Families& f, const char* family, const char* dev) {
    return FindValue(f, family, {{"device", dev}});
  };
  Families f = c->Collect(root.Paths());
  EXPECT_EQ(value(f, "node_tape_io_now", "st0"), 1);
  EXPECT_EQ(value(f, "node_tape_reads_completed_total", "st1"), 0);

  // A value changed, a statistic added, a drive added.
  root.Write("class/scsi_tape/st0/stats/in_flight", "5\n");
  root.Write("class/scsi_tape/st1/stats/read_cnt", "7\n");
  fs::copy(root.Sys("class/scsi_tape/st0"), root.Sys("class/scsi_tape/st2"),
           fs::copy_options::recursive);
  f = c->Collect(root.Paths());
  EXPECT_EQ(value(f, "node_tape_io_now", "st0"), 5);
  EXPECT_EQ(value(f, "node_tape_reads_completed_total", "st1"), 7);
  EXPECT_EQ(value(f, "node_tape_io_now", "st2"), 5);

  // A statistic removed (reads 0), a drive removed.
  fs::remove(root.Sys("class/scsi_tape/st1/stats/read_cnt"));
  fs::remove_all(root.Sys("class/scsi_tape/st0"));
  f = c->Collect(root.Paths());
  EXPECT_FALSE(value(f, "node_tape_io_now", "st0"));
  EXPECT_EQ(value(f, "node_tape_reads_completed_total", "st1"), 0);
  EXPECT_EQ(Family(f, "node_tape_io_now").metric.size(), 2u);

  // A drive without stats/: no data, then data again once it has them.
  root.Write("class/scsi_tape/st3/x", "");
  EXPECT_TRUE(c->Collect(root.Paths()).empty());
  fs::remove_all(root.Sys("class/scsi_tape/st3"));
  EXPECT_EQ(value(c->Collect(root.Paths()), "node_tape_io_now", "st2"), 5);
}

}  // namespace
}  // namespace host_exporter::testing
