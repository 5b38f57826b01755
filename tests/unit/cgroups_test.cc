// /proc/cgroups parsing and the cgroups collector.
#include <gtest/gtest.h>

#include "parse/proc_cgroups.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseProcCgroups;

TEST(ProcCgroupsParseTest, SkipsCommentsAndParsesControllers) {
  auto r = ParseProcCgroups(
      "#subsys_name\thierarchy\tnum_cgroups\tenabled\n"
      "cpuset\t6\t3\t1\n"
      "rdma 0 1 0 extra\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].name, "cpuset");
  EXPECT_EQ(r.value[0].hierarchy, 6);
  EXPECT_EQ(r.value[0].cgroups, 3);
  EXPECT_EQ(r.value[0].enabled, 1);
  EXPECT_EQ(r.value[1].name, "rdma");
  EXPECT_EQ(r.value[1].enabled, 0);
}

TEST(ProcCgroupsParseTest, Errors) {
  EXPECT_EQ(ParseProcCgroups("#h\ncpu 1 2\n").error,
            "line 2: expected 4 fields (subsys_name, hierarchy, num_cgroups, "
            "enabled), got 3");
  EXPECT_EQ(ParseProcCgroups("cpu 1 x 1\n").error,
            "line 1: bad num_cgroups 'x'");
  EXPECT_EQ(ParseProcCgroups("\n").error,
            "line 1: expected 4 fields (subsys_name, hierarchy, num_cgroups, "
            "enabled), got 0");
}

}  // namespace

namespace testing {
namespace {

TEST(CgroupsCollectorTest, ReadsFixture) {
  Families fams = RunCollector("cgroups");
  ASSERT_EQ(fams.size(), 2u);
  EXPECT_EQ(Family(fams, "node_cgroups_cgroups").metric.size(), 12u);
  EXPECT_EQ(
      FindValue(fams, "node_cgroups_cgroups", {{"subsys_name", "memory"}}),
      187);
  EXPECT_EQ(FindValue(fams, "node_cgroups_enabled", {{"subsys_name", "rdma"}}),
            0);
  EXPECT_EQ(Family(fams, "node_cgroups_enabled").help,
            "Current cgroup number of the subsystem.");
}

TEST(CgroupsCollectorTest, MissingFileIsAnErrorNamingIt) {
  TempRoot tmp;
  try {
    RunCollector("cgroups", {}, tmp.paths());
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              tmp.dir() + "/proc/cgroups: No such file or directory");
  }
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
