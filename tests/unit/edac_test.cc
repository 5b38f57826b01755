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

// The controllers and rows planned from a listing are kept while the next
// listing is the same: a controller or row added, removed or renamed shows
// in the next run.
TEST(EdacCollectorTest, KeptControllersFollowTheTree) {
  ExpectSteadyRunsAlike("edac");

  SysfsRoot root;
  auto write_mc = [&](const std::string& mc, const std::string& ce) {
    const std::string dir = "devices/system/edac/mc/" + mc + "/";
    root.Write(dir + "ce_count", ce);
    root.Write(dir + "ce_noinfo_count", "0\n");
    root.Write(dir + "ue_count", "0\n");
    root.Write(dir + "ue_noinfo_count", "0\n");
  };
  auto ce = [](const Families& fams, const char* mc) {
    return FindValue(fams, "node_edac_correctable_errors_total",
                     {{"controller", mc}});
  };
  auto row_ce = [](const Families& fams, const char* mc, const char* row) {
    return FindValue(fams, "node_edac_csrow_correctable_errors_total",
                     {{"controller", mc}, {"csrow", row}});
  };
  write_mc("mc0", "1\n");
  std::unique_ptr<Collector> c = MakeCollector("edac");
  Families fams = c->Collect(root.Paths());
  EXPECT_EQ(ce(fams, "0"), 1);
  EXPECT_FALSE(row_ce(fams, "0", "0"));
  write_mc("mc0", "2\n");
  root.Write("devices/system/edac/mc/mc0/csrow0/ce_count", "3\n");
  root.Write("devices/system/edac/mc/mc0/csrow0/ue_count", "4\n");
  write_mc("mc1", "7\n");
  fams = c->Collect(root.Paths());
  EXPECT_EQ(ce(fams, "0"), 2);
  EXPECT_EQ(row_ce(fams, "0", "0"), 3);
  EXPECT_EQ(ce(fams, "1"), 7);
  std::filesystem::rename(root.Sys("devices/system/edac/mc/mc0/csrow0"),
                          root.Sys("devices/system/edac/mc/mc0/csrow2"));
  fams = c->Collect(root.Paths());
  EXPECT_FALSE(row_ce(fams, "0", "0"));
  EXPECT_EQ(row_ce(fams, "0", "2"), 3);
  std::filesystem::remove_all(root.Sys("devices/system/edac/mc/mc0"));
  fams = c->Collect(root.Paths());
  EXPECT_FALSE(ce(fams, "0"));
  EXPECT_FALSE(row_ce(fams, "0", "2"));
  EXPECT_EQ(ce(fams, "1"), 7);
}

}  // namespace
}  // namespace host_exporter::testing
