// The btrfs helpers on strings, and the btrfs collector on the fixture root
// (sysfs only: the fixture has no mounted btrfs to run ioctls on).
#include "parse/btrfs.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::BtrfsAllocationRatio;
using parse::ParseBtrfsSysfsValue;

TEST(BtrfsParseTest, SysfsValues) {
  EXPECT_EQ(ParseBtrfsSysfsValue("16777216\n"), 16777216u);
  EXPECT_EQ(ParseBtrfsSysfsValue("  42  "), 42u);
  // Empty, truncated or garbage files read as 0, as in procfs.
  EXPECT_EQ(ParseBtrfsSysfsValue(""), 0u);
  EXPECT_EQ(ParseBtrfsSysfsValue("\n"), 0u);
  EXPECT_EQ(ParseBtrfsSysfsValue("12 34\n"), 0u);
  EXPECT_EQ(ParseBtrfsSysfsValue("-1\n"), 0u);
  EXPECT_EQ(ParseBtrfsSysfsValue("0x10\n"), 0u);
  // Too large for 64 bits: Go's ParseUint answers the maximum.
  EXPECT_EQ(ParseBtrfsSysfsValue("18446744073709551616\n"),
            18446744073709551615u);
  EXPECT_EQ(ParseBtrfsSysfsValue("18446744073709551615"),
            18446744073709551615u);
}

TEST(BtrfsParseTest, AllocationRatios) {
  EXPECT_EQ(BtrfsAllocationRatio("single", 1), 1);
  EXPECT_EQ(BtrfsAllocationRatio("raid0", 4), 1);
  EXPECT_EQ(BtrfsAllocationRatio("dup", 1), 2);
  EXPECT_EQ(BtrfsAllocationRatio("raid1", 2), 2);
  EXPECT_EQ(BtrfsAllocationRatio("raid10", 4), 2);
  EXPECT_EQ(BtrfsAllocationRatio("raid5", 3), 1.5);
  EXPECT_EQ(BtrfsAllocationRatio("raid6", 6), 1.5);
  EXPECT_TRUE(std::isinf(BtrfsAllocationRatio("raid5", 1)));
  EXPECT_EQ(BtrfsAllocationRatio("raid1c3", 3), 0);  // unknown to 1.5
}

TEST(BtrfsParseTest, IdsAndDeviceNames) {
  const uint8_t id[16] = {0x7f, 0x4b, 0x1e, 0x2c, 0x3d, 0x5a, 0x4f, 0x6b,
                          0x8c, 0x9d, 0x0e, 0x1f, 0x2a, 0x3b, 0x4c, 0x5d};
  EXPECT_EQ(parse::FormatBtrfsFsid(id), "7f4b1e2c3d5a4f6b8c9d0e1f2a3b4c5d");
  EXPECT_EQ(parse::FormatBtrfsUuid(id), "7f4b1e2c-3d5a-4f6b-8c9d-0e1f2a3b4c5d");
  const uint8_t zero[16] = {};
  EXPECT_EQ(parse::FormatBtrfsUuid(zero), "<zero>");
  EXPECT_EQ(parse::BtrfsDeviceName("/dev/sda"), "sda");
  EXPECT_EQ(parse::BtrfsDeviceName("/rootfs/dev/md1"), "md1");
  EXPECT_EQ(parse::BtrfsDeviceName("loop0"), "loop0");
}

using testing::Family;
using testing::FindFamily;
using testing::FindValue;
using testing::RunCollector;

constexpr char kSingle[] = "7f4b1e2c-3d5a-4f6b-8c9d-0e1f2a3b4c5d";
constexpr char kRaid5[] = "0d9a8c7b-6e5f-4a3b-9c2d-1e0f9a8b7c6d";

TEST(BtrfsCollectorTest, ReadsSysfsFixture) {
  Families f = RunCollector("btrfs");
  EXPECT_EQ(FindValue(f, "node_btrfs_info",
                      {{"uuid", kSingle}, {"label", "backups"}}),
            1);
  // No metadata_uuid file: the directory name is the UUID; empty label.
  EXPECT_EQ(FindValue(f, "node_btrfs_info", {{"uuid", kRaid5}, {"label", ""}}),
            1);
  EXPECT_EQ(
      FindValue(f, "node_btrfs_global_rsv_size_bytes", {{"uuid", kRaid5}}),
      536870912);
  EXPECT_EQ(FindValue(f, "node_btrfs_reserved_bytes",
                      {{"uuid", kSingle}, {"block_group_type", "metadata"}}),
            131072);
  const Labels raid5 = {
      {"uuid", kRaid5}, {"block_group_type", "data"}, {"mode", "raid5"}};
  EXPECT_EQ(FindValue(f, "node_btrfs_used_bytes", raid5), 5772436045824);
  EXPECT_EQ(FindValue(f, "node_btrfs_size_bytes", raid5), 6871947673600);
  EXPECT_EQ(FindValue(f, "node_btrfs_allocation_ratio", raid5), 1.5);
  EXPECT_EQ(
      FindValue(
          f, "node_btrfs_allocation_ratio",
          {{"uuid", kSingle}, {"block_group_type", "system"}, {"mode", "dup"}}),
      2);
  EXPECT_EQ(FindValue(f, "node_btrfs_device_size_bytes",
                      {{"uuid", kRaid5}, {"device", "sdd"}}),
            7814037168.0 * 512);
  EXPECT_EQ(Family(f, "node_btrfs_device_size_bytes").metric.size(), 4u);
  EXPECT_EQ(Family(f, "node_btrfs_used_bytes").metric.size(), 7u);
  // Without a mounted filesystem there are no ioctl-only families, and the
  // module-wide "features" directory is no filesystem.
  EXPECT_EQ(FindFamily(f, "node_btrfs_device_errors_total"), nullptr);
  EXPECT_EQ(Family(f, "node_btrfs_info").metric.size(), 2u);
}

