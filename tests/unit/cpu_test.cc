// The cpu collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "parse/proc_stat.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(CpuCollectorTest, SecondsAndGuestFromFixture) {
  Families f = RunCollector("cpu");
  EXPECT_EQ(
      FindValue(f, "node_cpu_seconds_total", {{"cpu", "0"}, {"mode", "user"}}),
      12345.67);
  EXPECT_EQ(
      FindValue(f, "node_cpu_seconds_total", {{"cpu", "3"}, {"mode", "idle"}}),
      96083.45);
  EXPECT_EQ(
      FindValue(f, "node_cpu_seconds_total", {{"cpu", "1"}, {"mode", "steal"}}),
      8.01);
  EXPECT_EQ(
      FindValue(f, "node_cpu_seconds_total", {{"cpu", "2"}, {"mode", "irq"}}),
      0.0);
  EXPECT_EQ(Family(f, "node_cpu_seconds_total").metric.size(), 4u * 8);
  EXPECT_EQ(Family(f, "node_cpu_seconds_total").type,
            prometheus::MetricType::Counter);
  EXPECT_EQ(FindValue(f, "node_cpu_guest_seconds_total",
                      {{"cpu", "2"}, {"mode", "user"}}),
            102.44);
  EXPECT_EQ(FindValue(f, "node_cpu_guest_seconds_total",
                      {{"cpu", "2"}, {"mode", "nice"}}),
            1.26);
  // The aggregate "cpu" line is not exposed.
  EXPECT_FALSE(
      FindValue(f, "node_cpu_seconds_total", {{"cpu", ""}, {"mode", "user"}}));
  // Info is off by default.
  EXPECT_EQ(FindFamily(f, "node_cpu_info"), nullptr);
}

TEST(CpuCollectorTest, ThrottlesAndIsolatedFromFixture) {
  Families f = RunCollector("cpu");
  EXPECT_EQ(
      FindValue(f, "node_cpu_package_throttles_total", {{"package", "0"}}),
      4242);
  EXPECT_EQ(
      FindValue(f, "node_cpu_package_throttles_total", {{"package", "1"}}), 31);
  EXPECT_EQ(FindValue(f, "node_cpu_core_throttles_total",
                      {{"package", "0"}, {"core", "0"}}),
            17);
  EXPECT_EQ(FindValue(f, "node_cpu_core_throttles_total",
                      {{"package", "1"}, {"core", "1"}}),
            123);
  EXPECT_EQ(Family(f, "node_cpu_core_throttles_total").metric.size(), 4u);
  EXPECT_EQ(Family(f, "node_cpu_core_throttles_total").help,
            "Number of times this CPU core has been throttled.");
  EXPECT_EQ(FindValue(f, "node_cpu_isolated", {{"cpu", "3"}}), 1);
  EXPECT_EQ(Family(f, "node_cpu_isolated").metric.size(), 1u);
}

TEST(CpuCollectorTest, GuestCanBeTurnedOff) {
  CollectorOptions o;
  o.Set("collector.cpu.guest", {"false"});
  Families f = RunCollector("cpu", o);
  EXPECT_EQ(FindFamily(f, "node_cpu_guest_seconds_total"), nullptr);
  EXPECT_NE(FindFamily(f, "node_cpu_seconds_total"), nullptr);
}

