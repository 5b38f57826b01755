// Per-NUMA-node meminfo/numastat parsing and the meminfo_numa collector.
#include "parse/meminfo_numa.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseNumaMeminfo;
using parse::ParseNumastat;

TEST(MeminfoNumaParseTest, ParsesMeminfoWithUnitsAndRenames) {
  auto r = ParseNumaMeminfo(
      "Node 0 MemTotal:        8874188 kB\n"
      "Node 0 Active(anon):       1800 kB\n"
      "\n"
      "Node 0 HugePages_Total:     12\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 3u);
  EXPECT_EQ(r.value[0].name, "MemTotal");
  EXPECT_EQ(r.value[0].node, "0");
  EXPECT_EQ(r.value[0].value, 8874188.0 * 1024);
  EXPECT_EQ(r.value[1].name, "Active_anon");
  EXPECT_EQ(r.value[2].name, "HugePages_Total");
  EXPECT_EQ(r.value[2].value, 12);
}

TEST(MeminfoNumaParseTest, RejectsTruncatedExtraAndGarbage) {
  EXPECT_EQ(ParseNumaMeminfo("Node 0 MemTotal:\n").error,
            "line 1: expected at least 4 fields, got 3");
  EXPECT_EQ(ParseNumaMeminfo("Node 0 MemTotal: 1 kB extra\n").error,
            "line 1: invalid line: 'Node 0 MemTotal: 1 kB extra'");
  EXPECT_EQ(ParseNumaMeminfo("Node 0 MemTotal: 1 MB\n").error,
            "line 1: invalid line: 'Node 0 MemTotal: 1 MB'");
  EXPECT_EQ(ParseNumaMeminfo("Node 0 MemTotal: lots kB\n").error,
            "line 1: value is not a number: 'lots'");
}

TEST(MeminfoNumaParseTest, HugeValuesAndEmptyFile) {
  auto r = ParseNumaMeminfo("Node 3 MemFree: 99999999999999999999 kB\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_DOUBLE_EQ(r.value[0].value, 1e20 * 1024);
  EXPECT_TRUE(ParseNumaMeminfo("").value.empty());
  EXPECT_TRUE(ParseNumastat("").value.empty());
}

TEST(MeminfoNumaParseTest, ParsesNumastat) {
  auto r = ParseNumastat("numa_hit 47839512\nnuma_miss 0\n\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].name, "numa_hit");
  EXPECT_EQ(r.value[0].value, 47839512);
  EXPECT_EQ(ParseNumastat("numa_hit\n").error,
            "line 1: expected 2 fields, got 1");
  EXPECT_EQ(ParseNumastat("numa_hit 1 2\n").error,
            "line 1: expected 2 fields, got 3");
  EXPECT_EQ(ParseNumastat("numa_hit x\n").error,
            "line 1: value is not a number: 'x'");
}

}  // namespace

namespace testing {
namespace {

TEST(MeminfoNumaCollectorTest, ReadsFixtureNodes) {
  Families fams = RunCollector("meminfo_numa");
  EXPECT_EQ(FindValue(fams, "node_memory_numa_MemTotal", {{"node", "0"}}),
            8388608.0 * 1024);
  EXPECT_EQ(FindValue(fams, "node_memory_numa_MemFree", {{"node", "1"}}),
            1123457.0 * 1024);
  EXPECT_EQ(
      FindValue(fams, "node_memory_numa_HugePages_Total", {{"node", "1"}}), 16);
  EXPECT_NE(FindValue(fams, "node_memory_numa_Active_anon", {{"node", "0"}}),
            std::nullopt);
  EXPECT_EQ(FindValue(fams, "node_memory_numa_numa_hit_total", {{"node", "0"}}),
            88121034);
  EXPECT_EQ(
      FindValue(fams, "node_memory_numa_other_node_total", {{"node", "1"}}),
      13192);
  const auto* hit = FindFamily(fams, "node_memory_numa_numa_hit_total");
  EXPECT_EQ(hit->type, prometheus::MetricType::Counter);
  EXPECT_EQ(hit->help, "Memory information field numa_hit_total.");
  const auto* total = FindFamily(fams, "node_memory_numa_MemTotal");
  EXPECT_EQ(total->type, prometheus::MetricType::Gauge);
  EXPECT_EQ(total->metric.size(), 2u);
  // 36 meminfo fields and 6 numastat counters per node.
  EXPECT_EQ(fams.size(), 42u);
}

TEST(MeminfoNumaCollectorTest, NoNodesMeansNoSeries) {
  EXPECT_TRUE(
      RunCollector("meminfo_numa", {}, FixturePaths("/nonexistent")).empty());
}

TEST(MeminfoNumaCollectorTest, NodeWithoutNumastatIsAnError) {
  testing::TempRoot root;
  root.Write("sys/devices/system/node/node2/meminfo",
             "Node 2 MemTotal: 1 kB\n");
  try {
    RunCollector("meminfo_numa", {}, FixturePaths(root.dir()));
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              root.dir() +
                  "/sys/devices/system/node/node2/numastat: No such file or "
                  "directory");
  }
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