TEST(BtrfsCollectorTest, MissingSystemAllocationIsAnError) {
  const std::filesystem::path root =
      std::filesystem::path(::testing::TempDir()) / "btrfs_nosys";
  const auto fs = root / "sys/fs/btrfs/01234567-89ab-cdef-0123-456789abcdef";
  std::filesystem::create_directories(fs / "allocation/data/single");
  std::ofstream(fs / "allocation/data/single/used_bytes") << "5\n";
  // A missing data or metadata directory is fine (node_exporter 1.5 only
  // notices the last one it reads, system).
  EXPECT_THROW(RunCollector("btrfs", {}, testing::FixturePaths(root)),
               CollectError);
  std::filesystem::create_directories(fs / "allocation/system");
  Families f = RunCollector("btrfs", {}, testing::FixturePaths(root));
  EXPECT_EQ(FindValue(f, "node_btrfs_used_bytes",
                      {{"uuid", "01234567-89ab-cdef-0123-456789abcdef"},
                       {"block_group_type", "data"},
                       {"mode", "single"}}),
            5);
  EXPECT_EQ(FindFamily(f, "node_btrfs_device_size_bytes"), nullptr);

  // Without a devices directory node_exporter 1.5 reads the reserve as 0.
  const Labels uuid = {{"uuid", "01234567-89ab-cdef-0123-456789abcdef"}};
  std::ofstream(fs / "allocation/global_rsv_size") << "7\n";
  f = RunCollector("btrfs", {}, testing::FixturePaths(root));
  EXPECT_EQ(FindValue(f, "node_btrfs_global_rsv_size_bytes", uuid), 0);
  std::filesystem::create_directories(fs / "devices");
  f = RunCollector("btrfs", {}, testing::FixturePaths(root));
  EXPECT_EQ(FindValue(f, "node_btrfs_global_rsv_size_bytes", uuid), 7);
  std::filesystem::remove_all(root);
}

// The text of one run of `c` and of a new instance's on `paths`: what the
// kept state must give.
void ExpectAsNew(Collector& c, const HostPaths& paths) {
  const std::string kept =
      EncodeText(c.Collect(paths), Escaping::kUnderscores, true);
  const std::string fresh =
      EncodeText(testing::MakeCollector("btrfs", {})->Collect(paths),
                 Escaping::kUnderscores, true);
  EXPECT_EQ(kept, fresh);
}

