// The mount table parser on strings; the filesystem collector on the fixture
// root, on generated roots, and with a fake statfs() that blocks like a dead
// NFS server.
#include "parse/mounts.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "collectors/filesystem.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::HasMountOption;
using parse::ParseMounts;
using parse::UnescapeMountField;

TEST(ParseMountsTest, ParsesFields) {
  auto r = ParseMounts(
      "/dev/sda1 /boot ext4 ro,relatime 0 0\n"
      "nas:/export /mnt/nas nfs4 rw,vers=4.2,addr=10.0.0.9 0 0\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].device, "/dev/sda1");
  EXPECT_EQ(r.value[0].mount_point, "/boot");
  EXPECT_EQ(r.value[0].fs_type, "ext4");
  EXPECT_EQ(r.value[0].options, "ro,relatime");
  EXPECT_EQ(r.value[1].device, "nas:/export");
  EXPECT_EQ(r.value[1].fs_type, "nfs4");
}

TEST(ParseMountsTest, DecodesOctalEscapes) {
  auto r = ParseMounts(
      "/dev/sdb1 /mnt/backup\\040disk ext4 rw 0 0\n"
      "my\\040dev /a\\011b\\012c\\134d vfat rw 0 0\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value[0].mount_point, "/mnt/backup disk");
  EXPECT_EQ(r.value[1].device, "my dev");
  EXPECT_EQ(r.value[1].mount_point, "/a\tb\nc\\d");
}

TEST(ParseMountsTest, LeavesOtherBackslashesAlone) {
  EXPECT_EQ(UnescapeMountField("a\\x"), "a\\x");
  EXPECT_EQ(UnescapeMountField("a\\08"), "a\\08");
  EXPECT_EQ(UnescapeMountField("a\\04"), "a\\04");
  EXPECT_EQ(UnescapeMountField("a\\"), "a\\");
  EXPECT_EQ(UnescapeMountField("\\400"), "\\400");
  EXPECT_EQ(UnescapeMountField("\\101\\102"), "AB");
  EXPECT_EQ(UnescapeMountField(""), "");
}

TEST(ParseMountsTest, ExtraAndMissingOptionalColumns) {
  auto r = ParseMounts(
      "tmpfs /run tmpfs rw\n"
      "tmpfs /tmp tmpfs rw 0 0 unexpected extra\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].options, "rw");
  EXPECT_EQ(r.value[1].mount_point, "/tmp");
}

TEST(ParseMountsTest, RejectsTruncatedLinesAndGarbage) {
  EXPECT_EQ(
      ParseMounts("tmpfs /run tmpfs rw 0 0\n/dev/sda1 /boot ext4\n").error,
      "line 2: expected at least 4 fields, got 3");
  EXPECT_EQ(ParseMounts("garbage\n").error,
            "line 1: expected at least 4 fields, got 1");
  EXPECT_EQ(
      ParseMounts("tmpfs /run tmpfs rw 0 0\n\ntmpfs /tmp tmpfs rw\n").error,
      "line 2: expected at least 4 fields, got 0");
}

TEST(ParseMountsTest, EmptyFileAndHugeLines) {
  auto empty = ParseMounts("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty.value.empty());

  const std::string long_path = "/" + std::string(100000, 'x');
  auto r = ParseMounts("dev " + long_path + " ext4 rw 0 0\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value[0].mount_point, long_path);
}

TEST(HasMountOptionTest, MatchesWholeOptionsOnly) {
  EXPECT_TRUE(HasMountOption("ro", "ro"));
  EXPECT_TRUE(HasMountOption("rw,ro", "ro"));
  EXPECT_TRUE(HasMountOption("ro,relatime", "ro"));
  EXPECT_FALSE(HasMountOption("rw,errors=remount-ro", "ro"));
  EXPECT_FALSE(HasMountOption("rootcontext=x", "ro"));
  EXPECT_FALSE(HasMountOption("", "ro"));
}

}  // namespace

}  // namespace host_exporter
