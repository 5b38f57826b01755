// /proc/net/softnet_stat parser and the softnet collector.
#include "parse/softnet.h"

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseSoftnetStat;

TEST(ParseSoftnetStatTest, CurrentKernel13Columns) {
  auto r = ParseSoftnetStat(
      "0000067f 00000001 00000002 00000000 00000000 00000000 00000000 "
      "00000000 00000000 00000000 00000000 00000000 00000000\n"
      "0000092b 00000000 0000000a 00000000 00000000 00000000 00000000 "
      "00000000 00000000 00000000 00000000 00000000 00000001\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].processed, 0x67fu);
  EXPECT_EQ(r.value[0].dropped, 1u);
  EXPECT_EQ(r.value[0].time_squeezed, 2u);
  EXPECT_EQ(r.value[1].time_squeezed, 10u);
}

TEST(ParseSoftnetStatTest, OlderKernels9And11Columns) {
  auto nine = ParseSoftnetStat("00000010 00000000 00000003 0 0 0 0 0 0\n");
  ASSERT_TRUE(nine.ok()) << nine.error;
  EXPECT_EQ(nine.value[0].processed, 16u);
  EXPECT_TRUE(ParseSoftnetStat("1 2 3 0 0 0 0 0 0 0 0\n").ok());
}

TEST(ParseSoftnetStatTest, EmptyFile) {
  auto r = ParseSoftnetStat("");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value.empty());
}

TEST(ParseSoftnetStatTest, RejectsTruncatedHugeAndGarbage) {
  EXPECT_EQ(ParseSoftnetStat("1 2 3 0 0 0 0 0\n").error,
            "line 1: 8 columns were detected, but at least 9 were expected");
  EXPECT_EQ(ParseSoftnetStat("100000000 0 0 0 0 0 0 0 0\n").error,
            "line 1: column 1 is not a 32-bit hex number: '100000000'");
  EXPECT_EQ(ParseSoftnetStat("ffffffff 0 0 0 0 0 0 0 0\n").value[0].processed,
            0xffffffffu);
  EXPECT_FALSE(ParseSoftnetStat("1 zz 3 0 0 0 0 0 0\n").ok());
  EXPECT_FALSE(ParseSoftnetStat("1 2 3 0 0 0 0 0 0\n\n").ok());
}

}  // namespace

namespace testing {
namespace {

TEST(SoftnetCollectorTest, PerCpuCounters) {
  Families fams = RunCollector("softnet");
  ASSERT_EQ(fams.size(), 3u);
  EXPECT_EQ(FindValue(fams, "node_softnet_processed_total", {{"cpu", "0"}}),
            0x1e240);
  EXPECT_EQ(FindValue(fams, "node_softnet_processed_total", {{"cpu", "3"}}),
            0xfffffffe);
  EXPECT_EQ(FindValue(fams, "node_softnet_dropped_total", {{"cpu", "0"}}), 12);
  EXPECT_EQ(FindValue(fams, "node_softnet_dropped_total", {{"cpu", "2"}}), 3);
  EXPECT_EQ(
      FindValue(fams, "node_softnet_times_squeezed_total", {{"cpu", "3"}}),
      1000);
  const auto* f = FindFamily(fams, "node_softnet_times_squeezed_total");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->metric.size(), 4u);
  EXPECT_EQ(f->type, prometheus::MetricType::Counter);
  EXPECT_EQ(f->help, "Number of times processing packets ran out of quota");
  EXPECT_EQ(Family(fams, "node_softnet_processed_total").help,
            "Number of processed packets");
  EXPECT_EQ(Family(fams, "node_softnet_dropped_total").help,
            "Number of dropped packets");
}

TEST(SoftnetCollectorTest, MissingFileIsAnError) {
  EXPECT_THROW(RunCollector("softnet", {}, FixturePaths("/nonexistent")),
               CollectError);
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
