// The ZFS kstat parsers on strings, and the zfs collector on the fixture
// root.
#include "parse/zfs_kstat.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseZfsKstat;
using parse::ParseZfsObjset;
using parse::ParseZfsPoolIo;
using parse::ParseZfsPoolState;

TEST(ZfsKstatParseTest, NamedKstatReadsUint64RowsOnly) {
  auto r = ParseZfsKstat(
      "13 1 0x01 96 26112 5214787391 73405258558961\n"
      "name                            type data\n"
      "hits                            4    8772612\n"
      "erpt-dropped                    4    18\n"
      "memory_free_bytes               3    2054045696\n"
      "some_string                     7    hello\n"
      "short 4\n"
      "max                             4    18446744073709551615\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 3u);
  EXPECT_EQ(r.value[0].name, "hits");
  EXPECT_EQ(r.value[0].value, 8772612u);
  EXPECT_EQ(r.value[1].name, "erpt-dropped");
  EXPECT_EQ(r.value[2].value, 18446744073709551615u);
}

TEST(ZfsKstatParseTest, RowsBeforeTheHeaderAreIgnored) {
  auto r = ParseZfsKstat("hits 4 1\nname type data\nmisses 4 2 extra\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 1u);
  EXPECT_EQ(r.value[0].name, "misses");
}

TEST(ZfsKstatParseTest, EmptyTruncatedGarbageAndHuge) {
  EXPECT_EQ(ParseZfsKstat("").error, "no 'name type data' header");
  EXPECT_EQ(ParseZfsKstat("13 1 0x01\nname type\n").error,
            "no 'name type data' header");
  EXPECT_EQ(ParseZfsKstat("name type data\nhits 4 lots\n").error,
            "line 2: 'hits' is not an unsigned integer: 'lots'");
  EXPECT_EQ(
      ParseZfsKstat("name type data\nhits 4 18446744073709551616\n").error,
      "line 2: 'hits' is not an unsigned integer: "
      "'18446744073709551616'");
  EXPECT_EQ(ParseZfsKstat("name type data\nneg 4 -1\n").error,
            "line 2: 'neg' is not an unsigned integer: '-1'");
}

TEST(ZfsKstatParseTest, PoolIo) {
  auto r = ParseZfsPoolIo(
      "12 3 0x00 1 80 2225326830828 32953476980628\n"
      "nread    nwritten reads    writes   wtime    wlentime wupdate  rtime    "
      "rlentime rupdate  wcnt     rcnt\n"
      "1884160  3206144  22       132      7155162  104112268 1375100000  "
      "43342135 5134413454 1375100000  0        1\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 12u);
  EXPECT_EQ(r.value[0].name, "nread");
  EXPECT_EQ(r.value[0].value, 1884160u);
  EXPECT_EQ(r.value[11].name, "rcnt");
  EXPECT_EQ(r.value[11].value, 1u);
  // No header: nothing, no error (ZFS 2.x has no io kstat content).
  auto none = ParseZfsPoolIo("");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none.value.empty());
  // A short header is no header.
  EXPECT_TRUE(ParseZfsPoolIo("nread nwritten\n1 2\n").value.empty());
  EXPECT_EQ(ParseZfsPoolIo("nread a b c d e f g h i j k\n1 2 3\n").error,
            "line 2: expected 12 values, got 3");
  EXPECT_EQ(ParseZfsPoolIo("nread a b c d e f g h i j k\n"
                           "1 2 3 4 5 6 7 8 9 10 11 x\n")
                .error,
            "line 2: 'k' is not an unsigned integer: 'x'");
}

TEST(ZfsKstatParseTest, Objset) {
  auto r = ParseZfsObjset(
      "32 1 0x01 7 2160 221578688875 6665999035587\n"
      "name                            type data\n"
      "dataset_name                    7    tank/home\n"
      "writes                          4    4\n"
      "nwritten                        4    12302\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].dataset, "tank/home");
  EXPECT_TRUE(r.value[0].after_dataset_name);
  EXPECT_EQ(r.value[1].name, "nwritten");
  EXPECT_EQ(r.value[1].value, 12302u);
  // A value before the dataset name belongs to no dataset.
  auto early = ParseZfsObjset("name type data\nreads 4 1\ndataset_name 7 t\n");
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(early.value[0].after_dataset_name);
  EXPECT_EQ(early.value[0].dataset, "");
  EXPECT_EQ(ParseZfsObjset("dataset_name 7 t\n").error,
            "no 'name type data' header");
}

TEST(ZfsKstatParseTest, PoolState) {
  EXPECT_EQ(ParseZfsPoolState("ONLINE\n"), "online");
  EXPECT_EQ(ParseZfsPoolState("DEGRADED"), "degraded");
  EXPECT_EQ(ParseZfsPoolState(""), "");
}

using testing::Family;
using testing::FindFamily;
using testing::FindValue;
using testing::RunCollector;

TEST(ZfsCollectorTest, ReadsFixture) {
  Families f = RunCollector("zfs");
  EXPECT_EQ(FindValue(f, "node_zfs_arc_hits"), 8772612);
  EXPECT_EQ(FindValue(f, "node_zfs_arc_c_max"), 8367976448);
  // Signed (type 3) rows are not exported by node_exporter 1.5.
  EXPECT_EQ(FindFamily(f, "node_zfs_arc_memory_free_bytes"), nullptr);
  EXPECT_EQ(FindValue(f, "node_zfs_fm_erpt_dropped"), 18);
  EXPECT_EQ(Family(f, "node_zfs_fm_erpt_dropped").help,
            "kstat.zfs.misc.fm.erpt-dropped");
  EXPECT_EQ(Family(f, "node_zfs_fm_erpt_dropped").type,
            prometheus::MetricType::Untyped);
  EXPECT_EQ(FindValue(f, "node_zfs_abd_struct_size"), 2520);
  // node_exporter 1.5 does not read dbufstats.
  EXPECT_EQ(FindFamily(f, "node_zfs_dbuf_hash_hits"), nullptr);
  EXPECT_EQ(FindValue(f, "node_zfs_dmu_tx_dmu_tx_assigned"), 3532844);
  EXPECT_EQ(FindValue(f, "node_zfs_dnode_dnode_hold_alloc_hits"), 1460);
  EXPECT_EQ(FindValue(f, "node_zfs_vdev_cache_delegations"), 40);
  EXPECT_EQ(FindValue(f, "node_zfs_vdev_mirror_preferred_not_found"), 94);
  EXPECT_EQ(FindValue(f, "node_zfs_xuio_onloan_read_buf"), 32);
  EXPECT_EQ(FindValue(f, "node_zfs_zfetch_hits"), 7067992);
  EXPECT_EQ(FindValue(f, "node_zfs_zil_zil_commit_count"), 10);
  EXPECT_EQ(FindValue(f, "node_zfs_zil_zil_itx_needcopy_bytes"),
            18446744073709537686.0);

  EXPECT_EQ(FindValue(f, "node_zfs_zpool_nread", {{"zpool", "tank"}}), 1884160);
  EXPECT_EQ(Family(f, "node_zfs_zpool_nread").help, "kstat.zfs.misc.io.nread");
  EXPECT_EQ(FindValue(f, "node_zfs_zpool_dataset_nwritten",
                      {{"zpool", "tank"}, {"dataset", "tank/home"}}),
            12302);
  EXPECT_EQ(FindValue(f, "node_zfs_zpool_dataset_writes",
                      {{"zpool", "tank"}, {"dataset", "tank"}}),
            0);
  EXPECT_EQ(FindValue(f, "node_zfs_zpool_state",
                      {{"zpool", "tank"}, {"state", "online"}}),
            1);
  EXPECT_EQ(FindValue(f, "node_zfs_zpool_state",
                      {{"zpool", "tank"}, {"state", "faulted"}}),
            0);
  EXPECT_EQ(Family(f, "node_zfs_zpool_state").metric.size(), 6u);
  EXPECT_EQ(Family(f, "node_zfs_zpool_state").type,
            prometheus::MetricType::Gauge);
}

TEST(ZfsCollectorTest, NamesUseTheLastDottedPartAndHelpTheWholeKey) {
  const std::filesystem::path root =
      std::filesystem::path(::testing::TempDir()) / "zfs_names";
  std::filesystem::create_directories(root / "proc/spl/kstat/zfs");
  std::ofstream(root / "proc/spl/kstat/zfs/zil")
      << "7 1 0x01\nname type data\nodd-group.itx-count 4 3\n";
  // A kstat without its header fails the collector.
  std::ofstream(root / "proc/spl/kstat/zfs/fm") << "0 1 0x01\n";
  EXPECT_THROW(RunCollector("zfs", {}, testing::FixturePaths(root)),
               CollectError);
  std::filesystem::remove(root / "proc/spl/kstat/zfs/fm");
  Families f = RunCollector("zfs", {}, testing::FixturePaths(root));
  ASSERT_NE(FindFamily(f, "node_zfs_zil_itx_count"), nullptr);
  EXPECT_EQ(Family(f, "node_zfs_zil_itx_count").help,
            "kstat.zfs.misc.zil.odd-group.itx-count");
  EXPECT_EQ(FindValue(f, "node_zfs_zil_itx_count"), 3);
  std::filesystem::remove_all(root);
}

TEST(ZfsCollectorTest, NoZfsIsNoMetrics) {
  EXPECT_TRUE(
      RunCollector("zfs", {}, testing::FixturePaths("/nonexistent")).empty());
}

}  // namespace
}  // namespace host_exporter
