// /proc/softirqs parsing and the softirqs collector.
#include <gtest/gtest.h>

#include "parse/per_cpu_counters.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseSoftirqs;

TEST(SoftirqsParseTest, KeepsKnownVectorsInFileOrder) {
  auto r = ParseSoftirqs(
      "                    CPU0       CPU1\n"
      "          HI:          7          1\n"
      "       TIMER:     424191     108342\n"
      "      FUTURE:          5          6\n"
      "         RCU:     155929     146631\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 3u);
  EXPECT_EQ(r.value[0].name, "HI");
  EXPECT_EQ(r.value[0].per_cpu, (std::vector<uint64_t>{7, 1}));
  EXPECT_EQ(r.value[1].name, "TIMER");
  EXPECT_EQ(r.value[2].name, "RCU");
  EXPECT_EQ(r.value[2].per_cpu, (std::vector<uint64_t>{155929, 146631}));
}

TEST(SoftirqsParseTest, SkipsHeaderAndLinesWithoutCounts) {
  // The header is never read as a vector, even if it looked like one.
  auto r = ParseSoftirqs("HI: 1 2\nHI:\n\nNET_RX: 3\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 1u);
  EXPECT_EQ(r.value[0].name, "NET_RX");
  EXPECT_EQ(r.value[0].per_cpu, (std::vector<uint64_t>{3}));
}

TEST(SoftirqsParseTest, RejectsEmptyFileAndBadCounts) {
  EXPECT_EQ(ParseSoftirqs("").error, "empty file, expected a CPU header line");
  EXPECT_EQ(ParseSoftirqs("  CPU0 CPU1\n  HI: 1 -2\n").error,
            "line 2: bad count '-2' for HI on CPU 1");
  EXPECT_EQ(ParseSoftirqs("  CPU0\n  SCHED: 18446744073709551616\n").error,
            "line 2: bad count '18446744073709551616' for SCHED on CPU 0");
}

}  // namespace

namespace testing {
namespace {

TEST(SoftirqsCollectorTest, ReadsFixture) {
  Families fams = RunCollector("softirqs");
  ASSERT_EQ(fams.size(), 1u);
  const auto& f = Family(fams, "node_softirqs_functions_total");
  EXPECT_EQ(f.help, "Softirq counts per CPU.");
  EXPECT_EQ(f.type, prometheus::MetricType::Counter);
  EXPECT_EQ(f.metric.size(), 40u);  // 10 vectors x 4 CPUs
  EXPECT_EQ(FindValue(fams, "node_softirqs_functions_total",
                      {{"cpu", "0"}, {"type", "TIMER"}}),
            18271560);
  EXPECT_EQ(FindValue(fams, "node_softirqs_functions_total",
                      {{"cpu", "3"}, {"type", "RCU"}}),
            3817122);
  EXPECT_EQ(FindValue(fams, "node_softirqs_functions_total",
                      {{"cpu", "2"}, {"type", "IRQ_POLL"}}),
            0);
}

TEST(SoftirqsCollectorTest, MissingOrBadFileIsAnErrorNamingIt) {
  TempRoot tmp;
  try {
    RunCollector("softirqs", {}, tmp.paths());
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              tmp.dir() + "/proc/softirqs: No such file or directory");
  }
  tmp.Write("proc/softirqs", "   CPU0\n  NET_TX: x\n");
  try {
    RunCollector("softirqs", {}, tmp.paths());
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              tmp.dir() +
                  "/proc/softirqs: line 2: bad count 'x' for NET_TX "
                  "on CPU 0");
  }
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
