// The cpufreq collector on the fixture root and on scratch sysfs trees.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "parse/sysfs_attr.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(CpufreqCollectorTest, ReadsFixture) {
  Families fams = RunCollector("cpufreq");
  EXPECT_EQ(FindValue(fams, "node_cpu_frequency_hertz", {{"cpu", "0"}}), 1.8e9);
  EXPECT_EQ(FindValue(fams, "node_cpu_frequency_max_hertz", {{"cpu", "3"}}),
            3.9e9);
  EXPECT_EQ(FindValue(fams, "node_cpu_scaling_frequency_hertz", {{"cpu", "1"}}),
            1811110000.0);
  EXPECT_EQ(
      FindValue(fams, "node_cpu_scaling_frequency_min_hertz", {{"cpu", "2"}}),
      1.2e9);
  // cpu3 has no cpuinfo_cur_freq (as with intel_pstate).
  EXPECT_FALSE(FindValue(fams, "node_cpu_frequency_hertz", {{"cpu", "3"}}));
  EXPECT_EQ(fams.size(), 6u);
}

TEST(CpufreqCollectorTest, RequiredAndMalformedFiles) {
  SysfsRoot root;
  const std::string d = "devices/system/cpu/cpu0/cpufreq/";
  for (const char* f : {"scaling_available_governors", "scaling_driver",
                        "scaling_governor", "related_cpus"}) {
    root.Write(d + f, "x\n");
  }
  root.Write(d + "scaling_cur_freq", "1000\n");
  EXPECT_EQ(ErrorOf("cpufreq", root),
            root.Sys(d + "scaling_setspeed") + ": No such file or directory");
  root.Write(d + "scaling_setspeed", "<unsupported>\n");
  EXPECT_EQ(FindValue(RunCollector("cpufreq", {}, root.Paths()),
                      "node_cpu_scaling_frequency_hertz", {{"cpu", "0"}}),
            1e6);
  root.Write(d + "cpuinfo_max_freq", "abc\n");
  EXPECT_EQ(ErrorOf("cpufreq", root),
            root.Sys(d + "cpuinfo_max_freq") +
                ": line 1: not an unsigned integer: 'abc'");
}

}  // namespace
}  // namespace host_exporter::testing
