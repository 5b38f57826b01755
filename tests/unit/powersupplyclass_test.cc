// The powersupplyclass collector on the fixture root and on scratch sysfs
// trees.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "parse/sysfs_attr.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(PowersupplyclassCollectorTest, ReadsFixture) {
  Families fams = RunCollector("powersupplyclass");
  const Labels bat0 = {{"power_supply", "BAT0"}};
  EXPECT_EQ(FindValue(fams, "node_power_supply_capacity", bat0), 98);
  EXPECT_EQ(FindValue(fams, "node_power_supply_energy_watthour", bat0), 49.45);
  EXPECT_EQ(FindValue(fams, "node_power_supply_temp_celsius", bat0), 31.2);
  EXPECT_EQ(FindValue(fams, "node_power_supply_time_to_empty_seconds", bat0),
            36120);
  EXPECT_EQ(
      FindValue(fams, "node_power_supply_online", {{"power_supply", "AC"}}), 1);
  EXPECT_EQ(FindValue(fams, "node_power_supply_info",
                      {{"power_supply", "AC"}, {"type", "Mains"}}),
            1);
  EXPECT_EQ(Family(fams, "node_power_supply_power_watt").help,
            "power_watt value of /sys/class/power_supply/<power_supply>.");
  EXPECT_EQ(fams.size(), 50u);  // every family node_exporter 1.5 has
}

TEST(PowersupplyclassCollectorTest, IgnoredSupplies) {
  Families fams = RunCollector(
      "powersupplyclass",
      Opt("collector.powersupply.ignored-supplies", "^(BAT|hidpp)"));
  EXPECT_EQ(FindFamily(fams, "node_power_supply_capacity"), nullptr);
  EXPECT_EQ(
      FindValue(fams, "node_power_supply_online", {{"power_supply", "AC"}}), 1);
}

TEST(PowersupplyclassCollectorTest, MalformedValueFailsEvenWhenIgnored) {
  SysfsRoot root;
  root.Write("class/power_supply/BAT9/capacity", "0x10\n");
  root.Write("class/power_supply/BAT9/cycle_count", "012\n");
  Families fams = RunCollector("powersupplyclass", {}, root.Paths());
  const Labels bat = {{"power_supply", "BAT9"}};
  EXPECT_EQ(FindValue(fams, "node_power_supply_capacity", bat), 16);
  EXPECT_EQ(FindValue(fams, "node_power_supply_cyclecount", bat), 10);
  root.Write("class/power_supply/BAT9/power_avg", "abc\n");
  const std::string want = root.Sys("class/power_supply/BAT9/power_avg") +
                           ": line 1: not an integer: 'abc'";
  EXPECT_EQ(ErrorOf("powersupplyclass", root), want);
  EXPECT_EQ(ErrorOf("powersupplyclass", root,
                    Opt("collector.powersupply.ignored-supplies", "BAT9")),
            want);
}

// A supply's files are listed when it is first seen and kept while its
// stamp holds: a steady run gives what the first gave, values are read each
// run, and a file or a supply added or removed is seen at the next run.
TEST(PowersupplyclassCollectorTest, KeptSuppliesFollowTheTree) {
  ExpectSteadyRunsAlike("powersupplyclass");

  SysfsRoot root;
  root.Write("class/power_supply/BAT0/capacity", "90\n");
  root.Write("class/power_supply/BAT0/status", "Discharging\n");
  std::unique_ptr<Collector> c = MakeCollector("powersupplyclass", {});
  const Labels bat0 = {{"power_supply", "BAT0"}};
  Families fams = c->Collect(root.Paths());
  EXPECT_EQ(FindValue(fams, "node_power_supply_capacity", bat0), 90);
  EXPECT_FALSE(FindValue(fams, "node_power_supply_cyclecount", bat0));

  root.Write("class/power_supply/BAT0/capacity", "80\n");
  root.Write("class/power_supply/BAT0/cycle_count", "7\n");
  root.Write("class/power_supply/AC/online", "1\n");
  fams = c->Collect(root.Paths());
  EXPECT_EQ(FindValue(fams, "node_power_supply_capacity", bat0), 80);
  EXPECT_EQ(FindValue(fams, "node_power_supply_cyclecount", bat0), 7);
  EXPECT_EQ(
      FindValue(fams, "node_power_supply_online", {{"power_supply", "AC"}}), 1);

  std::filesystem::remove(root.Sys("class/power_supply/BAT0/status"));
  std::filesystem::remove_all(root.Sys("class/power_supply/AC"));
  fams = c->Collect(root.Paths());
  EXPECT_EQ(FindValue(fams, "node_power_supply_info", bat0), 1);
  EXPECT_EQ(FindFamily(fams, "node_power_supply_online"), nullptr);
  // A file the listing named that is now a directory: not read (procfs
  // reads regular files only).
  std::filesystem::remove(root.Sys("class/power_supply/BAT0/cycle_count"));
  std::filesystem::create_directory(
      root.Sys("class/power_supply/BAT0/cycle_count"));
  fams = c->Collect(root.Paths());
  EXPECT_FALSE(FindValue(fams, "node_power_supply_cyclecount", bat0));
}

}  // namespace
}  // namespace host_exporter::testing
