// The rapl collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>

#include "parse/powercap.h"
#include "parse/sysfs_attr.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(RaplCollectorTest, ReadsFixture) {
  Families fams = RunCollector("rapl");
  const std::string dir =
      parse::GoCleanPath(testing::FixturePaths().sysfs + "/class/powercap") +
      "/";
  EXPECT_EQ(FindValue(fams, "node_rapl_package_joules_total",
                      {{"index", "0"}, {"path", dir + "intel-rapl:0"}}),
            240422.366267);
  EXPECT_EQ(FindValue(fams, "node_rapl_package_joules_total",
                      {{"index", "1"}, {"path", dir + "intel-rapl:1"}}),
            0.001337);
  // A second "dram" without an index counts as index 1.
  EXPECT_EQ(FindValue(fams, "node_rapl_dram_joules_total",
                      {{"index", "1"}, {"path", dir + "intel-rapl:1:0"}}),
            0.099099);
  EXPECT_EQ(Family(fams, "node_rapl_core_joules_total").help,
            "Current RAPL core value in joules");
  EXPECT_EQ(Family(fams, "node_rapl_core_joules_total").type,
            prometheus::MetricType::Counter);
  EXPECT_EQ(fams.size(), 3u);
}

TEST(RaplCollectorTest, ZoneLabel) {
  Families fams = RunCollector(
      "rapl", CollectorOptions(std::map<std::string, std::vector<std::string>>{
                  {"collector.rapl.enable-zone-label", {"true"}}}));
  ASSERT_EQ(fams.size(), 1u);
  EXPECT_EQ(fams[0].name, "node_rapl_joules_total");
  EXPECT_EQ(fams[0].help, "Current RAPL value in joules");
  const std::string dir =
      parse::GoCleanPath(testing::FixturePaths().sysfs + "/class/powercap") +
      "/";
  EXPECT_EQ(FindValue(fams, "node_rapl_joules_total",
                      {{"index", "0"},
                       {"path", dir + "intel-rapl:0:0"},
                       {"rapl_zone", "core"}}),
            118821.284256);
  EXPECT_EQ(fams[0].metric.size(), 6u);
}

TEST(RaplCollectorTest, NoPowercapNoFamilies) {
  EXPECT_TRUE(
      RunCollector("rapl", {}, testing::FixturePaths("/nonexistent")).empty());
}

}  // namespace
}  // namespace host_exporter::testing
