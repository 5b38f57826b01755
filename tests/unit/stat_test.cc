// The stat collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "parse/proc_stat.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(StatCollectorTest, ReadsFixture) {
  Families f = RunCollector("stat");
  EXPECT_EQ(FindValue(f, "node_boot_time_seconds"), 1700000042);
  EXPECT_EQ(FindValue(f, "node_context_switches_total"), 1357924680);
  EXPECT_EQ(FindValue(f, "node_forks_total"), 246813);
  EXPECT_EQ(FindValue(f, "node_intr_total"), 987654321);
  EXPECT_EQ(FindValue(f, "node_procs_running"), 3);
  EXPECT_EQ(FindValue(f, "node_procs_blocked"), 1);
  EXPECT_EQ(Family(f, "node_boot_time_seconds").type,
            prometheus::MetricType::Gauge);
  EXPECT_EQ(Family(f, "node_forks_total").type,
            prometheus::MetricType::Counter);
  EXPECT_EQ(Family(f, "node_procs_blocked").help,
            "Number of processes blocked waiting for I/O to complete.");
  EXPECT_EQ(FindFamily(f, "node_softirqs_total"), nullptr);  // off by default
  EXPECT_EQ(f.size(), 6u);
}

TEST(StatCollectorTest, SoftirqsPerVector) {
  CollectorOptions o;
  o.Set("collector.stat.softirq", {"true"});
  Families f = RunCollector("stat", o);
  const prometheus::MetricFamily* fam = FindFamily(f, "node_softirqs_total");
  ASSERT_NE(fam, nullptr);
  EXPECT_EQ(fam->metric.size(), 10u);
  EXPECT_EQ(fam->type, prometheus::MetricType::Counter);
  EXPECT_EQ(FindValue(f, "node_softirqs_total", {{"vector", "hi"}}), 11);
  EXPECT_EQ(FindValue(f, "node_softirqs_total", {{"vector", "block"}}),
            1234567);
  EXPECT_EQ(FindValue(f, "node_softirqs_total", {{"vector", "block_iopoll"}}),
            0);
  EXPECT_EQ(FindValue(f, "node_softirqs_total", {{"vector", "sched"}}),
            34567890);
  EXPECT_EQ(FindValue(f, "node_softirqs_total", {{"vector", "rcu"}}), 38171202);
}

TEST(StatCollectorTest, MissingLinesGiveNoFamily) {
  testing::TempRoot root;
  root.Write("proc/stat", "cpu0 1 2 3 4\nctxt 7\nsoftirq 3 1 2\n");
  CollectorOptions o;
  o.Set("collector.stat.softirq", {"true"});
  Families f = MakeCollector("stat", o)->Collect(root.paths());
  EXPECT_EQ(FindValue(f, "node_context_switches_total"), 7);
  EXPECT_EQ(FindFamily(f, "node_boot_time_seconds"), nullptr);
  EXPECT_EQ(FindValue(f, "node_softirqs_total", {{"vector", "timer"}}), 2);
  EXPECT_EQ(Family(f, "node_softirqs_total").metric.size(), 2u);
}

TEST(StatCollectorTest, MissingFileIsACollectError) {
  EXPECT_THROW(RunCollector("stat", {}, FixturePaths("/nonexistent")),
               CollectError);
}

}  // namespace
}  // namespace host_exporter::testing
