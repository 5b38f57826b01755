// The error rules shared by all hw collectors, on scratch trees: what
// node_exporter 1.5 treats as "no such hardware" gives no families, what it
// treats as an error is a CollectError naming the file. Each collector's
// own tests are in tests/unit/<collector>_test.cc.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "parse/sysfs_attr.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(SysfsClassCollectorsTest, AbsentHardwareGivesNoFamilies) {
  for (const char* name :
       {"bcache", "bonding", "cpufreq", "dmi", "edac", "fibrechannel", "hwmon",
        "infiniband", "netclass", "nvme", "powersupplyclass", "rapl",
        "tapestats", "thermal_zone"}) {
    EXPECT_TRUE(RunCollector(name, {}, FixturePaths("/nonexistent")).empty())
        << name;
  }
}

TEST(HwCollectorErrorsTest, HwmonDanglingLinkFails) {
  SysfsRoot root;
  root.Write("class/hwmon/hwmon0/temp1_input", "1000\n");
  root.Link("class/hwmon/hwmon9", "nowhere");
  EXPECT_EQ(ErrorOf("hwmon", root),
            root.Sys("class/hwmon/hwmon9") + ": No such file or directory");
}

TEST(HwCollectorErrorsTest, BcacheMalformedValueNamesTheFile) {
  SysfsRoot root;
  const std::string set = "fs/bcache/1-2/";
  root.Write(set + "congested", "x\n");
  EXPECT_EQ(ErrorOf("bcache", root),
            root.Sys(set + "congested") + ": line 1: not a number: ''");
  root.Write(set + "congested", "0\n");
  root.Write(set + "bdev0/dirty_data", "1k\n");  // missing files read 0
  EXPECT_EQ(ErrorOf("bcache", root),
            root.Sys(set + "bdev0/writeback_rate_debug") +
                ": No such file or directory");
}

TEST(HwCollectorErrorsTest, InfinibandMissingFileMeansNoData) {
  SysfsRoot root;
  root.Write("class/infiniband/mlx5_0/fw_ver", "1\n");
  root.Write("class/infiniband/mlx5_0/hca_type", "x\n");
  EXPECT_TRUE(RunCollector("infiniband", {}, root.Paths()).empty());
  root.Write("class/infiniband/mlx5_0/board_id", "b\n");
  root.Write("class/infiniband/mlx5_0/ports/1/state", "x: y\n");
  EXPECT_EQ(ErrorOf("infiniband", root),
            root.Sys("class/infiniband/mlx5_0/ports/1/state") +
                ": line 1: state id is not an unsigned integer: 'x'");
}

TEST(HwCollectorErrorsTest, RaplMissingEnergyFails) {
  SysfsRoot root;
  root.Write("class/powercap/intel-rapl:0/name", "package-0\n");
  root.Write("class/powercap/intel-rapl:0/max_energy_range_uj", "100\n");
  EXPECT_EQ(ErrorOf("rapl", root),
            parse::GoCleanPath(root.Sys("class/powercap/intel-rapl:0")) +
                "/energy_uj: No such file or directory");
  std::filesystem::remove(
      root.Sys("class/powercap/intel-rapl:0/max_energy_range_uj"));
  EXPECT_TRUE(RunCollector("rapl", {}, root.Paths()).empty());
}

}  // namespace
}  // namespace host_exporter::testing
