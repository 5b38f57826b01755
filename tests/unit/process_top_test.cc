// The process_top parsers and collector: the fixture tree
// tests/fixtures/process_top and scratch /proc trees over several cycles.
#include "parse/process_top.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "collectors/process_top.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::IsLeafUnit;
using parse::ParseBlkioServiceBytes;
using parse::ParseCgroupCpuStat;
using parse::ParseCgroupIoTotals;
using parse::ParseCpuacctStat;
using parse::ParsePidIo;
using parse::ParsePidStatFields;
using parse::ParsePidUnit;
using parse::PidIoBytes;
using parse::PidStatFields;
using parse::PidUnit;

constexpr char kTopStat[] =
    "42 (my (odd) app) R 1 42 42 0 -1 1077936448 90211 0 12 0 77013 8123 0 0 "
    "20 0 3 0 1043 734003200 52011 18446744073709551615 1 1 0 0 0 0 0 4096 "
    "17642 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

TEST(PidStatFieldsTest, ParsesTheRankedFields) {
  PidStatFields f;
  std::string error;
  ASSERT_TRUE(ParsePidStatFields(kTopStat, &f, &error)) << error;
  EXPECT_EQ(f.comm, "my (odd) app");
  EXPECT_EQ(f.state, 'R');
  EXPECT_EQ(f.ppid, 1);
  EXPECT_EQ(f.utime, 77013u);
  EXPECT_EQ(f.stime, 8123u);
  EXPECT_EQ(f.num_threads, 3);
  EXPECT_EQ(f.starttime, 1043u);
  EXPECT_EQ(f.rss_pages, 52011);
}

TEST(PidStatFieldsTest, ShortOrBadLinesAreErrorsNamingTheField) {
  PidStatFields f;
  std::string error;
  EXPECT_FALSE(ParsePidStatFields("7 (x) S 1 2\n", &f, &error));
  EXPECT_EQ(error, "expected at least 24 fields, got 5");
  EXPECT_FALSE(ParsePidStatFields("7 x S 1 2\n", &f, &error));
  EXPECT_EQ(error, "unexpected format, couldn't extract comm");
  std::string bad = kTopStat;
  bad.replace(bad.find(" 77013 "), 7, " 7x013 ");
  EXPECT_FALSE(ParsePidStatFields(bad, &f, &error));
  EXPECT_EQ(error, "field 14 is not an integer: '7x013'");
}

TEST(PidIoTest, ReadsStorageBytes) {
  PidIoBytes io;
  std::string error;
  ASSERT_TRUE(
      ParsePidIo("rchar: 1\nwchar: 2\nsyscr: 3\nsyscw: 4\nread_bytes: 4096\n"
                 "write_bytes: 8192\ncancelled_write_bytes: 0\n",
                 &io, &error))
      << error;
  EXPECT_EQ(io.read_bytes, 4096u);
  EXPECT_EQ(io.write_bytes, 8192u);
  EXPECT_FALSE(ParsePidIo("rchar: 1\n", &io, &error));
  EXPECT_EQ(error, "no read_bytes");
  EXPECT_FALSE(ParsePidIo("read_bytes: x\nwrite_bytes: 1\n", &io, &error));
  EXPECT_EQ(error, "read_bytes is not a number: 'x'");
}

TEST(PidUnitTest, UnifiedHybridAndV1Layouts) {
  PidUnit u = ParsePidUnit("0::/system.slice/ssh.service\n");
  EXPECT_EQ(u.unit, "ssh.service");
  EXPECT_EQ(u.path, "/system.slice/ssh.service");
  // The hybrid layout: name=systemd wins over the unified line.
  u = ParsePidUnit(
      "12:name=systemd:/user.slice/user-1000.slice/session-2.scope\n"
      "4:cpu,cpuacct:/user.slice\n0::/user.slice/user-1000.slice/"
      "session-2.scope\n");
  EXPECT_EQ(u.unit, "session-2.scope");
  EXPECT_EQ(u.path, "/user.slice/user-1000.slice/session-2.scope");
  // Below a unit (a service's own sub-cgroups): the unit and its path.
  u = ParsePidUnit("0::/system.slice/containerd.service/k8s/abc\n");
  EXPECT_EQ(u.unit, "containerd.service");
  EXPECT_EQ(u.path, "/system.slice/containerd.service");
  u = ParsePidUnit(
      "0::/user.slice/user-1000.slice/user@1000.service/app.slice/"
      "vte-spawn-1.scope\n");
  EXPECT_EQ(u.unit, "vte-spawn-1.scope");
  // The root, a path without units and an empty file.
  EXPECT_EQ(ParsePidUnit("0::/\n").unit, "-.slice");
  EXPECT_EQ(ParsePidUnit("0::/lxc/payload\n").unit, "-.slice");
  EXPECT_EQ(ParsePidUnit("").unit, "-.slice");
  EXPECT_EQ(ParsePidUnit("").path, "/");
  EXPECT_TRUE(IsLeafUnit("a.service"));
  EXPECT_TRUE(IsLeafUnit("session-2.scope"));
  EXPECT_FALSE(IsLeafUnit("system.slice"));
}

