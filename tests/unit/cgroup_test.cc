// cgroup file parsing and the cgroup collector on the v2 fixture
// (tests/fixtures/root/sys/fs/cgroup) and the v1/hybrid fixture
// (tests/fixtures/cgroup-v1).
#include "parse/cgroup.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using testing::FindFamily;
using testing::FindValue;
using testing::FixturePaths;
using testing::MakeCollector;
using testing::RunCollector;
using testing::TempRoot;

const std::string kV1Root = std::string(FIXTURE_ROOT) + "/../cgroup-v1";

TEST(CgroupParseTest, KeyedFile) {
  auto r = parse::ParseCgroupKeyed(
      "usage_usec 3000000\nuser_usec 2000000\n\nnr_throttled 0\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.size(), 3u);
  EXPECT_EQ(r.value.at("usage_usec"), 3000000u);
  EXPECT_EQ(parse::ParseCgroupKeyed("a 1\nb x\n").error,
            "line 2: bad value for b: 'x'");
  EXPECT_EQ(parse::ParseCgroupKeyed("a 1 2\n").error,
            "line 1: expected \"<key> <value>\", got 3 fields");
}

TEST(CgroupParseTest, SingleValueAndMax) {
  auto n = parse::ParseCgroupValue("1048576\n");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value, 1048576u);
  auto m = parse::ParseCgroupValue("max\n");
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m.value.has_value());
  EXPECT_EQ(parse::ParseCgroupValue("-1\n").error,
            "expected a number or \"max\", got '-1'");
}

