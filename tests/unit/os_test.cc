// The os collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "parse/os_release.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(OsCollectorTest, ReadsUsrLibOsReleaseFromFixture) {
  Families fams = RunCollector("os");
  EXPECT_EQ(FindValue(fams, "node_os_info",
                      {{"build_id", "20231001.4"},
                       {"id", "fixture"},
                       {"id_like", "debian ubuntu"},
                       {"image_id", "fixture-cloud"},
                       {"image_version", "0.4.2"},
                       {"name", "Fixture Linux"},
                       {"pretty_name", "Fixture Linux 23.10 (Quokka)"},
                       {"variant", "Server Edition"},
                       {"variant_id", "server"},
                       {"version", "23.10 (Quokka)"},
                       {"version_codename", "quokka"},
                       {"version_id", "23.10.1"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_os_version",
                      {{"id", "fixture"},
                       {"id_like", "debian ubuntu"},
                       {"name", "Fixture Linux"}}),
            23.1);
}

TEST(OsCollectorTest, EtcWinsOverUsrLib) {
  testing::TempRoot root;
  root.Write("etc/os-release", "ID=etc\nNAME=Etc\n");
  root.Write("usr/lib/os-release", "ID=usr\nVERSION_ID=1\n");
  Families fams = RunCollector("os", {}, FixturePaths(root.dir()));
  const auto* info = FindFamily(fams, "node_os_info");
  ASSERT_NE(info, nullptr);
  ASSERT_EQ(info->metric.size(), 1u);
  bool saw_id = false;
  for (const auto& l : info->metric[0].label) {
    if (l.name == "id") {
      EXPECT_EQ(l.value, "etc");
      saw_id = true;
    }
  }
  EXPECT_TRUE(saw_id);
  // No VERSION_ID in /etc/os-release: no version series.
  EXPECT_EQ(FindFamily(fams, "node_os_version"), nullptr);
}

TEST(OsCollectorTest, NoOsReleaseMeansNoSeries) {
  testing::TempRoot root;
  EXPECT_TRUE(RunCollector("os", {}, FixturePaths(root.dir())).empty());
}

TEST(OsCollectorTest, MalformedFileIsAnErrorNamingIt) {
  testing::TempRoot root;
  root.Write("etc/os-release", "ID=x\nNAME=\"broken\n");
  try {
    RunCollector("os", {}, FixturePaths(root.dir()));
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              root.dir() + "/etc/os-release: line 2: unmatched \"");
  }
}

}  // namespace
}  // namespace host_exporter::testing