TEST(CpuCollectorTest, InfoFlagsAndBugs) {
  CollectorOptions o;
  o.Set("collector.cpu.info", {"true"});
  Families f = RunCollector("cpu", o);
  EXPECT_EQ(
      FindValue(f, "node_cpu_info",
                {{"package", "1"},
                 {"core", "1"},
                 {"cpu", "3"},
                 {"vendor", "GenuineIntel"},
                 {"family", "6"},
                 {"model", "79"},
                 {"model_name", "Intel(R) Xeon(R) CPU E5-2620 v4 @ 2.10GHz"},
                 {"microcode", "0xb000040"},
                 {"stepping", "1"},
                 {"cachesize", "20480 KB"}}),
      1);
  EXPECT_EQ(Family(f, "node_cpu_info").metric.size(), 4u);
  // Without include patterns there are no flag or bug series.
  EXPECT_EQ(FindFamily(f, "node_cpu_flag_info"), nullptr);
  EXPECT_EQ(FindFamily(f, "node_cpu_bug_info"), nullptr);

  // An include pattern alone turns info on; it searches (unanchored).
  CollectorOptions inc;
  inc.Set("collector.cpu.info.flags-include", {"^(avx2|sse4_[12])$"});
  inc.Set("collector.cpu.info.bugs-include", {"spectre"});
  f = RunCollector("cpu", inc);
  EXPECT_NE(FindFamily(f, "node_cpu_info"), nullptr);
  EXPECT_EQ(FindValue(f, "node_cpu_flag_info", {{"flag", "avx2"}}), 1);
  EXPECT_EQ(Family(f, "node_cpu_flag_info").metric.size(), 3u);
  EXPECT_EQ(FindValue(f, "node_cpu_bug_info", {{"bug", "spectre_v2"}}), 1);
  EXPECT_EQ(Family(f, "node_cpu_bug_info").metric.size(), 2u);
  EXPECT_EQ(Family(f, "node_cpu_bug_info").help,
            "The `bugs` field of CPU information from /proc/cpuinfo taken "
            "from the first core.");
}

TEST(CpuCollectorTest, BadIncludePatternFailsAtCreation) {
  CollectorOptions o;
  o.Set("collector.cpu.info.flags-include", {"(unclosed"});
  const CollectorSpec* spec = FindCollector("cpu");
  CollectorOptions opts = DefaultOptions(*spec);
  for (const auto& [k, v] : o.values()) opts.Set(k, v);
  EXPECT_THROW(spec->create(opts), std::invalid_argument);
}

TEST(CpuCollectorTest, CountersNeverGoBackwardsAndHotplugResets) {
  testing::TempRoot root;
  auto cpu = MakeCollector("cpu", {});
  root.Write("proc/stat", "cpu0 100 0 50 100000 500 0 0 0 0 0\n");
  cpu->Collect(root.paths());
  // iowait dips (a known kernel quirk): the last value is kept.
  root.Write("proc/stat", "cpu0 110 0 55 100100 400 0 0 0 0 0\n");
  Families f = cpu->Collect(root.paths());
  EXPECT_EQ(FindValue(f, "node_cpu_seconds_total",
                      {{"cpu", "0"}, {"mode", "iowait"}}),
            5.0);
  EXPECT_EQ(
      FindValue(f, "node_cpu_seconds_total", {{"cpu", "0"}, {"mode", "user"}}),
      1.1);
  // Idle drops by >= 3 s: the CPU was replugged, take the new values.
  root.Write("proc/stat", "cpu0 1 0 1 200 3 0 0 0 0 0\n");
  f = cpu->Collect(root.paths());
  EXPECT_EQ(
      FindValue(f, "node_cpu_seconds_total", {{"cpu", "0"}, {"mode", "idle"}}),
      2.0);
  EXPECT_EQ(FindValue(f, "node_cpu_seconds_total",
                      {{"cpu", "0"}, {"mode", "iowait"}}),
            0.03);
}

TEST(CpuCollectorTest, OfflineCpusKeepTheirNumberAndVanish) {
  testing::TempRoot root;
  auto cpu = MakeCollector("cpu", {});
  root.Write("proc/stat", "cpu0 1 0 0 1 0 0 0 0\ncpu1 2 0 0 1 0 0 0 0\n");
  cpu->Collect(root.paths());
  root.Write("proc/stat", "cpu1 3 0 0 1 0 0 0 0\n");
  Families f = cpu->Collect(root.paths());
  EXPECT_EQ(
      FindValue(f, "node_cpu_seconds_total", {{"cpu", "1"}, {"mode", "user"}}),
      0.03);
  EXPECT_FALSE(
      FindValue(f, "node_cpu_seconds_total", {{"cpu", "0"}, {"mode", "user"}}));
}

TEST(CpuCollectorTest, AbsentSysfsGivesNoThrottleOrIsolatedFamilies) {
  testing::TempRoot root;
  root.Write("proc/stat", "cpu0 1 2 3 4\n");
  // A CPU without topology is skipped; one without throttle files counts
  // nothing.
  root.Write("sys/devices/system/cpu/cpu0/online", "1\n");
  root.Write("sys/devices/system/cpu/cpu1/topology/core_id", "0\n");
  root.Write("sys/devices/system/cpu/cpu1/topology/physical_package_id", "0\n");
  root.Write("sys/devices/system/cpu/isolated", "\n");
  Families f = MakeCollector("cpu", {})->Collect(root.paths());
  EXPECT_EQ(FindFamily(f, "node_cpu_core_throttles_total"), nullptr);
  EXPECT_EQ(FindFamily(f, "node_cpu_package_throttles_total"), nullptr);
  EXPECT_EQ(FindFamily(f, "node_cpu_isolated"), nullptr);
  EXPECT_EQ(
      FindValue(f, "node_cpu_seconds_total", {{"cpu", "0"}, {"mode", "idle"}}),
      0.04);
}