TEST(CgroupParseTest, IoStat) {
  auto r = parse::ParseCgroupIoStat(
      "8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 "
      "dios=0\n"
      "8:0 rbytes=90430464 wbytes=299008000 rios=8950 wios=1252 "
      "dbytes=50331648 "
      "dios=3021 cost.vrate=100.00 cost.usage=0\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].device, "8:16");
  EXPECT_EQ(r.value[0].wbytes, 314773504u);
  EXPECT_EQ(r.value[1].dbytes, 50331648u);
  EXPECT_EQ(r.value[1].dios, 3021u);
  EXPECT_EQ(parse::ParseCgroupIoStat("sda rbytes=1\n").error,
            "line 1: expected a major:minor device, got 'sda'");
  EXPECT_EQ(parse::ParseCgroupIoStat("8:0 rbytes=x\n").error,
            "line 1: bad field 'rbytes=x'");
}

TEST(CgroupParseTest, BlkioV1) {
  std::vector<parse::CgroupIoDevice> devs;
  auto r = parse::MergeCgroupBlkio(
      "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n"
      "8:0 Discard 0\n8:0 Total 12288\nTotal 12288\n",
      parse::BlkioKind::kBytes, &devs);
  ASSERT_TRUE(r.ok()) << r.error;
  r = parse::MergeCgroupBlkio("8:0 Read 1\n8:0 Write 2\nTotal 3\n",
                              parse::BlkioKind::kOps, &devs);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(devs.size(), 1u);
  EXPECT_EQ(devs[0].rbytes, 4096u);
  EXPECT_EQ(devs[0].wbytes, 8192u);
  EXPECT_EQ(devs[0].rios, 1u);
  EXPECT_EQ(devs[0].wios, 2u);
  EXPECT_EQ(parse::MergeCgroupBlkio("8:0 Read\n", parse::BlkioKind::kOps, &devs)
                .error,
            "line 1: expected \"<major:minor> <operation> <value>\"");
}

std::vector<std::string> Groups(const Families& fams, const char* family) {
  std::vector<std::string> out;
  const auto* f = FindFamily(fams, family);
  if (f == nullptr) return out;
  for (const auto& m : f->metric) {
    for (const auto& l : m.label) {
      if (l.name == "cgroup") out.push_back(l.value);
    }
  }
  return out;
}

TEST(CgroupCollectorTest, V2DefaultSetIsSystemdUnitsToDepthThree) {
  const Families f = RunCollector("cgroup");
  EXPECT_EQ(
      Groups(f, "node_cgroup_cpu_usage_seconds_total"),
      (std::vector<std::string>{
          "/init.scope", "/system.slice", "/user.slice",
          "/system.slice/nginx.service", "/system.slice/ssh.service",
          "/system.slice/system-getty.slice", "/user.slice/user-1000.slice",
          "/system.slice/system-getty.slice/getty@tty1.service",
          "/user.slice/user-1000.slice/session-2.scope",
          "/user.slice/user-1000.slice/user@1000.service"}));
  EXPECT_EQ(FindValue(f, "node_cgroup_groups", {{"state", "reported"}}), 10);
  EXPECT_EQ(FindValue(f, "node_cgroup_groups", {{"state", "dropped"}}), 0);
}

TEST(CgroupCollectorTest, V2Values) {
  const Families f = RunCollector("cgroup");
  const Labels nginx = {{"cgroup", "/system.slice/nginx.service"}};
  EXPECT_EQ(FindValue(f, "node_cgroup_cpu_usage_seconds_total", nginx), 12);
  EXPECT_EQ(FindValue(f, "node_cgroup_cpu_user_seconds_total", nginx), 8);
  EXPECT_EQ(FindValue(f, "node_cgroup_cpu_system_seconds_total", nginx), 4);
  EXPECT_EQ(FindValue(f, "node_cgroup_cpu_throttled_periods_total", nginx), 28);
  EXPECT_DOUBLE_EQ(
      *FindValue(f, "node_cgroup_cpu_throttled_seconds_total", nginx), 1.4);
  EXPECT_EQ(FindValue(f, "node_cgroup_memory_usage_bytes", nginx), 41943040);
  EXPECT_EQ(FindValue(f, "node_cgroup_memory_max_usage_bytes", nginx),
            41943040 + 16384);
  EXPECT_EQ(FindValue(f, "node_cgroup_memory_limit_bytes", nginx), 536870912);
  // usage - inactive_file, as cAdvisor's working set
  EXPECT_EQ(FindValue(f, "node_cgroup_memory_working_set_bytes", nginx),
            41943040 - 4 * 2097152);
  EXPECT_EQ(FindValue(f, "node_cgroup_memory_rss_bytes", nginx), 4 * 6291456);
  EXPECT_EQ(FindValue(f, "node_cgroup_memory_swap_bytes", nginx), 16384);
  EXPECT_EQ(FindValue(f, "node_cgroup_memory_major_page_faults_total", nginx),
            48);
  EXPECT_EQ(FindValue(f, "node_cgroup_memory_events_total",
                      {{"cgroup", "/system.slice/nginx.service"},
                       {"event", "oom_kill"}}),
            2);
  EXPECT_EQ(FindValue(f, "node_cgroup_io_read_bytes_total",
                      {{"cgroup", "/system.slice/nginx.service"},
                       {"device", "nvme0n1"}}),
            163840);
  EXPECT_EQ(
      FindValue(f, "node_cgroup_io_reads_total",
                {{"cgroup", "/system.slice/nginx.service"}, {"device", "sda"}}),
      4);
  EXPECT_EQ(FindValue(f, "node_cgroup_pids", nginx), 4);
  EXPECT_EQ(FindValue(f, "node_cgroup_pids_limit", nginx), 512);
  EXPECT_DOUBLE_EQ(
      *FindValue(f, "node_cgroup_pressure_memory_stalled_seconds_total", nginx),
      0.004);
  EXPECT_DOUBLE_EQ(
      *FindValue(f, "node_cgroup_pressure_io_waiting_seconds_total", nginx),
      0.014);
  // "max" is no limit: no series.
  EXPECT_FALSE(FindValue(f, "node_cgroup_memory_limit_bytes",
                         {{"cgroup", "/system.slice/ssh.service"}}));
  EXPECT_FALSE(FindValue(f, "node_cgroup_pids_limit",
                         {{"cgroup", "/system.slice/ssh.service"}}));
}

TEST(CgroupCollectorTest, DepthIncludeAndExclude) {
  CollectorOptions o;
  o.Set("collector.cgroup.depth", {"4"});
  o.Set("collector.cgroup.include", {""});
  o.Set("collector.cgroup.exclude", {"getty"});
  const auto g = Groups(RunCollector("cgroup", o), "node_cgroup_pids");
  auto has = [&](const std::string& s) {
    return std::find(g.begin(), g.end(), s) != g.end();
  };
  EXPECT_TRUE(has("/system.slice/-.mount"));
  EXPECT_TRUE(has("/user.slice/user-1000.slice/user@1000.service/app.slice"));
  EXPECT_FALSE(has("/system.slice/system-getty.slice"));
  EXPECT_EQ(g.size(), 10u);

  o.Set("collector.cgroup.depth", {"1"});
  o.Set("collector.cgroup.exclude", {""});
  EXPECT_EQ(Groups(RunCollector("cgroup", o), "node_cgroup_pids"),
            (std::vector<std::string>{"/init.scope", "/system.slice",
                                      "/user.slice"}));
}

TEST(CgroupCollectorTest, SeriesCapDropsWholeGroupsAndCountsThem) {
  CollectorOptions o;
  o.Set("collector.cgroup.max-series", {"100"});
  auto c = MakeCollector("cgroup", o);
  ASSERT_TRUE(c);
  Families f = c->Collect(FixturePaths());
  // A v2 group has 44 series (46 with limits): two fit in 100, and the
  // third that does not stops the walk.
  EXPECT_EQ(Groups(f, "node_cgroup_cpu_usage_seconds_total"),
            (std::vector<std::string>{"/init.scope", "/system.slice"}));
  EXPECT_EQ(FindValue(f, "node_cgroup_groups", {{"state", "dropped"}}), 8);
  EXPECT_EQ(FindValue(f, "node_cgroup_dropped_groups_total"), 8);
  size_t series = 0;
  for (const auto& fam : f) {
    if (fam.name.rfind("node_cgroup_", 0) == 0 &&
        fam.name != "node_cgroup_groups" &&
        fam.name != "node_cgroup_dropped_groups_total") {
      series += fam.metric.size();
    }
  }
  EXPECT_LE(series, 100u);
  f = c->Collect(FixturePaths());
  EXPECT_EQ(FindValue(f, "node_cgroup_dropped_groups_total"), 16);
}

TEST(CgroupCollectorTest, V1HybridLayout) {
  const Families f = RunCollector("cgroup", {}, FixturePaths(kV1Root));
  EXPECT_EQ(Groups(f, "node_cgroup_memory_usage_bytes"),
            (std::vector<std::string>{"/system.slice", "/user.slice",
                                      "/system.slice/cron.service"}));
  const Labels cron = {{"cgroup", "/system.slice/cron.service"}};
  EXPECT_EQ(FindValue(f, "node_cgroup_cpu_usage_seconds_total", cron), 4);
  EXPECT_DOUBLE_EQ(*FindValue(f, "node_cgroup_cpu_user_seconds_total", cron),
                   2.5);
  EXPECT_DOUBLE_EQ(*FindValue(f, "node_cgroup_cpu_system_seconds_total", cron),
                   1.5);
  EXPECT_DOUBLE_EQ(
      *FindValue(f, "node_cgroup_cpu_throttled_seconds_total", cron), 0.25);
  EXPECT_EQ(FindValue(f, "node_cgroup_memory_usage_bytes", cron), 8388608);
  EXPECT_EQ(FindValue(f, "node_cgroup_memory_limit_bytes", cron), 268435456);
  EXPECT_EQ(FindValue(f, "node_cgroup_memory_working_set_bytes", cron),
            8388608 - 1048576);
  EXPECT_EQ(FindValue(f, "node_cgroup_memory_rss_bytes", cron), 6291456);
  EXPECT_EQ(FindValue(f, "node_cgroup_memory_events_total",
                      {{"cgroup", "/system.slice/cron.service"},
                       {"event", "oom_kill"}}),
            1);
  EXPECT_EQ(
      FindValue(f, "node_cgroup_memory_events_total",
                {{"cgroup", "/system.slice/cron.service"}, {"event", "max"}}),
      4);
  EXPECT_EQ(
      FindValue(f, "node_cgroup_io_written_bytes_total",
                {{"cgroup", "/system.slice/cron.service"}, {"device", "sda"}}),
      131072);
  EXPECT_EQ(
      FindValue(f, "node_cgroup_io_writes_total",
                {{"cgroup", "/system.slice/cron.service"}, {"device", "sda"}}),
      32);
  EXPECT_EQ(FindValue(f, "node_cgroup_pids", cron), 3);
  EXPECT_DOUBLE_EQ(
      *FindValue(f, "node_cgroup_pressure_io_stalled_seconds_total", cron),
      0.0015);
  // v1's "no limit" (PAGE_COUNTER_MAX pages) gives no series.
  EXPECT_FALSE(FindValue(f, "node_cgroup_memory_limit_bytes",
                         {{"cgroup", "/system.slice"}}));
}

TEST(CgroupCollectorTest, V1GroupInOneControllerOnly) {
  CollectorOptions o;
  o.Set("collector.cgroup.include", {"^/process_api/"});
  const Families f = RunCollector("cgroup", o, FixturePaths(kV1Root));
  const Labels g = {
      {"cgroup", "/process_api/02bd7e0da25ba2ee4d9a0a4fbf64d6ad"}};
  EXPECT_EQ(FindValue(f, "node_cgroup_memory_usage_bytes", g), 2879488);
  EXPECT_EQ(FindValue(f, "node_cgroup_memory_working_set_bytes", g),
            2879488 - 733184);
  EXPECT_FALSE(FindValue(f, "node_cgroup_cpu_usage_seconds_total", g));
  EXPECT_EQ(FindValue(f, "node_cgroup_groups", {{"state", "reported"}}), 1);
}

TEST(CgroupCollectorTest, BadFileIsAWarningNamingItAndLosesNothingElse) {
  TempRoot root;
  const std::string dir = root.dir() + "/sys/fs/cgroup";
  std::filesystem::create_directories(dir);
  std::filesystem::copy(std::string(FIXTURE_ROOT) + "/sys/fs/cgroup", dir,
                        std::filesystem::copy_options::recursive);
  const std::string bad =
      root.Write("sys/fs/cgroup/system.slice/ssh.service/memory.stat",
                 "anon 12\nfile twelve\n");
  auto c = MakeCollector("cgroup");
  ASSERT_TRUE(c);
  const Families f = c->Collect(root.paths());
  const Labels ssh = {{"cgroup", "/system.slice/ssh.service"}};
  EXPECT_FALSE(FindValue(f, "node_cgroup_memory_rss_bytes", ssh));
  EXPECT_EQ(FindValue(f, "node_cgroup_memory_usage_bytes", ssh), 20971520);
  EXPECT_EQ(FindValue(f, "node_cgroup_memory_rss_bytes",
                      {{"cgroup", "/system.slice/nginx.service"}}),
            4 * 6291456);
  const auto warnings = c->TakeWarnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], bad + ": line 2: bad value for file: 'twelve'");
}

