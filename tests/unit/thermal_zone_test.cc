// The thermal_zone collector on the fixture root and on scratch sysfs trees.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "parse/sysfs_attr.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(ThermalZoneCollectorTest, ReadsFixture) {
  Families fams = RunCollector("thermal_zone");
  EXPECT_EQ(FindValue(fams, "node_thermal_zone_temp",
                      {{"zone", "0"}, {"type", "x86_pkg_temp"}}),
            51);
  EXPECT_EQ(FindValue(fams, "node_thermal_zone_temp",
                      {{"zone", "1"}, {"type", "acpitz"}}),
            -3.5);
  EXPECT_EQ(FindValue(fams, "node_cooling_device_cur_state",
                      {{"name", "1"}, {"type", "intel_powerclamp"}}),
            -1);
  EXPECT_EQ(FindValue(fams, "node_cooling_device_max_state",
                      {{"name", "0"}, {"type", "Processor"}}),
            3);
}

TEST(ThermalZoneCollectorTest, MissingTempIsAnError) {
  SysfsRoot root;
  root.Write("class/thermal/thermal_zone0/type", "acpitz\n");
  root.Write("class/thermal/thermal_zone0/policy", "step_wise\n");
  EXPECT_EQ(ErrorOf("thermal_zone", root),
            root.Sys("class/thermal/thermal_zone0/temp") +
                ": No such file or directory");
  root.Write("class/thermal/thermal_zone0/temp", "41000\n");
  root.Write("class/thermal/thermal_zone0/passive", "x\n");
  EXPECT_EQ(ErrorOf("thermal_zone", root),
            root.Sys("class/thermal/thermal_zone0/passive") +
                ": line 1: not an unsigned integer: 'x'");
}

}  // namespace
}  // namespace host_exporter::testing
