// RAPL zone names (parse/powercap.h) and the rapl collector on the fixture.
#include "parse/powercap.h"

#include <gtest/gtest.h>

#include "parse/sysfs_attr.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

TEST(PowercapParseTest, SplitsZoneNames) {
  auto a = parse::SplitRaplZoneName("package-0");
  EXPECT_EQ(a.name, "package");
  EXPECT_EQ(a.index, 0);
  auto b = parse::SplitRaplZoneName("core");
  EXPECT_EQ(b.name, "core");
  EXPECT_FALSE(b.index);
  auto c = parse::SplitRaplZoneName("package-x");
  EXPECT_EQ(c.name, "package-x");
  EXPECT_FALSE(c.index);
  auto d = parse::SplitRaplZoneName("a-b-c");
  EXPECT_EQ(d.name, "a-b-c");
  EXPECT_FALSE(d.index);
  EXPECT_EQ(parse::SplitRaplZoneName("dram-+7").index, 7);
  EXPECT_FALSE(parse::SplitRaplZoneName("dram-").index);
}

TEST(PowercapParseTest, SanitizeMetricName) {
  EXPECT_EQ(parse::SanitizeMetricName("package"), "package");
  EXPECT_EQ(parse::SanitizeMetricName("a-b-c"), "a_b_c");
  EXPECT_EQ(parse::SanitizeMetricName("a_-_b"), "a_b");
  EXPECT_EQ(parse::SanitizeMetricName("a-_-b"), "a__b");
  EXPECT_EQ(parse::SanitizeMetricName("x  y!"), "x_y_");
  EXPECT_EQ(parse::SanitizeMetricName("_a_"), "_a_");
  EXPECT_EQ(parse::SanitizeMetricName(""), "");
}

using testing::Family;
using testing::FindFamily;
using testing::FindValue;
using testing::RunCollector;

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
}  // namespace host_exporter
