// Registry-wide checks and the loadavg collector on the fixture root.
#include <set>
#include <string>

#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(RegistryTest, NamesAreUniqueAndOptionsNamespaced) {
  std::set<std::string_view> names;
  for (const CollectorSpec& spec : AllCollectors()) {
    EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
    EXPECT_NE(spec.create, nullptr) << spec.name;
    for (const OptionSpec& o : spec.options) {
      // node_exporter 1.5 names two flags outside their collector's prefix;
      // we keep its names so existing command lines work.
      static const std::set<std::string> kNodeExporterNames = {
          "collector.netclass_rtnl.with-stats",
          "collector.powersupply.ignored-supplies"};
      if (kNodeExporterNames.count(o.name)) continue;
      EXPECT_EQ(o.name.rfind("collector." + std::string(spec.name) + ".", 0), 0u)
          << o.name << " must start with collector." << spec.name << ".";
    }
  }
  EXPECT_GE(names.size(), 9u);
}

TEST(LoadavgCollectorTest, ReadsFixture) {
  Families fams = RunCollector("loadavg");
  EXPECT_EQ(FindValue(fams, "node_load1"), 0.21);
  EXPECT_EQ(FindValue(fams, "node_load5"), 0.34);
  EXPECT_EQ(FindValue(fams, "node_load15"), 0.55);
}

TEST(LoadavgCollectorTest, MissingFileIsACollectErrorNamingThePath) {
  try {
    RunCollector("loadavg", {}, FixturePaths("/nonexistent"));
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              "/nonexistent/proc/loadavg: No such file or directory");
  }
}

}  // namespace
}  // namespace host_exporter::testing
