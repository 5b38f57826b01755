// The rapl collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>

#include <filesystem>

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

// A zone is planned when first listed (its paths, labels, and its name,
// family and help once its name file is read) and kept while its entry's
// stamp holds: a steady run gives what the first gave, values are read each
// run, and a zone added, re-created under another name, given a name file,
// or removed is seen at the next run.
TEST(RaplCollectorTest, KeptZonesFollowTheTree) {
  ExpectSteadyRunsAlike("rapl");
  ExpectSteadyRunsAlike("rapl",
                        Opt("collector.rapl.enable-zone-label", "true"));

  SysfsRoot root;
  auto zone = [&](const std::string& entry, const char* name,
                  const char* microjoules) {
    const std::string dir = "class/powercap/" + entry + "/";
    if (name != nullptr) root.Write(dir + "name", name);
    root.Write(dir + "max_energy_range_uj", "1000000000\n");
    root.Write(dir + "energy_uj", microjoules);
  };
  const std::string dir = parse::GoCleanPath(root.Sys("class/powercap")) + "/";
  auto joules = [&](const Families& fams, const char* family, const char* index,
                    const std::string& entry) {
    return FindValue(fams, family, {{"index", index}, {"path", dir + entry}});
  };
  zone("intel-rapl:0", "package-0\n", "1000000\n");
  zone("intel-rapl", nullptr, "5\n");  // not a zone: no name file
  std::unique_ptr<Collector> c = MakeCollector("rapl", {});
  Families fams = c->Collect(root.Paths());
  EXPECT_EQ(joules(fams, "node_rapl_package_joules_total", "0", "intel-rapl:0"),
            1);
  EXPECT_EQ(fams.size(), 1u);

  root.Write("class/powercap/intel-rapl:0/energy_uj", "2000000\n");
  zone("intel-rapl:0:0", "core\n", "3000000\n");
  zone("intel-rapl:0:1", "core\n", "4000000\n");
  fams = c->Collect(root.Paths());
  EXPECT_EQ(joules(fams, "node_rapl_package_joules_total", "0", "intel-rapl:0"),
            2);
  EXPECT_EQ(joules(fams, "node_rapl_core_joules_total", "0", "intel-rapl:0:0"),
            3);
  EXPECT_EQ(joules(fams, "node_rapl_core_joules_total", "1", "intel-rapl:0:1"),
            4);

  // Re-created under the same entry with another name; a name file for the
  // entry that had none.
  std::filesystem::remove_all(root.Sys("class/powercap/intel-rapl:0:0"));
  zone("intel-rapl:0:0", "dram\n", "6000000\n");
  root.Write("class/powercap/intel-rapl/name", "package-1\n");
  fams = c->Collect(root.Paths());
  EXPECT_EQ(joules(fams, "node_rapl_dram_joules_total", "0", "intel-rapl:0:0"),
            6);
  // The other "core" is the first of its name now.
  EXPECT_EQ(joules(fams, "node_rapl_core_joules_total", "0", "intel-rapl:0:1"),
            4);
  EXPECT_FALSE(
      joules(fams, "node_rapl_core_joules_total", "1", "intel-rapl:0:1"));
  EXPECT_EQ(joules(fams, "node_rapl_package_joules_total", "1", "intel-rapl"),
            0.000005);

  std::filesystem::remove_all(root.Sys("class/powercap/intel-rapl:0:0"));
  std::filesystem::remove(root.Sys("class/powercap/intel-rapl/name"));
  fams = c->Collect(root.Paths());
  EXPECT_EQ(FindFamily(fams, "node_rapl_dram_joules_total"), nullptr);
  EXPECT_FALSE(
      joules(fams, "node_rapl_package_joules_total", "1", "intel-rapl"));
  EXPECT_EQ(fams.size(), 2u);

  // A zone that loses max_energy_range_uj: no families, as without the plan.
  std::filesystem::remove(
      root.Sys("class/powercap/intel-rapl:0:1/max_energy_range_uj"));
  EXPECT_TRUE(c->Collect(root.Paths()).empty());
}

}  // namespace
}  // namespace host_exporter::testing
