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

// A CPU's paths are kept from run to run: a steady run gives what the
// first gave, values and governors are read again, and a CPU that comes
// (hotplug) or loses its cpufreq/ is seen at the next run.
TEST(CpufreqCollectorTest, KeptCpusFollowTheTree) {
  ExpectSteadyRunsAlike("cpufreq");

  SysfsRoot root;
  auto cpu = [&](const std::string& n, const char* khz) {
    const std::string d = "devices/system/cpu/cpu" + n + "/cpufreq/";
    for (const char* f :
         {"scaling_driver", "related_cpus", "scaling_setspeed"}) {
      root.Write(d + f, "x\n");
    }
    root.Write(d + "scaling_available_governors", "performance powersave\n");
    root.Write(d + "scaling_governor", "powersave\n");
    root.Write(d + "scaling_cur_freq", std::string(khz) + "\n");
  };
  cpu("0", "1000");
  // As node_exporter 1.9, with the governors.
  std::unique_ptr<Collector> c =
      MakeCollector("cpufreq", Opt(kNodeExporterCompatKey, "1.9"));
  auto hz = [](const Families& fams, const char* n) {
    return FindValue(fams, "node_cpu_scaling_frequency_hertz", {{"cpu", n}});
  };
  Families fams = c->Collect(root.Paths());
  EXPECT_EQ(hz(fams, "0"), 1e6);
  EXPECT_EQ(FindValue(fams, "node_cpu_scaling_governor",
                      {{"cpu", "0"}, {"governor", "powersave"}}),
            1);
  cpu("0", "2000");
  cpu("1", "3000");
  root.Write("devices/system/cpu/cpu0/cpufreq/scaling_governor",
             "performance\n");
  fams = c->Collect(root.Paths());
  EXPECT_EQ(hz(fams, "0"), 2e6);
  EXPECT_EQ(hz(fams, "1"), 3e6);
  EXPECT_EQ(FindValue(fams, "node_cpu_scaling_governor",
                      {{"cpu", "0"}, {"governor", "performance"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_cpu_scaling_governor",
                      {{"cpu", "0"}, {"governor", "powersave"}}),
            0);
  std::filesystem::remove_all(root.Sys("devices/system/cpu/cpu0/cpufreq"));
  fams = c->Collect(root.Paths());
  EXPECT_FALSE(hz(fams, "0"));
  EXPECT_EQ(hz(fams, "1"), 3e6);
}

}  // namespace
}  // namespace host_exporter::testing
