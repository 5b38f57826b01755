// The /proc/mdstat parser on strings, and the mdadm collector on the fixture
// root.
#include "parse/mdstat.h"

#include <gtest/gtest.h>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::MdStat;
using parse::ParseMdstat;

const MdStat* Find(const std::vector<MdStat>& v, const std::string& name) {
  for (const MdStat& md : v) {
    if (md.name == name) return &md;
  }
  return nullptr;
}

TEST(MdstatParseTest, Raid1WithBitmapIsInSync) {
  auto r = ParseMdstat(
      "Personalities : [raid1]\n"
      "md0 : active raid1 sdb1[1] sda1[0]\n"
      "      1046528 blocks super 1.2 [2/2] [UU]\n"
      "      bitmap: 0/1 pages [0KB], 65536KB chunk\n"
      "\n"
      "unused devices: <none>\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 1u);
  const MdStat& md = r.value[0];
  EXPECT_EQ(md.name, "md0");
  EXPECT_EQ(md.activity_state, "active");
  EXPECT_EQ(md.disks_total, 2);
  EXPECT_EQ(md.disks_active, 2);
  EXPECT_EQ(md.disks_down, 0);
  EXPECT_EQ(md.blocks_total, 1046528);
  EXPECT_EQ(md.blocks_synced, 1046528);
}

TEST(MdstatParseTest, RecoveryAfterBitmapLineAndDegradedMap) {
  auto r = ParseMdstat(
      "md1 : active raid5 sdf1[4] sde1[2] sdd1[1] sdc1[0]\n"
      "      5860147200 blocks super 1.2 level 5, 512k chunk, algorithm 2 "
      "[4/3] [UUU_]\n"
      "      [=======>.............]  recovery = 36.4% (711314560/1953382400) "
      "finish=112.3min speed=184290K/sec\n"
      "      bitmap: 2/15 pages [8KB], 65536KB chunk\n"
      "\n");
  ASSERT_TRUE(r.ok()) << r.error;
  const MdStat& md = r.value[0];
  EXPECT_EQ(md.activity_state, "recovering");
  EXPECT_EQ(md.disks_total, 4);
  EXPECT_EQ(md.disks_active, 3);
  EXPECT_EQ(md.disks_down, 1);
  EXPECT_EQ(md.blocks_synced, 711314560);
  EXPECT_DOUBLE_EQ(md.synced_percent, 36.4);
  EXPECT_DOUBLE_EQ(md.finish_minutes, 112.3);
  EXPECT_DOUBLE_EQ(md.speed_kib, 184290);
}

TEST(MdstatParseTest, ResyncCheckPendingFailedAndSpare) {
  auto r = ParseMdstat(
      "md2 : active raid6 sdh1[1] sdg1[0](F) sdm1[6](S) sdn1[7](S)\n"
      "      7813529600 blocks super 1.2 level 6 [6/5] [_UUUUU]\n"
      "      [==>....]  resync = 12.5% (244172800/1953382400) finish=201.7min "
      "speed=141213K/sec\n"
      "\n"
      "md3 : active raid10 sdq1[3] sdp1[2]\n"
      "      3906764800 blocks 512K chunks 2 near-copies [4/4] [UUUU]\n"
      "      [====>...]  check = 68.0% (2656600064/3906764800) "
      "finish=58.1min speed=358620K/sec\n"
      "\n"
      "md6 : active (auto-read-only) raid1 sdw1[1] sdv1[0]\n"
      "      976630464 blocks super 1.2 [2/2] [UU]\n"
      "        resync=PENDING\n"
      "\n"
      "md8 : active raid1 sdz1[1] sdy1[0]\n"
      "      976630464 blocks super 1.2 [2/2] [UU]\n"
      "        resync=DELAYED\n"
      "\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 4u);
  const MdStat* md2 = Find(r.value, "md2");
  EXPECT_EQ(md2->activity_state, "resyncing");
  EXPECT_EQ(md2->disks_failed, 1);
  EXPECT_EQ(md2->disks_spare, 2);
  EXPECT_EQ(md2->blocks_synced, 244172800);
  EXPECT_EQ(Find(r.value, "md3")->activity_state, "checking");
  EXPECT_EQ(Find(r.value, "md3")->blocks_synced, 2656600064);
  EXPECT_EQ(Find(r.value, "md6")->activity_state, "resyncing");
  EXPECT_EQ(Find(r.value, "md6")->blocks_synced, 0);
  EXPECT_EQ(Find(r.value, "md8")->blocks_synced, 0);
}

TEST(MdstatParseTest, Raid0LinearAndInactiveCountDevicesDifferently) {
  auto r = ParseMdstat(
      "md4 : active raid0 sds1[1] sdr1[0]\n"
      "      3906762752 blocks super 1.2 512k chunks\n"
      "\n"
      "md5 : inactive sdu1[1](S) sdt1[0](S)\n"
      "      2929893512 blocks super 1.2\n"
      "\n"
      "md7 : active linear sdy1[1] sdx1[0] sdw1[2]\n"
      "      1953260544 blocks super 1.2 0k rounding\n"
      "\n");
  ASSERT_TRUE(r.ok()) << r.error;
  const MdStat* md4 = Find(r.value, "md4");
  EXPECT_EQ(md4->disks_total, 2);
  EXPECT_EQ(md4->disks_active, 2);
  EXPECT_EQ(md4->blocks_synced, 3906762752);
  const MdStat* md5 = Find(r.value, "md5");
  EXPECT_EQ(md5->activity_state, "inactive");
  EXPECT_EQ(md5->disks_total, 0);
  EXPECT_EQ(md5->disks_spare, 2);
  EXPECT_EQ(md5->blocks_total, 2929893512);
  EXPECT_EQ(Find(r.value, "md7")->disks_total, 3);
}

TEST(MdstatParseTest, OldKernelRaid1WithoutSuperblockVersion) {
  // 2.6-era layout: no "super" word, personality list wrapped.
  auto r = ParseMdstat(
      "Personalities : [raid1] [raid6] [raid5] [raid4] [multipath] "
      "[faulty]\n"
      "md127 : active raid1 sda1[0] sdb1[1]\n"
      "      312319552 blocks [2/2] [UU]\n"
      "      \n"
      "unused devices: <none>\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value[0].name, "md127");
  EXPECT_EQ(r.value[0].disks_active, 2);
}

TEST(MdstatParseTest, EmptyAndNoArrays) {
  auto empty = ParseMdstat("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty.value.empty());
  auto none = ParseMdstat("Personalities : \nunused devices: <none>\n");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none.value.empty());
}

TEST(MdstatParseTest, TruncatedDevices) {
  // The device line must be followed by three more lines.
  EXPECT_EQ(ParseMdstat("md0 : active raid1 sda1[0]\n"
                        "      1046528 blocks [2/2] [UU]\n")
                .error,
            "line 1: too few lines for md device md0");
  EXPECT_EQ(ParseMdstat("md0 : active\n\n\n\n").error,
            "line 2: unexpected status line ''");
  EXPECT_EQ(ParseMdstat("md0 active\n").error,
            "line 1: expected at least 3 fields in md line");
}

TEST(MdstatParseTest, GarbageAndHugeNumbers) {
  EXPECT_EQ(ParseMdstat("md0 : active raid1 sda1[0]\n"
                        "      lots of blocks [2/2] [UU]\n\n\n")
                .error,
            "line 2: unexpected status line '      lots of blocks [2/2] [UU]'");
  EXPECT_EQ(ParseMdstat("md0 : active raid1 sda1[0]\n"
                        "      10 blocks super 1.2\n\n\n")
                .error,
            "line 2: no [total/active] [U_] map in '      10 blocks super "
            "1.2'");
  // Block counts beyond int64 are rejected, not wrapped.
  EXPECT_FALSE(ParseMdstat("md0 : active raid1 sda1[0]\n"
                           "      99999999999999999999 blocks [2/2] [UU]\n"
                           "\n\n")
                   .ok());
  EXPECT_EQ(ParseMdstat("md1 : active raid1 sda1[0]\n"
                        "      10 blocks [2/1] [U_]\n"
                        "      [>...]  recovery = 1.0% finish=1min "
                        "speed=1K/sec\n\n")
                .error,
            "line 3: no (done/total) block counts in sync line '[>...]  "
            "recovery = 1.0% finish=1min speed=1K/sec'");
  EXPECT_EQ(ParseMdstat("md1 : active raid1 sda1[0]\n"
                        "      10 blocks [2/1] [U_]\n"
                        "      recovery (1/10) finish=1min speed=1K/sec\n\n")
                .error,
            "line 3: no percentage in sync line 'recovery (1/10) finish=1min "
            "speed=1K/sec'");
}

TEST(MdstatParseTest, ExtraColumnsAreIgnored) {
  auto r = ParseMdstat(
      "md0 : active raid1 sdb1[1] sda1[0] extra words\n"
      "      1046528 blocks super 1.2 [2/2] [UU] trailing\n"
      "\n\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value[0].disks_total, 2);
}

using testing::FindValue;
using testing::RunCollector;

}  // namespace
}  // namespace host_exporter
