// The ksmd collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>

#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(KsmdCollectorTest, ReadsFixture) {
  Families fams = RunCollector("ksmd");
  ASSERT_EQ(fams.size(), 9u);
  EXPECT_EQ(FindValue(fams, "node_ksmd_full_scans_total"), 412);
  EXPECT_EQ(Family(fams, "node_ksmd_full_scans_total").type,
            prometheus::MetricType::Counter);
  EXPECT_EQ(Family(fams, "node_ksmd_full_scans_total").help,
            "ksmd 'full_scans' file.");
  EXPECT_EQ(FindValue(fams, "node_ksmd_pages_sharing"), 20512);
  EXPECT_EQ(Family(fams, "node_ksmd_pages_sharing").type,
            prometheus::MetricType::Gauge);
  EXPECT_EQ(FindValue(fams, "node_ksmd_run"), 1);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_ksmd_sleep_seconds"), 0.02);
  EXPECT_EQ(Family(fams, "node_ksmd_sleep_seconds").help,
            "ksmd 'sleep_millisecs' file.");
  // Files node_exporter does not read give no series.
  EXPECT_EQ(FindFamily(fams, "node_ksmd_max_page_sharing"), nullptr);
}

TEST(KsmdCollectorTest, MissingOrBadFileFailsNamingIt) {
  SysfsRoot root;
  for (const char* f :
       {"full_scans", "merge_across_nodes", "pages_shared", "pages_sharing",
        "pages_to_scan", "pages_unshared", "pages_volatile", "run"}) {
    root.Write(std::string("kernel/mm/ksm/") + f, "0\n");
  }
  EXPECT_EQ(ErrorOf("ksmd", root), root.Sys("kernel/mm/ksm/sleep_millisecs") +
                                       ": No such file or directory");
  root.Write("kernel/mm/ksm/sleep_millisecs", "20\n");
  EXPECT_EQ(ErrorOf("ksmd", root), "");
  root.Write("kernel/mm/ksm/run", "-1\n");
  EXPECT_EQ(ErrorOf("ksmd", root),
            root.Sys("kernel/mm/ksm/run") +
                ": line 1: not an unsigned integer: '-1'");
}

}  // namespace
}  // namespace host_exporter::testing
