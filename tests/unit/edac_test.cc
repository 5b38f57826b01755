// The edac collector on the fixture root and on scratch sysfs trees.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "parse/sysfs_attr.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(EdacCollectorTest, ReadsFixture) {
  Families fams = RunCollector("edac");
  EXPECT_EQ(FindValue(fams, "node_edac_correctable_errors_total",
                      {{"controller", "1"}}),
            13);
  EXPECT_EQ(FindValue(fams, "node_edac_uncorrectable_errors_total",
                      {{"controller", "0"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_edac_csrow_correctable_errors_total",
                      {{"controller", "0"}, {"csrow", "unknown"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_edac_csrow_uncorrectable_errors_total",
                      {{"controller", "1"}, {"csrow", "1"}}),
            1);
}

TEST(EdacCollectorTest, MissingCountIsAnError) {
  SysfsRoot root;
  root.Write("devices/system/edac/mc/mc0/ce_count", "1\n");
  EXPECT_EQ(ErrorOf("edac", root),
            "couldn't get ce_noinfo_count: " +
                root.Sys("devices/system/edac/mc/mc0/ce_noinfo_count") +
                ": No such file or directory");
}

}  // namespace
}  // namespace host_exporter::testing
