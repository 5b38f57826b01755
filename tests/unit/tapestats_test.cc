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

}  // namespace
}  // namespace host_exporter::testing