TEST(CgroupAccountingTest, CpuAndIoFiles) {
  auto cpu = ParseCgroupCpuStat(
      "usage_usec 3\nuser_usec 2000000\nsystem_usec 1500000\n");
  ASSERT_TRUE(cpu.ok()) << cpu.error;
  EXPECT_DOUBLE_EQ(cpu.value.user_seconds, 2.0);
  EXPECT_DOUBLE_EQ(cpu.value.system_seconds, 1.5);
  EXPECT_FALSE(ParseCgroupCpuStat("usage_usec 3\n").ok());
  auto acct = ParseCpuacctStat("user 250\nsystem 50\n", 100);
  ASSERT_TRUE(acct.ok()) << acct.error;
  EXPECT_DOUBLE_EQ(acct.value.user_seconds, 2.5);
  EXPECT_DOUBLE_EQ(acct.value.system_seconds, 0.5);
  auto io = ParseCgroupIoTotals(
      "8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n"
      "259:0 rbytes=1 wbytes=2 rios=1 wios=1\n");
  ASSERT_TRUE(io.ok()) << io.error;
  EXPECT_EQ(io.value.read_bytes, 101);
  EXPECT_EQ(io.value.write_bytes, 202);
  EXPECT_TRUE(ParseCgroupIoTotals("").ok());
  auto bad = ParseCgroupIoTotals("8:0 rbytes=1\n8:1 wbytes=x\n");
  EXPECT_EQ(bad.error, "line 2: bad field 'wbytes=x'");
  auto blkio = ParseBlkioServiceBytes(
      "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n"
      "8:0 Discard 0\n8:0 Total 12288\nTotal 12288\n");
  ASSERT_TRUE(blkio.ok()) << blkio.error;
  EXPECT_EQ(blkio.value.read_bytes, 4096);
  EXPECT_EQ(blkio.value.write_bytes, 8192);
}

}  // namespace

