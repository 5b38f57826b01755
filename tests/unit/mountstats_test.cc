// The mountstats and mountinfo parsers on strings, and the mountstats
// collector on the fixture root (and on a temporary root for duplicates).
#include "parse/mountstats.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::MountOptionValue;
using parse::ParseMountInfo;
using parse::ParseMountStats;

constexpr char kNfs4[] =
    "device rootfs mounted on / with fstype rootfs\n"
    "no device mounted on /hidden with fstype tmpfs\n"
    "device srv:/data mounted on /mnt/data with fstype nfs4 statvers=1.1\n"
    "\topts:\trw,vers=4.2,rsize=1048576,addr=10.0.0.9\n"
    "\tage:\t13968\n"
    "\tcaps:\tcaps=0xfff7,wtmult=512,dtsize=32768,bsize=0,namlen=255\n"
    "\tevents:\t52 226 0 0 1 13 398 0 0 331 0 47 0 0 77 0 0 77 0 0 0 0 0 0 0 "
    "0 0\n"
    "\tbytes:\t1207640230 1 2 3 1210214218 5 295483 7\n"
    "\tRPC iostats version: 1.0  p/v: 100003/4 (nfs)\n"
    "\txprt:\ttcp 832 1 2 3 11 6428 6429 4 12154 19 24 26 5726\n"
    "\tper-op statistics\n"
    "\t        NULL: 0 0 0 0 0 0 0 0\n"
    "\t        READ: 1298 1299 1 207680 1210292152 6 79386 79407 3\n"
    "\n"
    "device proc mounted on /proc with fstype proc\n";

TEST(MountStatsParseTest, Nfs4Statvers11) {
  auto r = ParseMountStats(kNfs4);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 3u);  // "no device" lines are not entries
  EXPECT_FALSE(r.value[0].has_nfs_stats);
  EXPECT_EQ(r.value[2].mount_point, "/proc");
  const auto& m = r.value[1];
  EXPECT_EQ(m.device, "srv:/data");
  EXPECT_EQ(m.fs_type, "nfs4");
  ASSERT_TRUE(m.has_nfs_stats);
  const auto& s = m.nfs;
  EXPECT_EQ(s.stat_version, "1.1");
  EXPECT_DOUBLE_EQ(s.age_seconds, 13968);
  EXPECT_EQ(s.bytes[0], 1207640230u);
  EXPECT_EQ(s.bytes[7], 7u);
  EXPECT_EQ(s.events[6], 398u);
  EXPECT_EQ(s.transport.protocol, "tcp");
  EXPECT_EQ(s.transport.port, 832u);
  EXPECT_EQ(s.transport.connect, 2u);
  EXPECT_EQ(s.transport.idle_time_seconds, 11u);
  EXPECT_EQ(s.transport.receives, 6429u);
  EXPECT_EQ(s.transport.cumulative_backlog, 19u);
  EXPECT_EQ(s.transport.maximum_rpc_slots_used, 24u);
  EXPECT_EQ(s.transport.cumulative_pending_queue, 5726u);
  ASSERT_EQ(s.operations.size(), 2u);
  EXPECT_EQ(s.operations[1].operation, "READ");
  EXPECT_EQ(s.operations[1].transmissions, 1299u);
  EXPECT_EQ(s.operations[1].request_ms, 79407u);
  EXPECT_EQ(s.operations[1].errors, 3u);
  EXPECT_EQ(s.operations[0].errors, 0u);
}

TEST(MountStatsParseTest, Nfs3UdpStatvers10) {
  auto r = ParseMountStats(
      "device srv:/home mounted on /home with fstype nfs statvers=1.0\n"
      "\tage:\t7260\n"
      "\txprt:\tudp 951 7 95 96 1 95 3\n"
      "\tper-op statistics\n"
      "\t     GETATTR: 41 41 0 4428 4592 0 8 9\n"
      "\n");
  ASSERT_TRUE(r.ok()) << r.error;
  const auto& t = r.value[0].nfs.transport;
  EXPECT_EQ(t.protocol, "udp");
  EXPECT_EQ(t.port, 951u);
  EXPECT_EQ(t.bind, 7u);
  EXPECT_EQ(t.connect, 0u);  // UDP has none of the connection fields
  EXPECT_EQ(t.idle_time_seconds, 0u);
  EXPECT_EQ(t.sends, 95u);
  EXPECT_EQ(t.receives, 96u);
  EXPECT_EQ(t.bad_transaction_ids, 1u);
  EXPECT_EQ(t.cumulative_backlog, 3u);
  EXPECT_EQ(r.value[0].nfs.operations[0].operation, "GETATTR");
}

