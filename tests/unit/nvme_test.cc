// The nvme collector on the fixture root and on scratch sysfs trees.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "parse/sysfs_attr.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(NvmeCollectorTest, ReadsFixture) {
  Families fams = RunCollector("nvme");
  EXPECT_EQ(FindValue(fams, "node_nvme_info",
                      {{"device", "nvme0"},
                       {"firmware_revision", "1B2QEXP7"},
                       {"model", "Samsung SSD 970 PRO 512GB"},
                       {"serial", "S680HF8N190894I"},
                       {"state", "live"}}),
            1);
}

TEST(NvmeCollectorTest, MissingFileMeansNoDataAndUtf8IsRepaired) {
  SysfsRoot root;
  root.Write("class/nvme/nvme1/firmware_rev", "1\n");
  root.Write("class/nvme/nvme1/model", "bad\xff\n");
  root.Write("class/nvme/nvme1/serial", "S\n");
  EXPECT_TRUE(RunCollector("nvme", {}, root.Paths()).empty());
  root.Write("class/nvme/nvme1/state", "live\n");
  EXPECT_EQ(FindValue(RunCollector("nvme", {}, root.Paths()), "node_nvme_info",
                      {{"device", "nvme1"},
                       {"firmware_revision", "1"},
                       {"model", "bad\xEF\xBF\xBD"},
                       {"serial", "S"},
                       {"state", "live"}}),
            1);
}

}  // namespace
}  // namespace host_exporter::testing