namespace testing {
namespace {

const std::string kTopTree = std::string(FIXTURE_ROOT) + "/../process_top";
const double kTopHz = static_cast<double>(::sysconf(_SC_CLK_TCK));
const double kTopPage = static_cast<double>(::sysconf(_SC_PAGESIZE));

// A collector whose clock the test sets.
struct TopClocked {
  explicit TopClocked(const CollectorOptions& o = {}) {
    const CollectorSpec* spec = FindCollector("process_top");
    CollectorOptions opts = DefaultOptions(*spec);
    for (const auto& [k, v] : o.values()) opts.Set(k, v);
    collector = MakeProcessTopCollector(opts, [this] { return now; });
  }
  Families Run(const HostPaths& paths) { return collector->Collect(paths); }
  double now = 1000;
  std::unique_ptr<Collector> collector;
};

std::string TopStatLine(int pid, const std::string& comm, uint64_t utime,
                        uint64_t stime, uint64_t start, int64_t rss_pages) {
  return std::to_string(pid) + " (" + comm + ") S 1 1 1 0 -1 0 0 0 0 0 " +
         std::to_string(utime) + " " + std::to_string(stime) +
         " 0 0 20 0 1 0 " + std::to_string(start) + " 1000 " +
         std::to_string(rss_pages) +
         " 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";
}

void WriteTopProc(const TempRoot& root, int pid, const std::string& comm,
                  uint64_t utime, uint64_t stime, uint64_t start,
                  int64_t rss_pages, const std::string& cgroup = "0::/\n") {
  const std::string d = "proc/" + std::to_string(pid) + "/";
  root.Write(d + "stat",
             TopStatLine(pid, comm, utime, stime, start, rss_pages));
  root.Write(d + "cgroup", cgroup);
}

TEST(ProcessTopCollectorTest, FixtureGroupsAndTopRss) {
  TopClocked c;
  Families f = c.Run(FixturePaths(kTopTree));
  // First cycle: no CPU ratio yet (nothing to compare with).
  EXPECT_EQ(FindFamily(f, "host_process_top_cpu_ratio"), nullptr);
  EXPECT_EQ(FindValue(f, "host_process_top_scanned_processes"), 6);
  // Top RSS: the processes with a resident set, largest first.
  const auto& rss = Family(f, "host_process_top_resident_memory_bytes");
  ASSERT_EQ(rss.metric.size(), 4u);  // kthreadd and the zombie have none
  EXPECT_EQ(FindValue(f, "host_process_top_resident_memory_bytes",
                      {{"pid", "42"}, {"comm", "my (odd) app"}}),
            52011 * kTopPage);
  // Command-name groups: both app processes and their threads and fds.
  const Labels app = {{"comm", "my (odd) app"}};
  EXPECT_EQ(FindValue(f, "host_process_comm_processes", app), 2);
  EXPECT_EQ(FindValue(f, "host_process_comm_threads", app), 5);
  EXPECT_EQ(FindValue(f, "host_process_comm_open_fds", app), 7);
  EXPECT_EQ(FindValue(f, "host_process_comm_resident_memory_bytes", app),
            53011 * kTopPage);
  EXPECT_DOUBLE_EQ(*FindValue(f, "host_process_comm_cpu_seconds_total",
                              {{"comm", "my (odd) app"}, {"mode", "user"}}),
                   77513 / kTopHz);
  EXPECT_EQ(FindValue(f, "host_process_comm_read_bytes_total", app), 4096);
  EXPECT_EQ(FindValue(f, "host_process_comm_written_bytes_total", app), 12288);
  // Unit groups: app.service's counters come from its cgroup (exited
  // processes included), its gauges from its three processes.
  const Labels svc = {{"unit", "app.service"}};
  EXPECT_EQ(FindValue(f, "host_process_unit_processes", svc), 3);
  EXPECT_EQ(FindValue(f, "host_process_unit_cpu_seconds_total",
                      {{"unit", "app.service"}, {"mode", "user"}}),
            900);
  EXPECT_EQ(FindValue(f, "host_process_unit_cpu_seconds_total",
                      {{"unit", "app.service"}, {"mode", "system"}}),
            100);
  EXPECT_EQ(FindValue(f, "host_process_unit_read_bytes_total", svc), 1049600);
  EXPECT_EQ(FindValue(f, "host_process_unit_written_bytes_total", svc),
            2097152);
  // init.scope: cgroup CPU, but no io.stat: I/O from its process.
  EXPECT_EQ(FindValue(f, "host_process_unit_cpu_seconds_total",
                      {{"unit", "init.scope"}, {"mode", "user"}}),
            30);
  EXPECT_EQ(FindValue(f, "host_process_unit_read_bytes_total",
                      {{"unit", "init.scope"}}),
            40960);
  // session-2.scope has no cgroup files: the process' own CPU.
  EXPECT_DOUBLE_EQ(*FindValue(f, "host_process_unit_cpu_seconds_total",
                              {{"unit", "session-2.scope"}, {"mode", "user"}}),
                   120 / kTopHz);
  // The root cgroup (a slice) never uses cgroup accounting.
  EXPECT_EQ(FindValue(f, "host_process_unit_processes", {{"unit", "-.slice"}}),
            1);
  EXPECT_EQ(
      FindValue(f, "host_process_top_unreadable_processes", {{"file", "io"}}),
      0);
  // No pid label outside the top-N families.
  for (const auto& fam : f) {
    if (fam.name.starts_with("host_process_top_")) continue;
    for (const auto& m : fam.metric) {
      for (const auto& l : m.label) EXPECT_NE(l.name, "pid") << fam.name;
    }
  }
}

TEST(ProcessTopCollectorTest, TopCpuOverTheLastCycleAndStaleSeries) {
  TempRoot root;
  WriteTopProc(root, 10, "busy", 100, 0, 5, 10);
  WriteTopProc(root, 11, "idle", 50, 0, 6, 20);
  TopClocked c;
  c.Run(root.paths());
  // 2 s later: busy used 150 ticks, idle none.
  c.now += 2;
  WriteTopProc(root, 10, "busy", 200, 50, 5, 10);
  Families f = c.Run(root.paths());
  EXPECT_DOUBLE_EQ(*FindValue(f, "host_process_top_cpu_ratio",
                              {{"pid", "10"}, {"comm", "busy"}}),
                   150 / kTopHz / 2);
  // A process that used no CPU in the cycle is not in the top.
  EXPECT_EQ(Family(f, "host_process_top_cpu_ratio").metric.size(), 1u);
  const double before = *FindValue(f, "host_process_comm_cpu_seconds_total",
                                   {{"comm", "busy"}, {"mode", "user"}});
  // busy exits: its top series and its group go, nothing else.
  std::filesystem::remove_all(root.dir() + "/proc/10");
  c.now += 2;
  f = c.Run(root.paths());
  EXPECT_EQ(FindFamily(f, "host_process_top_cpu_ratio"), nullptr);
  EXPECT_EQ(FindValue(f, "host_process_top_resident_memory_bytes",
                      {{"pid", "10"}, {"comm", "busy"}}),
            std::nullopt);
  EXPECT_EQ(FindValue(f, "host_process_comm_processes", {{"comm", "busy"}}),
            std::nullopt);
  EXPECT_EQ(FindValue(f, "host_process_comm_processes", {{"comm", "idle"}}), 1);
  EXPECT_DOUBLE_EQ(before, 200 / kTopHz);
}

TEST(ProcessTopCollectorTest, GroupCounterOutlivesAMemberAndCountsReusedPid) {
  TempRoot root;
  WriteTopProc(root, 10, "worker", 100, 0, 5, 1);
  WriteTopProc(root, 11, "worker", 300, 0, 6, 1);
  TopClocked c;
  Families f = c.Run(root.paths());
  const Labels user = {{"comm", "worker"}, {"mode", "user"}};
  EXPECT_DOUBLE_EQ(*FindValue(f, "host_process_comm_cpu_seconds_total", user),
                   400 / kTopHz);
  // 11 exits; pid 10 is reused by a new worker (another start time) that
  // used 30 ticks so far.
  std::filesystem::remove_all(root.dir() + "/proc/11");
  WriteTopProc(root, 10, "worker", 30, 0, 99, 1);
  c.now += 1;
  f = c.Run(root.paths());
  // Never less than before: 400 ticks of the two that were seen, plus 30.
  EXPECT_DOUBLE_EQ(*FindValue(f, "host_process_comm_cpu_seconds_total", user),
                   430 / kTopHz);
  EXPECT_DOUBLE_EQ(*FindValue(f, "host_process_top_cpu_ratio",
                              {{"pid", "10"}, {"comm", "worker"}}),
                   30 / kTopHz);
}

TEST(ProcessTopCollectorTest, TopIsBoundedAndGroupsAreCapped) {
  TempRoot root;
  for (int pid = 1; pid <= 6; ++pid) {
    WriteTopProc(root, pid, "p" + std::to_string(pid), 0, 0, pid, pid * 10);
  }
  CollectorOptions o = Opt("collector.process_top.top", "2");
  o.Set("collector.process_top.max-groups", {"3"});
  TopClocked c(o);
  Families f = c.Run(root.paths());
  const auto& rss = Family(f, "host_process_top_resident_memory_bytes");
  ASSERT_EQ(rss.metric.size(), 2u);
  EXPECT_EQ(FindValue(f, "host_process_top_resident_memory_bytes",
                      {{"pid", "6"}, {"comm", "p6"}}),
            60 * kTopPage);
  EXPECT_EQ(FindValue(f, "host_process_top_resident_memory_bytes",
                      {{"pid", "5"}, {"comm", "p5"}}),
            50 * kTopPage);
  // Three groups by name, the rest in "_other".
  EXPECT_EQ(Family(f, "host_process_comm_processes").metric.size(), 4u);
  EXPECT_EQ(FindValue(f, "host_process_comm_processes", {{"comm", "_other"}}),
            3);
}

TEST(ProcessTopCollectorTest, MalformedStatIsAWarningAndTheRestIsKept) {
  TempRoot root;
  WriteTopProc(root, 10, "good", 1, 1, 5, 10);
  root.Write("proc/11/stat", "11 (bad) S 1 2\n");
  TopClocked c;
  Families f = c.Run(root.paths());
  EXPECT_EQ(FindValue(f, "host_process_comm_processes", {{"comm", "good"}}), 1);
  EXPECT_EQ(FindValue(f, "host_process_top_scanned_processes"), 1);
  const auto warnings = c.collector->TakeWarnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], root.dir() +
                             "/proc/11/stat: expected at least 24 "
                             "fields, got 5");
  EXPECT_TRUE(c.collector->TakeWarnings().empty());
}

