// The zfs collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "parse/zfs_kstat.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

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
}  // namespace host_exporter::testing
