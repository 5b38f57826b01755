// The conntrack collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "parse/conntrack_stat.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(ConntrackCollectorTest, ReadsFixture) {
  Families fams = RunCollector("conntrack");
  EXPECT_EQ(fams.size(), 10u);
  EXPECT_EQ(FindValue(fams, "node_nf_conntrack_entries"), 1873);
  EXPECT_EQ(FindValue(fams, "node_nf_conntrack_entries_limit"), 262144);
  // Summed over the four CPU lines of the fixture.
  EXPECT_EQ(FindValue(fams, "node_nf_conntrack_stat_found"),
            0x1a2b + 0xc0d + 0xf00 + 0xabc);
  EXPECT_EQ(FindValue(fams, "node_nf_conntrack_stat_invalid"),
            0x11 + 5 + 2 + 9);
  EXPECT_EQ(FindValue(fams, "node_nf_conntrack_stat_ignore"),
            0x2f0 + 0x1a0 + 0xff + 0x100);
  EXPECT_EQ(FindValue(fams, "node_nf_conntrack_stat_insert"),
            0x4d2 + 0x3e8 + 0x1f4 + 0x2bc);
  EXPECT_EQ(FindValue(fams, "node_nf_conntrack_stat_insert_failed"), 3);
  EXPECT_EQ(FindValue(fams, "node_nf_conntrack_stat_drop"), 4);
  EXPECT_EQ(FindValue(fams, "node_nf_conntrack_stat_early_drop"), 5);
  EXPECT_EQ(FindValue(fams, "node_nf_conntrack_stat_search_restart"), 6);
  const auto* f = FindFamily(fams, "node_nf_conntrack_stat_early_drop");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->type, prometheus::MetricType::Gauge);
  EXPECT_EQ(f->help,
            "Number of dropped conntrack entries to make room for new ones, "
            "if maximum table size was reached.");
}

TEST(ConntrackCollectorTest, NoConntrackModuleIsNoData) {
  testing::TempRoot root;
  root.Write("proc/loadavg", "0 0 0 1/1 1\n");
  EXPECT_TRUE(RunCollector("conntrack", {}, root.paths()).empty());
}

TEST(ConntrackCollectorTest, KeepsWhatWasReadBeforeAnAbsentFile) {
  testing::TempRoot root;
  root.Write("proc/sys/net/netfilter/nf_conntrack_count", "12\n");
  Families fams = RunCollector("conntrack", {}, root.paths());
  ASSERT_EQ(fams.size(), 1u);
  EXPECT_EQ(FindValue(fams, "node_nf_conntrack_entries"), 12);

  root.Write("proc/sys/net/netfilter/nf_conntrack_max", "65536\n");
  fams = RunCollector("conntrack", {}, root.paths());
  ASSERT_EQ(fams.size(), 2u);
  EXPECT_EQ(FindValue(fams, "node_nf_conntrack_entries_limit"), 65536);
}

TEST(ConntrackCollectorTest, MalformedFileIsAnErrorNamingIt) {
  testing::TempRoot root;
  root.Write("proc/sys/net/netfilter/nf_conntrack_count", "lots\n");
  try {
    RunCollector("conntrack", {}, root.paths());
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_NE(std::string(e.what()).find("nf_conntrack_count: line 1"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace host_exporter::testing