TEST(CpuCollectorTest, SteadyRunsAlike) { ExpectSteadyRunsAlike("cpu"); }

// The throttle files' paths one instance keeps per CPU, and the isolated
// CPUs it parsed, follow the tree: a CPU added or gone, its throttle
// directory gone, its topology or the isolated list changed show in the
// next run as in a new instance's.
TEST(CpuCollectorTest, KeptThrottleFilesAndIsolatedFollowTheTree) {
  testing::TempRoot root;
  root.Write("proc/stat", "cpu0 1 2 3 4\ncpu1 1 2 3 4\ncpu2 1 2 3 4\n");
  const std::string cpus = "sys/devices/system/cpu/";
  auto write_cpu = [&](const std::string& cpu, const char* package,
                       const char* core, const char* count) {
    root.Write(cpus + cpu + "/topology/physical_package_id", package);
    root.Write(cpus + cpu + "/topology/core_id", core);
    root.Write(cpus + cpu + "/thermal_throttle/core_throttle_count", count);
    root.Write(cpus + cpu + "/thermal_throttle/package_throttle_count", count);
  };
  write_cpu("cpu0", "0\n", "0\n", "5\n");
  write_cpu("cpu1", "0\n", "1\n", "6\n");
  root.Write(cpus + "isolated", "1\n");
  const HostPaths paths = FixturePaths(root.dir());
  auto kept = MakeCollector("cpu");
  auto text = [&](Collector& c) {
    return EncodeText(c.Collect(paths), Escaping::kUnderscores, true);
  };
  auto fresh = [&] {
    auto c = MakeCollector("cpu");
    return text(*c);
  };
  const std::string first = text(*kept);
  EXPECT_NE(
      first.find("node_cpu_core_throttles_total{package=\"0\",core=\"1\"} 6"),
      std::string::npos)
      << first;
  std::vector<std::function<void()>> changes = {
      [&] { write_cpu("cpu2", "1\n", "0\n", "7\n"); },
      [&] { std::filesystem::remove_all(root.dir() + "/" + cpus + "cpu0"); },
      [&] {
        std::filesystem::remove_all(root.dir() + "/" + cpus +
                                    "cpu1/thermal_throttle");
      },
      [&] { root.Write(cpus + "cpu2/topology/core_id", "3\n"); },
      [&] { root.Write(cpus + "isolated", "0-2\n"); },
      [&] { root.Write(cpus + "isolated", "\n"); },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    changes[i]();
    EXPECT_EQ(text(*kept), fresh()) << "change " << i;
  }
}

TEST(CpuCollectorTest, MalformedFilesAreCollectErrorsNamingThem) {
  testing::TempRoot root;
  root.Write("proc/stat", "cpu0 1 2 3\n");
  try {
    MakeCollector("cpu", {})->Collect(root.paths());
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              root.paths().Proc("stat") +
                  ": line 1: 'cpu0' has 3 time columns, expected at least 4");
  }
  root.Write("proc/stat", "cpu0 1 2 3 4\n");
  root.Write("sys/devices/system/cpu/cpu0/topology/core_id", "zero\n");
  root.Write("sys/devices/system/cpu/cpu0/topology/physical_package_id", "0\n");
  try {
    MakeCollector("cpu", {})->Collect(root.paths());
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              root.paths().Sys("devices/system/cpu/cpu0/topology/core_id") +
                  ": not an unsigned integer: 'zero'");
  }
  root.Write("sys/devices/system/cpu/cpu0/topology/core_id", "0\n");
  root.Write("sys/devices/system/cpu/isolated", "2-1\n");
  EXPECT_THROW(MakeCollector("cpu", {})->Collect(root.paths()), CollectError);
}

}  // namespace
}  // namespace host_exporter::testing
