// /proc/net/stat/* parsing and the lnstat collector.
#include <gtest/gtest.h>

#include "parse/per_cpu_counters.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseLnstat;

TEST(LnstatParseTest, ColumnsOfHexCountersPerCpu) {
  auto r = ParseLnstat(
      "entries  allocs destroys\n"
      "00000005  000000a5 000001e5\n"
      "00000005  ffffffffffffffff 0000000000000000001\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 3u);
  EXPECT_EQ(r.value[0].name, "entries");
  EXPECT_EQ(r.value[0].per_cpu, (std::vector<uint64_t>{5, 5}));
  EXPECT_EQ(r.value[1].name, "allocs");
  EXPECT_EQ(r.value[1].per_cpu,
            (std::vector<uint64_t>{0xa5, 0xffffffffffffffffULL}));
  EXPECT_EQ(r.value[2].per_cpu, (std::vector<uint64_t>{0x1e5, 1}));
}

TEST(LnstatParseTest, Errors) {
  EXPECT_EQ(ParseLnstat("a b\n1 2 3\n").error,
            "line 2: 3 values for 2 column names");
  EXPECT_EQ(ParseLnstat("a b\n1 xyz\n").error,
            "line 2: not a hexadecimal counter: 'xyz'");
  EXPECT_EQ(ParseLnstat("a\n10000000000000000\n").error,
            "line 2: not a hexadecimal counter: '10000000000000000'");
  EXPECT_TRUE(ParseLnstat("").value.empty());
}

}  // namespace

namespace testing {
namespace {

TEST(LnstatCollectorTest, ReadsFixture) {
  Families fams = RunCollector("lnstat");
  const auto& entries = Family(fams, "node_lnstat_entries_total");
  EXPECT_EQ(entries.help, "linux network cache stats");
  EXPECT_EQ(entries.type, prometheus::MetricType::Counter);
  // arp_cache, ndisc_cache and nf_conntrack, 4 CPUs each.
  EXPECT_EQ(entries.metric.size(), 12u);
  EXPECT_EQ(FindValue(fams, "node_lnstat_entries_total",
                      {{"subsystem", "arp_cache"}, {"cpu", "3"}}),
            5);
  EXPECT_EQ(FindValue(fams, "node_lnstat_allocs_total",
                      {{"subsystem", "arp_cache"}, {"cpu", "0"}}),
            0xa5);
  EXPECT_EQ(FindValue(fams, "node_lnstat_insert_failed_total",
                      {{"subsystem", "nf_conntrack"}, {"cpu", "0"}}),
            2);
  EXPECT_EQ(Family(fams, "node_lnstat_table_fulls_total").metric.size(), 8u);
}

TEST(LnstatCollectorTest, NoDirectoryIsNoSeriesBadFileAnError) {
  TempRoot tmp;
  EXPECT_TRUE(RunCollector("lnstat", {}, tmp.paths()).empty());
  tmp.Write("proc/net/stat/rt_cache", "entries in_hit\n1 2 3\n");
  try {
    RunCollector("lnstat", {}, tmp.paths());
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              tmp.dir() +
                  "/proc/net/stat/rt_cache: line 2: 3 values for 2 column "
                  "names");
  }
  tmp.Write("proc/net/stat/rt_cache", "in-hit\n1\n");
  try {
    RunCollector("lnstat", {}, tmp.paths());
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              tmp.dir() +
                  "/proc/net/stat/rt_cache: column name 'in-hit' makes an "
                  "invalid metric name");
  }
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
