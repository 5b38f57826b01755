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

// One instance follows pools, datasets and kstats added, removed and
// renamed between runs: the pools' kept paths and objset files are those of
// this run's listings.
TEST(ZfsCollectorTest, KeptPoolsFollowTheTree) {
  ExpectSteadyRunsAlike("zfs");

  TempRoot root;
  namespace fs = std::filesystem;
  const fs::path zfs = fs::path(root.dir()) / "proc/spl/kstat/zfs";
  fs::create_directories(zfs.parent_path());
  fs::copy(FIXTURE_ROOT "/proc/spl/kstat/zfs", zfs,
           fs::copy_options::recursive);
  std::unique_ptr<Collector> c = MakeCollector("zfs");
  auto nread = [](const Families& f, const char* pool) {
    return FindValue(f, "node_zfs_zpool_nread", {{"zpool", pool}});
  };
  auto nwritten = [](const Families& f, const char* pool, const char* dataset) {
    return FindValue(f, "node_zfs_zpool_dataset_nwritten",
                     {{"zpool", pool}, {"dataset", dataset}});
  };
  Families f = c->Collect(root.paths());
  EXPECT_EQ(nread(f, "tank"), 1884160);
  EXPECT_EQ(nwritten(f, "tank", "tank/home"), 12302);
  EXPECT_EQ(FindValue(f, "node_zfs_arc_hits"), 8772612);

  // A pool added, a dataset's kstat renamed (re-created), a kstat removed.
  fs::copy(zfs / "tank", zfs / "pool2", fs::copy_options::recursive);
  fs::rename(zfs / "tank/objset-0x8c", zfs / "tank/objset-0x99");
  fs::remove(zfs / "arcstats");
  f = c->Collect(root.paths());
  EXPECT_EQ(nread(f, "pool2"), 1884160);
  EXPECT_EQ(nwritten(f, "pool2", "tank/home"), 12302);
  EXPECT_EQ(nwritten(f, "tank", "tank/home"), 12302);
  EXPECT_EQ(FindFamily(f, "node_zfs_arc_hits"), nullptr);
  EXPECT_EQ(Family(f, "node_zfs_zpool_state").metric.size(), 12u);

  // A dataset gone, a pool gone, a pool renamed.
  fs::remove(zfs / "pool2/objset-0x8c");
  fs::remove_all(zfs / "tank");
  fs::rename(zfs / "pool2", zfs / "pool3");
  f = c->Collect(root.paths());
  EXPECT_FALSE(nread(f, "tank"));
  EXPECT_FALSE(nread(f, "pool2"));
  EXPECT_EQ(nread(f, "pool3"), 1884160);
  EXPECT_FALSE(nwritten(f, "pool3", "tank/home"));
  EXPECT_EQ(FindValue(f, "node_zfs_zpool_dataset_writes",
                      {{"zpool", "pool3"}, {"dataset", "tank"}}),
            0);
  EXPECT_EQ(Family(f, "node_zfs_zpool_state").metric.size(), 6u);
}

}  // namespace
}  // namespace host_exporter::testing
