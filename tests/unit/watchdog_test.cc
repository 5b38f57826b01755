// The watchdog collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

// The node_watchdog_info value of a device whose attributes are all absent
// (labels empty) but, if given, its identity; nullopt without that series.
std::optional<double> BareInfo(const Families& fams, const std::string& name,
                               const std::string& identity = "") {
  return FindValue(fams, "node_watchdog_info",
                   {{"name", name},
                    {"options", ""},
                    {"identity", identity},
                    {"state", ""},
                    {"status", ""},
                    {"pretimeout_governor", ""}});
}

TEST(WatchdogCollectorTest, ReadsFixture) {
  Families fams = RunCollector("watchdog");
  EXPECT_EQ(fams.size(), 8u);
  const Labels wd0 = {{"name", "watchdog0"}};
  EXPECT_EQ(FindValue(fams, "node_watchdog_bootstatus", wd0), 1);
  EXPECT_EQ(FindValue(fams, "node_watchdog_fw_version", wd0), 2);
  EXPECT_EQ(FindValue(fams, "node_watchdog_nowayout", wd0), 0);
  EXPECT_EQ(FindValue(fams, "node_watchdog_timeleft_seconds", wd0), 27);
  EXPECT_EQ(FindValue(fams, "node_watchdog_timeout_seconds", wd0), 30);
  EXPECT_EQ(FindValue(fams, "node_watchdog_pretimeout_seconds", wd0), 0);
  EXPECT_EQ(FindValue(fams, "node_watchdog_access_cs0", wd0), 1);
  EXPECT_EQ(Family(fams, "node_watchdog_timeleft_seconds").help,
            "Value of /sys/class/watchdog/<watchdog>/timeleft");
  EXPECT_EQ(Family(fams, "node_watchdog_info").help,
            "Info of /sys/class/watchdog/<watchdog>");
  EXPECT_EQ(FindValue(fams, "node_watchdog_info",
                      {{"name", "watchdog0"},
                       {"options", "0x8382"},
                       {"identity", "iTCO_wdt"},
                       {"state", "active"},
                       {"status", "0x8000"},
                       {"pretimeout_governor", "noop"}}),
            1);
  // A device without attributes has only its info series, labels empty.
  EXPECT_EQ(BareInfo(fams, "watchdog1"), 1);
  EXPECT_EQ(Family(fams, "node_watchdog_timeout_seconds").metric.size(), 1u);
}

TEST(WatchdogCollectorTest, NoClassDirectoryIsNoData) {
  SysfsRoot root;
  EXPECT_TRUE(RunCollector("watchdog", {}, root.Paths()).empty());
}

TEST(WatchdogCollectorTest, BaseZeroNumbersAndBadNumbers) {
  SysfsRoot root;
  root.Write("class/watchdog/watchdog0/timeout", "0x3c\n");
  root.Write("class/watchdog/watchdog0/bootstatus", "010\n");
  Families fams = RunCollector("watchdog", {}, root.Paths());
  EXPECT_EQ(
      FindValue(fams, "node_watchdog_timeout_seconds", {{"name", "watchdog0"}}),
      60);
  EXPECT_EQ(
      FindValue(fams, "node_watchdog_bootstatus", {{"name", "watchdog0"}}), 8);
  root.Write("class/watchdog/watchdog0/timeleft", "soon\n");
  EXPECT_EQ(ErrorOf("watchdog", root),
            root.Sys("class/watchdog/watchdog0/timeleft") +
                ": line 1: not an integer: 'soon'");
}

TEST(WatchdogCollectorTest, UnreadableAttributeIsNoData) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads mode 000 files";
  SysfsRoot root;
  root.Write("class/watchdog/watchdog0/timeout", "30\n");
  root.Write("class/watchdog/watchdog0/state", "active\n");
  ::chmod(root.Sys("class/watchdog/watchdog0/state").c_str(), 0);
  EXPECT_TRUE(RunCollector("watchdog", {}, root.Paths()).empty());
}

// A device's paths and label are made when it is first listed: a steady run
// gives what the first gave, values are read each run, and a device added,
// renamed or removed, or an attribute removed, is seen at the next run.
TEST(WatchdogCollectorTest, KeptDevicesFollowTheTree) {
  ExpectSteadyRunsAlike("watchdog");

  SysfsRoot root;
  root.Write("class/watchdog/watchdog0/timeout", "30\n");
  root.Write("class/watchdog/watchdog0/identity", "iTCO_wdt\n");
  std::unique_ptr<Collector> c = MakeCollector("watchdog", {});
  auto timeout = [](const Families& fams, const char* name) {
    return FindValue(fams, "node_watchdog_timeout_seconds", {{"name", name}});
  };
  Families fams = c->Collect(root.Paths());
  EXPECT_EQ(timeout(fams, "watchdog0"), 30);

  root.Write("class/watchdog/watchdog0/timeout", "60\n");
  root.Write("class/watchdog/watchdog1/timeout", "10\n");
  fams = c->Collect(root.Paths());
  EXPECT_EQ(timeout(fams, "watchdog0"), 60);
  EXPECT_EQ(timeout(fams, "watchdog1"), 10);

  std::filesystem::rename(root.Sys("class/watchdog/watchdog0"),
                          root.Sys("class/watchdog/watchdog2"));
  std::filesystem::remove(root.Sys("class/watchdog/watchdog1/timeout"));
  fams = c->Collect(root.Paths());
  EXPECT_FALSE(timeout(fams, "watchdog0"));
  EXPECT_FALSE(timeout(fams, "watchdog1"));
  EXPECT_EQ(timeout(fams, "watchdog2"), 60);
  EXPECT_EQ(BareInfo(fams, "watchdog2", "iTCO_wdt"), 1);
  EXPECT_EQ(BareInfo(fams, "watchdog1"), 1);
}

}  // namespace
}  // namespace host_exporter::testing