TEST(CgroupCollectorTest, DeviceNamesFollowTheirLinkFromCycleToCycle) {
  TempRoot root;
  root.Write("sys/fs/cgroup/cgroup.controllers", "io\n");
  root.Write("sys/fs/cgroup/a.service/io.stat",
             "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0\n");
  root.Write("sys/block/sda/dev", "8:0\n");
  root.Write("sys/block/sdb/dev", "8:0\n");
  const std::string link = root.dir() + "/sys/dev/block/8:0";
  std::filesystem::create_directories(root.dir() + "/sys/dev/block");
  std::filesystem::create_directory_symlink("../../block/sda", link);
  auto c = MakeCollector("cgroup");
  ASSERT_TRUE(c);
  EXPECT_EQ(FindValue(c->Collect(root.paths()), "node_cgroup_io_reads_total",
                      {{"cgroup", "/a.service"}, {"device", "sda"}}),
            3);
  // The disk is replaced: 8:0 is now another device.
  std::filesystem::remove(link);
  std::filesystem::create_directory_symlink("../../block/sdb", link);
  EXPECT_EQ(FindValue(c->Collect(root.paths()), "node_cgroup_io_reads_total",
                      {{"cgroup", "/a.service"}, {"device", "sdb"}}),
            3);
}

TEST(CgroupCollectorTest, NoCgroupFilesystemIsNoSeries) {
  TempRoot root;
  const Families f = RunCollector("cgroup", {}, root.paths());
  EXPECT_EQ(FindValue(f, "node_cgroup_groups", {{"state", "reported"}}), 0);
  EXPECT_EQ(FindFamily(f, "node_cgroup_cpu_usage_seconds_total"), nullptr);
}

TEST(CgroupCollectorTest, BadFlagsNameTheFlag) {
  CollectorOptions o;
  o.Set("collector.cgroup.depth", {"0"});
  EXPECT_THROW(
      {
        try {
          MakeCollector("cgroup", o);
        } catch (const std::invalid_argument& e) {
          EXPECT_STREQ(e.what(),
                       "--collector.cgroup.depth: expected an integer >= 1, "
                       "got '0'");
          throw;
        }
      },
      std::invalid_argument);
}

}  // namespace
}  // namespace host_exporter
