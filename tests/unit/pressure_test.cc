// /proc/pressure parsing and the pressure collector.
#include "parse/pressure.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParsePressure;

TEST(PressureParseTest, ParsesSomeAndFull) {
  auto r = ParsePressure(
      "some avg10=1.25 avg60=0.80 avg300=0.33 total=123456789\n"
      "full avg10=0.00 avg60=0.01 avg300=0.00 total=0\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_TRUE(r.value.some.has_value());
  EXPECT_DOUBLE_EQ(r.value.some->avg10, 1.25);
  EXPECT_DOUBLE_EQ(r.value.some->avg60, 0.80);
  EXPECT_DOUBLE_EQ(r.value.some->avg300, 0.33);
  EXPECT_EQ(r.value.some->total_us, 123456789u);
  ASSERT_TRUE(r.value.full.has_value());
  EXPECT_EQ(r.value.full->total_us, 0u);
}

TEST(PressureParseTest, OldCpuFileHasNoFullLine) {
  // Linux 4.20 - 5.12 print only "some" for cpu.
  auto r = ParsePressure("some avg10=0.00 avg60=0.00 avg300=0.00 total=42\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.some->total_us, 42u);
  EXPECT_FALSE(r.value.full.has_value());
}

TEST(PressureParseTest, IgnoresUnknownLinesAndExtraFields) {
  auto r = ParsePressure(
      "some avg10=0.10 avg60=0.20 avg300=0.30 total=7 future=1\n"
      "partial avg10=x\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.some->total_us, 7u);
}

TEST(PressureParseTest, EmptyFileHasNoLines) {
  auto r = ParsePressure("");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value.some.has_value());
  EXPECT_FALSE(r.value.full.has_value());
}

TEST(PressureParseTest, RejectsTruncatedGarbageAndHugeTotals) {
  EXPECT_EQ(
      ParsePressure("some avg10=0.00 avg60=0.00\n").error,
      "line 1: expected avg10=, avg60=, avg300= and total=, got 2 fields");
  EXPECT_EQ(ParsePressure("ok\nsome avg10=x avg60=0 avg300=0 total=1\n").error,
            "line 2: bad avg10 field: 'avg10=x'");
  EXPECT_EQ(ParsePressure("full avg10=0 avg60=0 avg300=0 total=-1\n").error,
            "line 1: bad total field: 'total=-1'");
  EXPECT_EQ(ParsePressure(
                "some avg10=0 avg60=0 avg300=0 total=18446744073709551616\n")
                .error,
            "line 1: bad total field: 'total=18446744073709551616'");
  EXPECT_EQ(ParsePressure("some avg60=0 avg10=0 avg300=0 total=1\n").error,
            "line 1: bad avg10 field: 'avg60=0'");
}

}  // namespace

namespace testing {
namespace {

TEST(PressureCollectorTest, ReadsFixture) {
  Families fams = RunCollector("pressure");
  EXPECT_EQ(fams.size(), 5u);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_pressure_cpu_waiting_seconds_total"),
                   123.456789);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_pressure_io_waiting_seconds_total"),
                   4.817621);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_pressure_io_stalled_seconds_total"),
                   3.211907);
  EXPECT_DOUBLE_EQ(
      *FindValue(fams, "node_pressure_memory_waiting_seconds_total"), 0.076543);
  EXPECT_DOUBLE_EQ(
      *FindValue(fams, "node_pressure_memory_stalled_seconds_total"), 0.012345);
  const auto* cpu = FindFamily(fams, "node_pressure_cpu_waiting_seconds_total");
  EXPECT_EQ(cpu->type, prometheus::MetricType::Counter);
  EXPECT_EQ(cpu->help,
            "Total time in seconds that processes have waited for CPU time");
}

TEST(PressureCollectorTest, KernelWithoutPsiGivesNoSeriesAndNoError) {
  testing::TempRoot root;
  root.Write("proc/stat", "cpu 1 2 3\n");
  EXPECT_TRUE(RunCollector("pressure", {}, FixturePaths(root.dir())).empty());
}

TEST(PressureCollectorTest, StopsAtTheFirstMissingResource) {
  testing::TempRoot root;
  root.Write("proc/pressure/cpu",
             "some avg10=0 avg60=0 avg300=0 total=5000000\n");
  root.Write("proc/pressure/memory",
             "some avg10=0 avg60=0 avg300=0 total=1\n"
             "full avg10=0 avg60=0 avg300=0 total=1\n");
  Families fams = RunCollector("pressure", {}, FixturePaths(root.dir()));
  ASSERT_EQ(fams.size(), 1u);
  EXPECT_EQ(FindValue(fams, "node_pressure_cpu_waiting_seconds_total"), 5.0);
}

TEST(PressureCollectorTest, MissingFullLineIsAnErrorNamingTheFile) {
  testing::TempRoot root;
  root.Write("proc/pressure/cpu", "some avg10=0 avg60=0 avg300=0 total=1\n");
  root.Write("proc/pressure/io", "some avg10=0 avg60=0 avg300=0 total=1\n");
  try {
    RunCollector("pressure", {}, FixturePaths(root.dir()));
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              root.dir() + "/proc/pressure/io: no \"full\" line");
  }
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
