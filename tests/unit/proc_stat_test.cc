// The /proc/stat, /proc/cpuinfo and CPU list parsers on strings, and the cpu
// and stat collectors on the fixture root and on small temporary roots.
#include "parse/proc_stat.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseCpuInfo;
using parse::ParseCpuList;
using parse::ParseProcStat;

// A 5.x/6.x kernel: ten time columns per CPU, ten softirq vectors.
constexpr char kStatModern[] =
    "cpu  9281 10 2726 76602 326 1 35 13 7 3\n"
    "cpu0 4369 4 1161 38941 6 0 7 5 3 1\n"
    "cpu1 4912 6 1565 37661 320 1 28 8 4 2\n"
    "intr 161716 0 0 13 0 89\n"
    "ctxt 309659\n"
    "btime 1795593229\n"
    "processes 5944\n"
    "procs_running 2\n"
    "procs_blocked 1\n"
    "softirq 102786 1 11772 4 1965 40237 0 5 24615 0 24187\n";

TEST(ProcStatTest, ParsesModernKernel) {
  auto r = ParseProcStat(kStatModern);
  ASSERT_TRUE(r.ok()) << r.error;
  const parse::ProcStat& s = r.value;
  ASSERT_TRUE(s.total.has_value());
  EXPECT_DOUBLE_EQ(s.total->user, 92.81);
  EXPECT_DOUBLE_EQ(s.total->guest_nice, 0.03);
  ASSERT_EQ(s.cpus.size(), 2u);
  EXPECT_EQ(s.cpus[1].cpu, 1u);
  const parse::CpuTimes& t = s.cpus[1].times;
  EXPECT_DOUBLE_EQ(t.user, 49.12);
  EXPECT_DOUBLE_EQ(t.nice, 0.06);
  EXPECT_DOUBLE_EQ(t.system, 15.65);
  EXPECT_DOUBLE_EQ(t.idle, 376.61);
  EXPECT_DOUBLE_EQ(t.iowait, 3.20);
  EXPECT_DOUBLE_EQ(t.irq, 0.01);
  EXPECT_DOUBLE_EQ(t.softirq, 0.28);
  EXPECT_DOUBLE_EQ(t.steal, 0.08);
  EXPECT_DOUBLE_EQ(t.guest, 0.04);
  EXPECT_DOUBLE_EQ(t.guest_nice, 0.02);
  EXPECT_EQ(s.intr, 161716u);
  EXPECT_EQ(s.ctxt, 309659u);
  EXPECT_EQ(s.btime, 1795593229u);
  EXPECT_EQ(s.processes, 5944u);
  EXPECT_EQ(s.procs_running, 2u);
  EXPECT_EQ(s.procs_blocked, 1u);
  EXPECT_EQ(s.softirq_total, 102786u);
  ASSERT_EQ(s.softirqs.size(), 10u);
  EXPECT_EQ(s.softirqs[0], 1u);
  EXPECT_EQ(s.softirqs[9], 24187u);
}

// Parsing into a kept ProcStat gives each file what a fresh parse gives:
// nothing left over from the last file (its CPUs, softirqs, lines).
TEST(ProcStatTest, IntoAKeptProcStatGivesWhatAFreshParseGives) {
  parse::ProcStat kept;
  for (const char* text : {kStatModern, "cpu0 1 2 3 4\nctxt 5\n", kStatModern,
                           "cpu  1 2 3 4\ncpu3 1 2 3 4\nsoftirq 7 1 2\n"}) {
    ASSERT_EQ(parse::ParseProcStatInto(text, &kept), "") << text;
    const auto fresh = ParseProcStat(text);
    ASSERT_TRUE(fresh.ok());
    const parse::ProcStat& f = fresh.value;
    EXPECT_EQ(kept.total.has_value(), f.total.has_value()) << text;
    ASSERT_EQ(kept.cpus.size(), f.cpus.size()) << text;
    for (size_t i = 0; i < f.cpus.size(); ++i) {
      EXPECT_EQ(kept.cpus[i].cpu, f.cpus[i].cpu) << text;
      EXPECT_EQ(kept.cpus[i].times.user, f.cpus[i].times.user) << text;
    }
    EXPECT_EQ(kept.intr, f.intr) << text;
    EXPECT_EQ(kept.ctxt, f.ctxt) << text;
    EXPECT_EQ(kept.btime, f.btime) << text;
    EXPECT_EQ(kept.processes, f.processes) << text;
    EXPECT_EQ(kept.procs_running, f.procs_running) << text;
    EXPECT_EQ(kept.procs_blocked, f.procs_blocked) << text;
    EXPECT_EQ(kept.softirq_total, f.softirq_total) << text;
    EXPECT_EQ(kept.softirqs, f.softirqs) << text;
  }
  EXPECT_EQ(parse::ParseProcStatInto("", &kept), "empty file");
  EXPECT_TRUE(kept.cpus.empty());
}