TEST(MountStatsParseTest, EmptyAndStatsWithoutOperations) {
  auto empty = ParseMountStats("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty.value.empty());
  // A block ended by EOF right after the header lines.
  auto r = ParseMountStats(
      "device s:/x mounted on /x with fstype nfs statvers=1.1\n"
      "\tage:\t1\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.value[0].has_nfs_stats);
  EXPECT_TRUE(r.value[0].nfs.operations.empty());
}

TEST(MountStatsParseTest, TruncatedAndExtraColumns) {
  EXPECT_EQ(ParseMountStats("device a mounted on /b with\n").error,
            "line 1: expected 'device <dev> mounted on <dir> with fstype "
            "<type>'");
  EXPECT_EQ(ParseMountStats("device a mounted at /b with fstype ext4\n").error,
            "line 1: expected 'device <dev> mounted on <dir> with fstype "
            "<type>'");
  EXPECT_EQ(
      ParseMountStats("device a mounted on /b with fstype ext4 x\n").error,
      "line 1: cannot parse statistics of fstype 'ext4'");
  EXPECT_EQ(ParseMountStats("device a mounted on /b with fstype nfs v=1.1\n"
                            "\tbytes:\t1 2 3\n")
                .error,
            "line 2: 'bytes:' needs 8 values, got 3");
  EXPECT_EQ(ParseMountStats("device a mounted on /b with fstype nfs v=1.1\n"
                            "\tevents:\t" +
                            std::string(28 * 2, ' ') + "\n")
                .error,
            "line 2: 'events:' has no value");
  EXPECT_EQ(ParseMountStats("device a mounted on /b with fstype nfs "
                            "statvers=1.1\n"
                            "\txprt:\ttcp 1 2 3\n")
                .error,
            "line 2: transport line needs 13 values for tcp in version 1.1, "
            "got 3");
  EXPECT_EQ(ParseMountStats("device a mounted on /b with fstype nfs "
                            "statvers=1.1\n"
                            "\tper-op statistics\n"
                            "\tREAD: 1 2 3\n")
                .error,
            "line 3: per-op line needs at least 8 values, got 3");
}

TEST(MountStatsParseTest, BlockWithoutPerOpSectionSwallowsTheNextLine) {
  // As in procfs 0.8: after a blank line the per-op reader still runs, so
  // the next entry is read as an operation line.
  EXPECT_EQ(ParseMountStats("device a mounted on /b with fstype nfs "
                            "statvers=1.1\n"
                            "\tage:\t5\n"
                            "\n"
                            "device c mounted on /d with fstype ext4\n")
                .error,
            "line 4: per-op line needs at least 8 values, got 7");
}

TEST(MountStatsParseTest, UnknownVersionsProtocolsGarbageAndHuge) {
  EXPECT_EQ(ParseMountStats("device a mounted on /b with fstype nfs "
                            "statvers=2.0\n"
                            "\txprt:\ttcp 1 2 3\n")
                .error,
            "line 2: unknown statistics version '2.0'");
  EXPECT_EQ(ParseMountStats("device a mounted on /b with fstype nfs "
                            "statvers=1.1\n"
                            "\txprt:\trdma 1 2 3\n")
                .error,
            "line 2: unknown transport protocol 'rdma'");
  EXPECT_EQ(ParseMountStats("device a mounted on /b with fstype nfs "
                            "statvers=1.1\n"
                            "\tage:\tyesterday\n")
                .error,
            "line 2: invalid age 'yesterday'");
  EXPECT_EQ(ParseMountStats("device a mounted on /b with fstype nfs "
                            "statvers=1.1\n"
                            "\tage:\t99999999999\n")
                .error,
            "line 2: invalid age '99999999999'");
  EXPECT_EQ(ParseMountStats("device a mounted on /b with fstype nfs "
                            "statvers=1.1\n"
                            "\tbytes:\t1 2 3 4 5 6 7 18446744073709551616\n")
                .error,
            "line 2: '18446744073709551616' is not an unsigned integer");
}

TEST(MountInfoParseTest, SuperOptions) {
  auto r = ParseMountInfo(
      "23 1 253:0 / / rw,relatime shared:1 - ext4 /dev/mapper/vg0-root "
      "rw,errors=remount-ro\n"
      "34 23 0:48 / /mnt/archive rw,relatime shared:33 master:2 - nfs4 "
      "nas:/export rw,vers=4.2,sec=sys,addr=10.0.0.9\n"
      "35 23 0:49 / /x rw - tmpfs tmpfs rw\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 3u);
  EXPECT_EQ(MountOptionValue(r.value[0].super_options, "errors"), "remount-ro");
  EXPECT_EQ(r.value[1].mount_point, "/mnt/archive");
  EXPECT_EQ(r.value[1].fs_type, "nfs4");
  EXPECT_EQ(r.value[1].source, "nas:/export");
  EXPECT_EQ(MountOptionValue(r.value[1].super_options, "addr"), "10.0.0.9");
  EXPECT_EQ(MountOptionValue(r.value[1].super_options, "rw"), "");
  EXPECT_EQ(MountOptionValue(r.value[1].super_options, "ro"), std::nullopt);
  EXPECT_EQ(MountOptionValue("a=b=c,x=1,x=2", "a"), "b");
  EXPECT_EQ(MountOptionValue("a=b=c,x=1,x=2", "x"), "2");
  EXPECT_TRUE(ParseMountInfo("").ok());
}

TEST(MountInfoParseTest, TruncatedAndGarbage) {
  EXPECT_EQ(ParseMountInfo("23 1 253:0 / / rw - ext4\n").error,
            "line 1: expected at least 10 fields, got 8");
  EXPECT_EQ(
      ParseMountInfo("23 1 253:0 / / rw shared:1 x ext4 /dev/a rw\n").error,
      "line 1: no '-' separator before the fstype");
  EXPECT_EQ(
      ParseMountInfo("x 1 253:0 / / rw shared:1 - ext4 /dev/a rw\n").error,
      "line 1: mount and parent IDs must be numbers");
}

using testing::Family;
using testing::FindFamily;
using testing::FindValue;
using testing::RunCollector;

TEST(MountstatsCollectorTest, ReadsFixture) {
  Families f = RunCollector("mountstats");
  const Labels v4 = {{"export", "nas.example.net:/export/archive"},
                     {"protocol", "tcp"},
                     {"mountaddr", "10.0.0.9"}};
  const Labels v3 = {{"export", "files.example.net:/home"},
                     {"protocol", "udp"},
                     {"mountaddr", "10.0.0.12"}};
  EXPECT_EQ(FindValue(f, "node_mountstats_nfs_age_seconds_total", v4), 418245);
  EXPECT_EQ(FindValue(f, "node_mountstats_nfs_age_seconds_total", v3), 7260);
  EXPECT_EQ(FindValue(f, "node_mountstats_nfs_read_bytes_total", v4),
            1207640230);
  EXPECT_EQ(FindValue(f, "node_mountstats_nfs_write_pages_total", v4), 2);
  EXPECT_EQ(FindValue(f, "node_mountstats_nfs_transport_idle_time_seconds", v4),
            11);
  EXPECT_EQ(FindValue(f, "node_mountstats_nfs_transport_sends_total", v3), 95);
  EXPECT_EQ(FindValue(f, "node_mountstats_nfs_transport_maximum_rpc_slots", v4),
            24);
  EXPECT_EQ(FindValue(f, "node_mountstats_nfs_event_vfs_open_total", v4), 1);
  EXPECT_EQ(FindValue(f, "node_mountstats_nfs_event_truncation_total", v3), 0);
  EXPECT_EQ(FindValue(f, "node_mountstats_nfs_event_jukebox_delay_total", v3),
            2);
  Labels read_op = v4;
  read_op.emplace_back("operation", "READ");
  EXPECT_EQ(
      FindValue(f, "node_mountstats_nfs_operations_requests_total", read_op),
      1298);
  EXPECT_EQ(FindValue(f, "node_mountstats_nfs_operations_received_bytes_total",
                      read_op),
            1210292152);
  EXPECT_EQ(
      FindValue(f, "node_mountstats_nfs_operations_request_time_seconds_total",
                read_op),
      79.407);
  EXPECT_EQ(Family(f, "node_mountstats_nfs_transport_idle_time_seconds").type,
            prometheus::MetricType::Gauge);
  // 2 mounts x 45 per-mount families, 11 operations x 8 per-op families.
  size_t series = 0;
  for (const auto& family : f) series += family.metric.size();
  EXPECT_EQ(f.size(), 45u + 8u);
  EXPECT_EQ(series, 2u * 45u + 11u * 8u);
}

TEST(MountstatsCollectorTest, DuplicateMountsAreReportedOnce) {
  const std::filesystem::path root =
      std::filesystem::path(::testing::TempDir()) / "mountstats_dup";
  std::filesystem::create_directories(root / "proc/self");
  const std::string block =
      " with fstype nfs4 statvers=1.1\n"
      "\tage:\t5\n"
      "\txprt:\ttcp 1 2 3 4 5 6 7 8 9 10 11 12 13\n"
      "\tper-op statistics\n"
      "\n";
  std::ofstream(root / "proc/self/mountstats")
      << "device s:/a mounted on /a" << block << "device s:/a mounted on /b"
      << block;
  std::ofstream(root / "proc/self/mountinfo")
      << "1 0 0:1 / /a rw - nfs4 s:/a rw,addr=1.2.3.4\n"
      << "2 0 0:1 / /b rw - nfs4 s:/a rw,addr=1.2.3.4\n";
  Families f = RunCollector("mountstats", {}, testing::FixturePaths(root));
  EXPECT_EQ(Family(f, "node_mountstats_nfs_age_seconds_total").metric.size(),
            1u);
  EXPECT_EQ(
      FindValue(
          f, "node_mountstats_nfs_age_seconds_total",
          {{"export", "s:/a"}, {"protocol", "tcp"}, {"mountaddr", "1.2.3.4"}}),
      5);
  std::filesystem::remove_all(root);
}

TEST(MountstatsCollectorTest, IsOffByDefaultAndSilentWithoutTheFile) {
  EXPECT_FALSE(FindCollector("mountstats")->enabled_by_default);
  EXPECT_TRUE(
      RunCollector("mountstats", {}, testing::FixturePaths("/nonexistent"))
          .empty());
}

}  // namespace
}  // namespace host_exporter
