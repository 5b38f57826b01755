// SELinux state parsing and the selinux collector.
#include "parse/selinux.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseSelinuxConfigMode;
using parse::ParseSelinuxEnforce;

TEST(SelinuxParseTest, ConfigMode) {
  EXPECT_EQ(ParseSelinuxConfigMode("SELINUX=enforcing\n").value, 1);
  EXPECT_EQ(
      ParseSelinuxConfigMode("# c\n; c\n\n  SELINUX=\"permissive\"  \n").value,
      0);
  EXPECT_EQ(ParseSelinuxConfigMode("SELINUX=disabled\n").value, -1);
  EXPECT_EQ(ParseSelinuxConfigMode("SELINUXTYPE=targeted\n").value, -1);
  EXPECT_EQ(ParseSelinuxConfigMode("").value, -1);
  EXPECT_EQ(ParseSelinuxConfigMode("garbage\nSELINUX=enforcing\n").value, 1);
  // The first SELINUX= line decides.
  EXPECT_EQ(
      ParseSelinuxConfigMode("SELINUX=permissive\nSELINUX=enforcing\n").value,
      0);
  EXPECT_EQ(ParseSelinuxConfigMode("SELINUX = enforcing\n").value, -1);
}

TEST(SelinuxParseTest, Enforce) {
  EXPECT_EQ(ParseSelinuxEnforce("1").value, 1);
  EXPECT_EQ(ParseSelinuxEnforce("0\n").value, 0);
  EXPECT_EQ(ParseSelinuxEnforce("").value, -1);
  EXPECT_EQ(ParseSelinuxEnforce("yes").value, -1);
  EXPECT_EQ(ParseSelinuxEnforce("99999999999999999999").value, -1);
}

}  // namespace

namespace testing {
namespace {

TEST(SelinuxCollectorTest, FixtureIsEnabledAndPermissive) {
  Families fams = RunCollector("selinux");
  EXPECT_EQ(FindValue(fams, "node_selinux_enabled"), 1);
  EXPECT_EQ(FindValue(fams, "node_selinux_config_mode"), 1);
  EXPECT_EQ(FindValue(fams, "node_selinux_current_mode"), 0);
  EXPECT_EQ(Family(fams, "node_selinux_enabled").help,
            "SELinux is enabled, 1 is true, 0 is false");
}

TEST(SelinuxCollectorTest, NoSelinuxfsMeansDisabledOnly) {
  testing::TempRoot root;
  root.Write("etc/selinux/config", "SELINUX=enforcing\n");
  Families fams = RunCollector("selinux", {}, FixturePaths(root.dir()));
  ASSERT_EQ(fams.size(), 1u);
  EXPECT_EQ(FindValue(fams, "node_selinux_enabled"), 0);
}

TEST(SelinuxCollectorTest, SelinuxfsFoundThroughMounts) {
  testing::TempRoot root;
  root.Write("proc/self/mounts",
             "sysfs /sys sysfs rw 0 0\n"
             "selinuxfs /selinux selinuxfs rw,relatime 0 0\n");
  root.Write("selinux/enforce", "1");
  Families fams = RunCollector("selinux", {}, FixturePaths(root.dir()));
  EXPECT_EQ(FindValue(fams, "node_selinux_enabled"), 1);
  EXPECT_EQ(FindValue(fams, "node_selinux_current_mode"), 1);
  EXPECT_EQ(FindValue(fams, "node_selinux_config_mode"), -1);  // no config
}

TEST(SelinuxCollectorTest, ReadOnlySelinuxfsMountMeansDisabled) {
  testing::TempRoot root;
  root.Write("proc/self/mounts", "selinuxfs /selinux selinuxfs ro 0 0\n");
  root.Write("selinux/enforce", "1");
  Families fams = RunCollector("selinux", {}, FixturePaths(root.dir()));
  EXPECT_EQ(FindValue(fams, "node_selinux_enabled"), 0);
}

TEST(SelinuxCollectorTest, SelinuxfsIsLookedForOncePerCollector) {
  // As node_exporter (libselinux's mount point, found once per process):
  // SELinux is not enabled at run time, so a host without it is not probed
  // again each cycle. A new collector (a SIGHUP) looks again.
  SysfsRoot root;
  auto c = MakeCollector("selinux");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(FindValue(c->Collect(root.Paths()), "node_selinux_enabled"), 0);
  root.Write("fs/selinux/enforce", "1");
  EXPECT_EQ(FindValue(c->Collect(root.Paths()), "node_selinux_enabled"), 0);
  EXPECT_EQ(FindValue(RunCollector("selinux", {}, root.Paths()),
                      "node_selinux_enabled"),
            1);
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
