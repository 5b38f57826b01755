// The qdisc collector: node_exporter's JSON fixture, its device filters
// and their old spellings, and the live rtnetlink dump (lo's qdisc).
#include <gtest/gtest.h>

#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

CollectorOptions Fixtures(
    std::vector<std::pair<std::string, std::string>> more = {}) {
  CollectorOptions o =
      Opt("collector.qdisc.fixtures", FIXTURE_ROOT "/../qdisc");
  for (auto& [k, v] : more) o.Set(k, {v});
  return o;
}

TEST(QdiscCollectorTest, ReadsFixture) {
  Families fams = RunCollector("qdisc", Fixtures());
  const Labels eth0 = {{"device", "eth0"}, {"kind", "pfifo_fast"}};
  const Labels wlan0 = {{"device", "wlan0"}, {"kind", "fq"}};
  ASSERT_EQ(fams.size(), 7u);
  EXPECT_EQ(FindValue(fams, "node_qdisc_bytes_total", eth0), 83);
  EXPECT_EQ(FindValue(fams, "node_qdisc_packets_total", wlan0), 42);
  EXPECT_EQ(FindValue(fams, "node_qdisc_drops_total", wlan0), 1);
  EXPECT_EQ(FindValue(fams, "node_qdisc_requeues_total", eth0), 2);
  EXPECT_EQ(FindValue(fams, "node_qdisc_overlimits_total", eth0), 5);
  EXPECT_EQ(FindValue(fams, "node_qdisc_current_queue_length", eth0), 3);
  EXPECT_EQ(FindValue(fams, "node_qdisc_backlog", eth0), 4500);
  EXPECT_EQ(FindValue(fams, "node_qdisc_backlog", wlan0), 0);
  // The fq_codel below eth0's root (Parent != 0) is left out.
  EXPECT_EQ(Family(fams, "node_qdisc_bytes_total").metric.size(), 2u);
  EXPECT_EQ(Family(fams, "node_qdisc_requeues_total").help,
            "Number of packets dequeued, not transmitted, and requeued.");
  EXPECT_EQ(Family(fams, "node_qdisc_backlog").type,
            prometheus::MetricType::Gauge);
  EXPECT_EQ(Family(fams, "node_qdisc_drops_total").type,
            prometheus::MetricType::Counter);
}

TEST(QdiscCollectorTest, DeviceFiltersAndOldSpellings) {
  for (const char* flag :
       {"collector.qdisc.device-include", "collector.qdisk.device-include"}) {
    Families fams = RunCollector("qdisc", Fixtures({{flag, "^wlan"}}));
    EXPECT_EQ(Family(fams, "node_qdisc_bytes_total").metric.size(), 1u) << flag;
    EXPECT_TRUE(FindValue(fams, "node_qdisc_bytes_total",
                          {{"device", "wlan0"}, {"kind", "fq"}}))
        << flag;
  }
  for (const char* flag :
       {"collector.qdisc.device-exclude", "collector.qdisk.device-exclude"}) {
    Families fams = RunCollector("qdisc", Fixtures({{flag, "^wlan"}}));
    EXPECT_EQ(Family(fams, "node_qdisc_bytes_total").metric.size(), 1u) << flag;
    EXPECT_TRUE(FindValue(fams, "node_qdisc_bytes_total",
                          {{"device", "eth0"}, {"kind", "pfifo_fast"}}))
        << flag;
  }
}

TEST(QdiscCollectorTest, ConflictingFlagsAreRefusedAtCreation) {
  const std::vector<std::vector<std::pair<std::string, std::string>>> bad = {
      {{"collector.qdisc.device-include", "a"},
       {"collector.qdisc.device-exclude", "b"}},
      {{"collector.qdisk.device-include", "a"},
       {"collector.qdisc.device-include", "b"}},
      {{"collector.qdisk.device-exclude", "a"},
       {"collector.qdisc.device-exclude", "b"}},
      {{"collector.qdisk.device-include", "a"},
       {"collector.qdisc.device-exclude", "b"}},
      {{"collector.qdisc.device-include", "("}},
  };
  for (const auto& flags : bad) {
    EXPECT_THROW(MakeCollector("qdisc", Fixtures(flags)), std::invalid_argument)
        << flags[0].first;
  }
  try {
    MakeCollector("qdisc", Fixtures({{"collector.qdisk.device-include", "a"},
                                     {"collector.qdisc.device-exclude", "b"}}));
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "--collector.qdisk.device-include and "
              "--collector.qdisc.device-exclude are mutually exclusive");
  }
}

TEST(QdiscCollectorTest, BadFixtureIsAnErrorNamingIt) {
  TempRoot tmp;
  const std::string dir = tmp.dir();
  auto run = [&] {
    return RunCollector("qdisc", Opt("collector.qdisc.fixtures", dir));
  };
  EXPECT_THROW(run(), CollectError);  // no results.json
  tmp.Write("results.json", "[{\"IfaceName\": \"x\", \"Drops\": -1}]");
  try {
    run();
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              dir + "/results.json: field Drops is out of range");
  }
  tmp.Write("results.json", "[{");
  EXPECT_THROW(run(), CollectError);
}

// The kernel's answer for lo: a root qdisc ("noqueue" on current kernels)
// with its counters.
TEST(QdiscCollectorTest, LiveLoopback) {
  Families fams;
  try {
    fams = RunCollector("qdisc", Opt("collector.qdisc.device-include", "^lo$"));
  } catch (const CollectError& e) {
    GTEST_SKIP() << "no rtnetlink here: " << e.what();
  }
  const prometheus::MetricFamily* f =
      FindFamily(fams, "node_qdisc_packets_total");
  ASSERT_NE(f, nullptr) << "no qdisc reported for lo";
  ASSERT_EQ(f->metric.size(), 1u);
  const auto& labels = f->metric[0].label;
  ASSERT_EQ(labels.size(), 2u);
  EXPECT_EQ(labels[0].name, "device");
  EXPECT_EQ(labels[0].value, "lo");
  EXPECT_EQ(labels[1].name, "kind");
  EXPECT_FALSE(labels[1].value.empty());
  EXPECT_EQ(fams.size(), 7u);
}

}  // namespace
}  // namespace host_exporter::testing