TEST(ProcStatTest, OlderKernelsHaveFewerColumnsAndLines) {
  // 2.4: four columns, "page"/"swap"/"disk_io" lines, no softirq line.
  auto r = ParseProcStat(
      "cpu  100 200 300 400\n"
      "cpu0 100 200 300 400\n"
      "page 5741 1808\n"
      "disk_io: (3,0):(1,2,3,4,5)\n"
      "ctxt 1990473\n"
      "btime 1062191376\n"
      "processes 2915\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.cpus.size(), 1u);
  EXPECT_DOUBLE_EQ(r.value.cpus[0].times.idle, 4.0);
  EXPECT_EQ(r.value.cpus[0].times.iowait, 0.0);
  EXPECT_EQ(r.value.cpus[0].times.guest, 0.0);
  EXPECT_FALSE(r.value.procs_running.has_value());
  EXPECT_FALSE(r.value.softirq_total.has_value());
  EXPECT_TRUE(r.value.softirqs.empty());

  // 2.6.24: eight columns (steal, no guest); softirq with fewer vectors.
  r = ParseProcStat(
      "cpu0 1 2 3 4 5 6 7 8\n"
      "softirq 10 1 2 3 4\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_DOUBLE_EQ(r.value.cpus[0].times.steal, 0.08);
  EXPECT_EQ(r.value.cpus[0].times.guest, 0.0);
  EXPECT_EQ(r.value.softirqs.size(), 4u);
}

TEST(ProcStatTest, ExtraColumnsAndUnknownKeysAreIgnored) {
  auto r = ParseProcStat(
      "cpu7 1 2 3 4 5 6 7 8 9 10 11 12\n"
      "newkey 1 2 3\n"
      "ctxt 5 6\n"
      "lonely\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.cpus.size(), 1u);
  EXPECT_EQ(r.value.cpus[0].cpu, 7u);
  EXPECT_DOUBLE_EQ(r.value.cpus[0].times.guest_nice, 0.10);
  EXPECT_EQ(r.value.ctxt, 5u);
}

TEST(ProcStatTest, HugeNumbers) {
  // CPU ticks beyond 2^64 still become seconds; a u64 counter beyond 2^64
  // is an error (the kernel cannot print one), as in procfs.
  auto r = ParseProcStat(
      "cpu0 100000000000000000000 0 0 18446744073709551615\n"
      "ctxt 18446744073709551615\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_DOUBLE_EQ(r.value.cpus[0].times.user, 1e18);
  EXPECT_DOUBLE_EQ(r.value.cpus[0].times.idle, 18446744073709551615.0 / 100);
  EXPECT_EQ(r.value.ctxt, 18446744073709551615u);
  EXPECT_EQ(ParseProcStat("cpu 1 2 3 4\nctxt 18446744073709551616\n").error,
            "line 2: ctxt value out of range: '18446744073709551616'");
  EXPECT_EQ(ParseProcStat("softirq 1 2 99999999999999999999\n").error,
            "line 1: softirq value out of range: '99999999999999999999'");
}

TEST(ProcStatTest, RejectsEmptyTruncatedAndGarbage) {
  EXPECT_EQ(ParseProcStat("").error, "empty file");
  EXPECT_EQ(ParseProcStat(" \n\n").error, "empty file");
  EXPECT_EQ(ParseProcStat("cpu 1 2 3 4\ncpu0 1 2 3\n").error,
            "line 2: 'cpu0' has 3 time columns, expected at least 4");
  EXPECT_EQ(ParseProcStat("cpu0 1 2 x 4\n").error,
            "line 1: 'cpu0' column 3 is not a number: 'x'");
  EXPECT_EQ(ParseProcStat("cpu0 1 2 -3 4\n").error,
            "line 1: 'cpu0' column 3 is not a number: '-3'");
  EXPECT_EQ(ParseProcStat("cpuX 1 2 3 4\n").error,
            "line 1: bad CPU name 'cpuX'");
  EXPECT_EQ(ParseProcStat("btime soon\n").error,
            "line 1: btime value is not a number: 'soon'");
  EXPECT_EQ(ParseProcStat("intr 12a 1 2\n").error,
            "line 1: intr value is not a number: '12a'");
  EXPECT_EQ(ParseProcStat("softirq 5 1 x\n").error,
            "line 1: softirq value is not a number: 'x'");
}

constexpr char kCpuInfoX86[] =
    "processor\t: 0\n"
    "vendor_id\t: GenuineIntel\n"
    "cpu family\t: 6\n"
    "model\t\t: 85\n"
    "model name\t: Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz\n"
    "stepping\t: 4\n"
    "microcode\t: 0x2006e05\n"
    "cpu MHz\t\t: 2100.000\n"
    "cache size\t: 22528 KB\n"
    "physical id\t: 1\n"
    "core id\t\t: 3\n"
    "flags\t\t: fpu vme  de\n"
    "bugs\t\t: cpu_meltdown spectre_v1\n"
    "power management:\n"
    "\n"
    "processor\t: 1\n"
    "vendor_id\t: GenuineIntel\n"
    "physical id\t: 1\n"
    "core id\t\t: 4\n"
    "flags\t\t: fpu\n"
    "bugs\t\t:\n";

TEST(CpuInfoTest, ParsesX86) {
  auto r = ParseCpuInfo(kCpuInfoX86);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  const parse::CpuInfo& c = r.value[0];
  EXPECT_EQ(c.processor, 0u);
  EXPECT_EQ(c.vendor_id, "GenuineIntel");
  EXPECT_EQ(c.cpu_family, "6");
  EXPECT_EQ(c.model, "85");
  EXPECT_EQ(c.model_name, "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz");
  EXPECT_EQ(c.stepping, "4");
  EXPECT_EQ(c.microcode, "0x2006e05");
  EXPECT_EQ(c.cache_size, "22528 KB");
  EXPECT_EQ(c.physical_id, "1");
  EXPECT_EQ(c.core_id, "3");
  EXPECT_EQ(c.flags, (std::vector<std::string>{"fpu", "vme", "de"}));
  EXPECT_EQ(c.bugs, (std::vector<std::string>{"cpu_meltdown", "spectre_v1"}));
  EXPECT_EQ(r.value[1].processor, 1u);
  EXPECT_EQ(r.value[1].core_id, "4");
  EXPECT_EQ(r.value[1].model_name, "");
  EXPECT_TRUE(r.value[1].bugs.empty());  // "bugs\t\t:" has no ": "
}

TEST(CpuInfoTest, Arm64FeaturesAreFlags) {
  auto r = ParseCpuInfo(
      "processor\t: 0\nBogoMIPS\t: 50.00\n"
      "Features\t: fp asimd evtstrm aes\nCPU implementer\t: 0x41\n"
      "\nprocessor\t: 1\nFeatures\t: fp\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].flags.size(), 4u);
  EXPECT_EQ(r.value[0].vendor_id, "");
}

TEST(CpuInfoTest, RejectsEmptyTruncatedAndGarbage) {
  EXPECT_EQ(ParseCpuInfo("").error, "empty file");
  EXPECT_EQ(ParseCpuInfo("\n\n").error, "empty file");
  EXPECT_EQ(ParseCpuInfo("vendor_id\t: x\nprocessor\t: 0\n").error,
            "line 1: expected a 'processor' line, got 'vendor_id\t: x'");
  EXPECT_EQ(ParseCpuInfo("processor\n").error,
            "line 1: expected a 'processor' line, got 'processor'");
  EXPECT_EQ(ParseCpuInfo("processor\t: 0\n\nprocessor\t: one\n").error,
            "line 3: processor number is not a number: 'one'");
  EXPECT_EQ(
      ParseCpuInfo("processor\t: 99999999999999999999999\n").error,
      "line 1: processor number is not a number: '99999999999999999999999'");
  // Truncated mid-block: what was read is kept.
  auto r = ParseCpuInfo("\nprocessor\t: 0\nvendor_id\t: Authen");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value[0].vendor_id, "Authen");
}

TEST(CpuListTest, ParsesRangesAndSingles) {
  auto r = ParseCpuList("0-2,5,7-8\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value, (std::vector<uint64_t>{0, 1, 2, 5, 7, 8}));
  EXPECT_TRUE(ParseCpuList("\n").ok());
  EXPECT_TRUE(ParseCpuList("").value.empty());
  EXPECT_EQ(ParseCpuList("3,\n").value, (std::vector<uint64_t>{3}));
}

TEST(CpuListTest, RejectsGarbageAndHugeRanges) {
  EXPECT_EQ(ParseCpuList("1-x\n").error, "line 1: bad CPU range: '1-x'");
  EXPECT_EQ(ParseCpuList("1-2-3\n").error, "line 1: bad CPU range: '1-2-3'");
  EXPECT_EQ(ParseCpuList("5-2\n").error,
            "line 1: CPU range runs backwards: '5-2'");
  EXPECT_EQ(ParseCpuList("0-18446744073709551615\n").error,
            "line 1: too many CPUs in list: '0-18446744073709551615'");
  EXPECT_EQ(ParseCpuList("0-99999999999999999999\n").error,
            "line 1: bad CPU range: '0-99999999999999999999'");
  EXPECT_EQ(ParseCpuList("1\n2\n").error, "line 2: expected a single line");
}

}  // namespace

}  // namespace host_exporter