TEST(ProcessTopCollectorTest, CgroupV1CpuacctAndBlkio) {
  TempRoot root;
  WriteTopProc(root, 10, "svc", 1, 1, 5, 10,
               "3:cpu,cpuacct:/system.slice/x.service\n"
               "1:name=systemd:/system.slice/x.service\n0::/\n");
  root.Write("sys/fs/cgroup/cpuacct/system.slice/x.service/cpuacct.stat",
             "user 500\nsystem 100\n");
  root.Write(
      "sys/fs/cgroup/blkio/system.slice/x.service/"
      "blkio.throttle.io_service_bytes",
      "8:0 Read 10\n8:0 Write 20\n8:0 Total 30\nTotal 30\n");
  TopClocked c;
  Families f = c.Run(root.paths());
  EXPECT_DOUBLE_EQ(*FindValue(f, "host_process_unit_cpu_seconds_total",
                              {{"unit", "x.service"}, {"mode", "user"}}),
                   500 / kTopHz);
  EXPECT_EQ(FindValue(f, "host_process_unit_written_bytes_total",
                      {{"unit", "x.service"}}),
            20);
}

TEST(ProcessTopCollectorTest, BadFlagNamesIt) {
  try {
    MakeCollector("process_top", Opt("collector.process_top.top", "0"));
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "--collector.process_top.top: expected a whole number from 1 "
              "to 100000, got '0'");
  }
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
