// /proc/schedstat parsing and the schedstat collector.
#include "parse/schedstat.h"

#include <gtest/gtest.h>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseSchedstat;

TEST(SchedstatParseTest, ParsesCpuLinesAndSkipsTheRest) {
  auto r = ParseSchedstat(
      "version 15\n"
      "timestamp 4295167322\n"
      "cpu0 0 0 0 0 0 0 2045936778163039 343796328169361 4767485306\n"
      "domain0 00000000,00000003 1 1 0 0 0 0 0 1 1 0 0 0\n"
      "cpu12 1 2 3 4 5 6 7 8 9\n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].cpu, "0");
  EXPECT_EQ(r.value[0].running_ns, 2045936778163039u);
  EXPECT_EQ(r.value[0].waiting_ns, 343796328169361u);
  EXPECT_EQ(r.value[0].timeslices, 4767485306u);
  EXPECT_EQ(r.value[1].cpu, "12");
  EXPECT_EQ(r.value[1].running_ns, 7u);
  EXPECT_EQ(r.value[1].waiting_ns, 8u);
  EXPECT_EQ(r.value[1].timeslices, 9u);
}

TEST(SchedstatParseTest, ExtraColumnsAreIgnored) {
  auto r = ParseSchedstat("cpu3 0 0 0 0 0 0 10 20 30 40 50\n");
  ASSERT_EQ(r.value.size(), 1u);
  EXPECT_EQ(r.value[0].timeslices, 30u);
}

TEST(SchedstatParseTest, TruncatedGarbageAndHugeLinesAreSkipped) {
  auto r = ParseSchedstat(
      "cpu0 0 0 0 0 0 0 10 20\n"                     // truncated
      "cpu1 0 0 0 0 0 0 x 20 30\n"                   // garbage
      "cpux 0 0 0 0 0 0 1 2 3\n"                     // no number
      "cpu2 0 0 0 0 0 0 18446744073709551616 2 3\n"  // beyond 2^64
      "cpu3 0 0 0 0 0 0 18446744073709551615 2 3\n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value.size(), 1u);
  EXPECT_EQ(r.value[0].cpu, "3");
  EXPECT_EQ(r.value[0].running_ns, 18446744073709551615u);
}

TEST(SchedstatParseTest, EmptyFileHasNoCpus) {
  auto r = ParseSchedstat("");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value.empty());
}

}  // namespace

namespace testing {
namespace {

TEST(SchedstatCollectorTest, ReadsFixture) {
  Families fams = RunCollector("schedstat");
  ASSERT_EQ(fams.size(), 3u);
  EXPECT_DOUBLE_EQ(
      *FindValue(fams, "node_schedstat_running_seconds_total", {{"cpu", "0"}}),
      2045936.778163039);
  EXPECT_DOUBLE_EQ(
      *FindValue(fams, "node_schedstat_waiting_seconds_total", {{"cpu", "3"}}),
      362190.011735003);
  EXPECT_EQ(FindValue(fams, "node_schedstat_timeslices_total", {{"cpu", "2"}}),
            4588091034.0);
  EXPECT_EQ(Family(fams, "node_schedstat_timeslices_total").metric.size(), 4u);
}

TEST(SchedstatCollectorTest, MissingFileGivesNoSeries) {
  EXPECT_TRUE(
      RunCollector("schedstat", {}, FixturePaths("/nonexistent")).empty());
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
