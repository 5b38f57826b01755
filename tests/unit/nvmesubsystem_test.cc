// The nvmesubsystem collector on the fixture root and on scratch trees.
#include <gtest/gtest.h>

#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(NvmeSubsystemCollectorTest, ReadsFixture) {
  Families fams = RunCollector("nvmesubsystem");
  const Labels s = {{"subsystem", "nvme-subsys1"}};
  EXPECT_EQ(
      FindValue(fams, "node_nvmesubsystem_info",
                {{"subsystem", "nvme-subsys1"},
                 {"nqn",
                  "nqn.2014-08.org.nvmexpress:uuid:a34c4f3a-0d6f-5cec-dead-"
                  "beefcafebabe"},
                 {"model", "Dell PowerStore"},
                 {"serial", "SN12345678"},
                 {"iopolicy", "round-robin"}}),
      1);
  EXPECT_EQ(FindValue(fams, "node_nvmesubsystem_namespace_info",
                      {{"subsystem", "nvme-subsys1"}, {"device", "nvme1n1"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_nvmesubsystem_paths", s), 4);
  EXPECT_EQ(FindValue(fams, "node_nvmesubsystem_paths_live", s), 2);
  const auto state = [&](const char* ctrl, const char* st) {
    return FindValue(fams, "node_nvmesubsystem_path_state",
                     {{"subsystem", "nvme-subsys1"},
                      {"controller", ctrl},
                      {"transport", "tcp"},
                      {"state", st}});
  };
  EXPECT_EQ(state("nvme3", "connecting"), 1);
  EXPECT_EQ(state("nvme3", "live"), 0);
  // "deleting (no IO)" is reported as deleting.
  EXPECT_EQ(state("nvme4", "deleting"), 1);
  EXPECT_EQ(state("nvme4", "unknown"), 0);
  // Seven states per controller.
  EXPECT_EQ(Family(fams, "node_nvmesubsystem_path_state").metric.size(), 28u);
}

TEST(NvmeSubsystemCollectorTest, UnknownStateAndAbsentFiles) {
  SysfsRoot root;
  EXPECT_TRUE(RunCollector("nvmesubsystem", {}, root.Paths()).empty());
  const std::string s = "class/nvme-subsystem/nvme-subsys0/";
  root.Write(s + "subsysnqn", "nqn\n");
  root.Write(s + "model", "m\n");
  root.Write(s + "serial", "x\n");
  // No iopolicy: no data.
  EXPECT_TRUE(RunCollector("nvmesubsystem", {}, root.Paths()).empty());
  root.Write(s + "iopolicy", "numa\n");
  root.Write(s + "nvme0/state", "frozen\n");
  root.Write(s + "nvme0/transport", "pcie\n");
  root.Write(s + "nvme0/address", "0000:01:00.0\n");
  root.Write(s + "nvme0c0n1/x", "");  // neither controller nor namespace
  Families fams = RunCollector("nvmesubsystem", {}, root.Paths());
  EXPECT_EQ(FindValue(fams, "node_nvmesubsystem_path_state",
                      {{"subsystem", "nvme-subsys0"},
                       {"controller", "nvme0"},
                       {"transport", "pcie"},
                       {"state", "unknown"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_nvmesubsystem_paths_live",
                      {{"subsystem", "nvme-subsys0"}}),
            0);
  EXPECT_EQ(FindFamily(fams, "node_nvmesubsystem_namespace_info"), nullptr);
}

}  // namespace
}  // namespace host_exporter::testing