TEST(BtrfsCollectorTest, KeptFilesystemsFollowTheTree) {
  testing::ExpectSteadyRunsAlike("btrfs");

  testing::SysfsRoot root;
  const std::string a = "fs/btrfs/01234567-89ab-cdef-0123-456789abcdef/";
  const std::string b = "fs/btrfs/fedcba98-7654-3210-fedc-ba9876543210/";
  auto make = [&](const std::string& fs) {
    root.Write(fs + "label", "one\n");
    root.Write(fs + "allocation/global_rsv_size", "7\n");
    root.Write(fs + "allocation/data/raid5/used_bytes", "5\n");
    root.Write(fs + "allocation/data/raid5/total_bytes", "9\n");
    root.Write(fs + "allocation/system/bytes_reserved", "1\n");
    root.Write(fs + "devices/sda/size", "2\n");
    root.Write(fs + "devices/sdb/size", "3\n");
  };
  make(a);
  std::unique_ptr<Collector> c = testing::MakeCollector("btrfs", {});
  const HostPaths paths = root.Paths();
  const std::string uuid_a = "01234567-89ab-cdef-0123-456789abcdef";
  const Labels raid5 = {
      {"uuid", uuid_a}, {"block_group_type", "data"}, {"mode", "raid5"}};
  Families f = c->Collect(paths);
  EXPECT_EQ(FindValue(f, "node_btrfs_allocation_ratio", raid5), 2);
  EXPECT_EQ(FindValue(f, "node_btrfs_used_bytes", raid5), 5);

  // Values are read every run; a device, a profile and a filesystem added
  // show in the next.
  root.Write(a + "allocation/data/raid5/used_bytes", "6\n");
  root.Write(a + "devices/sdc/size", "4\n");
  root.Write(a + "allocation/data/single/used_bytes", "8\n");
  make(b);
  f = c->Collect(paths);
  EXPECT_EQ(FindValue(f, "node_btrfs_used_bytes", raid5), 6);
  EXPECT_EQ(FindValue(f, "node_btrfs_allocation_ratio", raid5), 1.5);
  EXPECT_EQ(FindValue(f, "node_btrfs_device_size_bytes",
                      {{"uuid", uuid_a}, {"device", "sdc"}}),
            4 * 512);
  EXPECT_EQ(
      FindValue(
          f, "node_btrfs_used_bytes",
          {{"uuid", uuid_a}, {"block_group_type", "data"}, {"mode", "single"}}),
      8);
  EXPECT_EQ(Family(f, "node_btrfs_info").metric.size(), 2u);
  ExpectAsNew(*c, paths);

  // A label replaced by rename(2), a metadata_uuid added, a profile and a
  // device removed, a profile directory turned into a file.
  root.Write(a + "label.new", "two\n");
  std::filesystem::rename(root.Sys(a + "label.new"), root.Sys(a + "label"));
  root.Write(a + "metadata_uuid", "11111111-2222-3333-4444-555555555555\n");
  std::filesystem::remove_all(root.Sys(a + "allocation/data/single"));
  std::filesystem::remove_all(root.Sys(a + "devices/sdc"));
  std::filesystem::remove_all(root.Sys(b + "allocation/data/raid5"));
  root.Write(b + "allocation/data/raid5", "not a directory\n");
  f = c->Collect(paths);
  EXPECT_EQ(FindValue(f, "node_btrfs_info",
                      {{"uuid", "11111111-2222-3333-4444-555555555555"},
                       {"label", "two"}}),
            1);
  EXPECT_EQ(Family(f, "node_btrfs_used_bytes").metric.size(), 1u);
  EXPECT_EQ(Family(f, "node_btrfs_device_size_bytes").metric.size(), 4u);
  ExpectAsNew(*c, paths);

  // A filesystem unmounted, and one mounted again under its name (a new
  // directory, another label).
  std::filesystem::remove_all(root.Sys(a));
  f = c->Collect(paths);
  EXPECT_EQ(Family(f, "node_btrfs_info").metric.size(), 1u);
  make(a);
  root.Write(a + "label", "three\n");
  f = c->Collect(paths);
  EXPECT_EQ(
      FindValue(f, "node_btrfs_info", {{"uuid", uuid_a}, {"label", "three"}}),
      1);
  ExpectAsNew(*c, paths);
  std::filesystem::remove_all(root.Sys("fs/btrfs"));
  EXPECT_TRUE(c->Collect(paths).empty());
}

TEST(BtrfsCollectorTest, KeptCommitStatisticsFollowTheFile) {
  const CollectorOptions v19 = testing::Opt(kNodeExporterCompatKey, "1.9");
  testing::ExpectSteadyRunsAlike("btrfs", v19);

  testing::SysfsRoot root;
  const std::string fs = "fs/btrfs/01234567-89ab-cdef-0123-456789abcdef/";
  root.Write(fs + "allocation/system/bytes_reserved", "1\n");
  std::unique_ptr<Collector> c = testing::MakeCollector("btrfs", v19);
  const HostPaths paths = root.Paths();
  const Labels uuid = {{"uuid", "01234567-89ab-cdef-0123-456789abcdef"}};
  Families f = c->Collect(paths);
  EXPECT_EQ(FindValue(f, "node_btrfs_commits_total", uuid), 0);
  root.Write(fs + "commit_stats",
             "commits 12\nlast_commit_ms 250\nmax_commit_ms 1000\n"
             "total_commit_ms 3000\nbad 1 2\ncommits x\n");
  f = c->Collect(paths);
  EXPECT_EQ(FindValue(f, "node_btrfs_commits_total", uuid), 12);
  EXPECT_EQ(FindValue(f, "node_btrfs_last_commit_seconds", uuid), 0.25);
  EXPECT_EQ(FindValue(f, "node_btrfs_max_commit_seconds", uuid), 1);
  EXPECT_EQ(FindValue(f, "node_btrfs_commit_seconds_total", uuid), 3);
  root.Write(fs + "commit_stats", "commits 13\n");
  f = c->Collect(paths);
  EXPECT_EQ(FindValue(f, "node_btrfs_commits_total", uuid), 13);
  EXPECT_EQ(FindValue(f, "node_btrfs_commit_seconds_total", uuid), 0);
  std::filesystem::remove(root.Sys(fs + "commit_stats"));
  f = c->Collect(paths);
  EXPECT_EQ(FindValue(f, "node_btrfs_commits_total", uuid), 0);
}

TEST(BtrfsCollectorTest, NoBtrfsIsNoMetrics) {
  EXPECT_TRUE(
      RunCollector("btrfs", {}, testing::FixturePaths("/nonexistent")).empty());
}

}  // namespace
}  // namespace host_exporter
