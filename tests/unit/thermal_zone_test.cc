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

// A zone's and a cooling device's paths and labels are made when it is first
// listed: a steady run gives what the first gave, values and types are read
// each run, and a zone or device added or removed is seen at the next run.
TEST(ThermalZoneCollectorTest, KeptZonesFollowTheTree) {
  ExpectSteadyRunsAlike("thermal_zone");

  SysfsRoot root;
  auto zone = [&](const std::string& n, const char* type, const char* temp) {
    const std::string dir = "class/thermal/thermal_zone" + n + "/";
    root.Write(dir + "type", type);
    root.Write(dir + "policy", "step_wise\n");
    root.Write(dir + "temp", temp);
  };
  zone("0", "acpitz\n", "41000\n");
  std::unique_ptr<Collector> c = MakeCollector("thermal_zone", {});
  auto temp = [](const Families& fams, const char* n, const char* type) {
    return FindValue(fams, "node_thermal_zone_temp",
                     {{"zone", n}, {"type", type}});
  };
  Families fams = c->Collect(root.Paths());
  EXPECT_EQ(temp(fams, "0", "acpitz"), 41);

  zone("0", "x86_pkg_temp\n", "42000\n");
  zone("1", "acpitz\n", "43000\n");
  root.Write("class/thermal/cooling_device0/type", "Processor\n");
  root.Write("class/thermal/cooling_device0/max_state", "3\n");
  root.Write("class/thermal/cooling_device0/cur_state", "1\n");
  fams = c->Collect(root.Paths());
  EXPECT_EQ(temp(fams, "0", "x86_pkg_temp"), 42);
  EXPECT_EQ(temp(fams, "1", "acpitz"), 43);
  EXPECT_EQ(FindValue(fams, "node_cooling_device_cur_state",
                      {{"name", "0"}, {"type", "Processor"}}),
            1);

  std::filesystem::remove_all(root.Sys("class/thermal/thermal_zone0"));
  std::filesystem::remove_all(root.Sys("class/thermal/cooling_device0"));
  fams = c->Collect(root.Paths());
  EXPECT_FALSE(temp(fams, "0", "x86_pkg_temp"));
  EXPECT_EQ(temp(fams, "1", "acpitz"), 43);
  EXPECT_EQ(FindFamily(fams, "node_cooling_device_cur_state"), nullptr);
}

}  // namespace
}  // namespace host_exporter::testing
