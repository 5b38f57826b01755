// bcache parsers (parse/bcache.h) and the bcache collector on the fixture.
#include "parse/bcache.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::Dehumanize;
using parse::DehumanizeSigned;

TEST(BcacheParseTest, DehumanizeUnits) {
  EXPECT_EQ(Dehumanize("17").value, 17u);
  EXPECT_EQ(Dehumanize("2.0M").value, 2097152u);
  EXPECT_EQ(Dehumanize("1k").value, 1024u);
  // The digit after the point counts 1/10.24 unit (bch_hprint's format).
  EXPECT_EQ(Dehumanize("1.1M").value, 1150976u);
  EXPECT_EQ(Dehumanize("1.23k").value, 3324u);
  EXPECT_EQ(Dehumanize("104.5M").value, 109563904u);
  EXPECT_EQ(Dehumanize("20.4G").value, 21894266880u);
  EXPECT_EQ(Dehumanize("1.5.7k").value, 1524u);  // extra parts ignored
  EXPECT_EQ(Dehumanize("1.5x").value, 0u);       // unknown unit: times 0
}

TEST(BcacheParseTest, DehumanizeWithoutUnitTruncatesAFloat) {
  EXPECT_EQ(Dehumanize("4.9").value, 4u);
  EXPECT_EQ(Dehumanize("1e3").value, 1000u);
  EXPECT_EQ(Dehumanize("+5").value, 5u);
  // Beyond 2^63, Go's float-to-uint64 conversion on amd64 gives 2^63.
  EXPECT_EQ(Dehumanize("18446744073709551616").value, 1ULL << 63);
}

TEST(BcacheParseTest, DehumanizeErrors) {
  EXPECT_EQ(Dehumanize("").error, "zero-length reply");
  EXPECT_FALSE(Dehumanize("1.k").ok());
  EXPECT_FALSE(Dehumanize(" 7").ok());
  EXPECT_FALSE(Dehumanize("0x10").ok());
  EXPECT_EQ(Dehumanize("garbagek").error, "not a number: 'garbage'");
}

TEST(BcacheParseTest, SignedValues) {
  EXPECT_EQ(DehumanizeSigned("-790.0k").value, -808960);
  EXPECT_EQ(DehumanizeSigned("427.5k").value, 437748);
  EXPECT_FALSE(DehumanizeSigned("-").ok());
}

TEST(BcacheParseTest, ValueFileDropsItsLastByte) {
  EXPECT_EQ(parse::ParseBcacheValue("2.0M\n").value, 2097152u);
  EXPECT_EQ(parse::ParseBcacheValue("77").value, 7u);  // no newline: cut
  EXPECT_EQ(parse::ParseBcacheValue("").error, "empty file");
  EXPECT_EQ(parse::ParseBcacheValue("\n").error, "line 1: zero-length reply");
}

TEST(BcacheParseTest, WritebackRateDebug) {
  auto r = parse::ParseWritebackRateDebug(
      "rate:\t\t1.1M/sec\ndirty:\t\t20.4G\ntarget:\t\t20.4G\n"
      "proportional:\t427.5k\nintegral:\t-790.0k\nchange:\t\t321.5k/sec\n"
      "next io:\t17ms\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.rate, 1150976u);
  EXPECT_EQ(r.value.dirty, 21894266880u);
  EXPECT_EQ(r.value.target, 21894266880u);
  EXPECT_EQ(r.value.proportional, 437748);
  EXPECT_EQ(r.value.integral, -808960);
  EXPECT_EQ(r.value.change, 329204);
  EXPECT_EQ(r.value.next_io, 17);
}

TEST(BcacheParseTest, WritebackRateDebugVariants) {
  // The last field counts; "/sec" is optional; unknown lines are ignored;
  // an empty file is all zeros.
  auto r = parse::ParseWritebackRateDebug(
      "rate:\t1.1M\ntarget: 1 2 3\nchange: -2.5k/sec\nextra: 5 6\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.rate, 1150976u);
  EXPECT_EQ(r.value.target, 3u);
  EXPECT_EQ(r.value.change, -2548);
  EXPECT_TRUE(parse::ParseWritebackRateDebug("").ok());
  EXPECT_EQ(parse::ParseWritebackRateDebug("rate: 1\ntarget:\tgarbage\n").error,
            "line 2: not a number: 'garbag'");
  EXPECT_EQ(parse::ParseWritebackRateDebug("next io:\tsoon\n").error,
            "line 1: not an integer: 'soon'");
  EXPECT_FALSE(parse::ParseWritebackRateDebug("rate:\n").ok());
}

TEST(BcacheParseTest, PriorityStats) {
  auto r = parse::ParsePriorityStats(
      "Unused:\t\t99%\nClean:\t\t0%\nDirty:\t\t0%\nMetadata:\t3%\n"
      "Average:\t10473\nSectors per Q:\t64\nQuantiles:\t[0 0 0]\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.unused_percent, 99u);
  EXPECT_EQ(r.value.metadata_percent, 3u);
  EXPECT_EQ(parse::ParsePriorityStats("Unused: 5\n").value.unused_percent, 5u);
  EXPECT_EQ(parse::ParsePriorityStats("Unused: x%\n").error,
            "line 1: not a percentage: 'x%'");
  EXPECT_FALSE(parse::ParsePriorityStats("Metadata:\t3%%\n").ok());
  EXPECT_TRUE(parse::ParsePriorityStats("").ok());
}

using testing::Family;
using testing::FindFamily;
using testing::FindValue;
using testing::RunCollector;

constexpr char kUuid[] = "deaddd54-c735-46d5-868e-f331c5fd7c74";

TEST(BcacheCollectorTest, ReadsFixture) {
  Families fams = RunCollector("bcache");
  const Labels set = {{"uuid", kUuid}};
  const Labels bdev = {{"uuid", kUuid}, {"backing_device", "bdev0"}};
  const Labels cache = {{"uuid", kUuid}, {"cache_device", "cache0"}};
  EXPECT_EQ(FindValue(fams, "node_bcache_btree_cache_size_bytes", set),
            2097152);
  EXPECT_EQ(FindValue(fams, "node_bcache_active_journal_entries", set), 1);
  EXPECT_DOUBLE_EQ(
      *FindValue(fams, "node_bcache_btree_read_average_duration_seconds", set),
      1.305e-06);
  EXPECT_EQ(FindValue(fams, "node_bcache_dirty_data_bytes", bdev), 65536);
  EXPECT_EQ(FindValue(fams, "node_bcache_dirty_target_bytes", bdev),
            21894266880.0);
  EXPECT_EQ(FindValue(fams, "node_bcache_writeback_rate", bdev), 1150976);
  EXPECT_EQ(FindValue(fams, "node_bcache_writeback_rate_integral_term", bdev),
            -808960);
  EXPECT_EQ(FindValue(fams, "node_bcache_cache_hits_total", bdev), 1289);
  EXPECT_EQ(FindValue(fams, "node_bcache_bypassed_bytes_total", bdev), 1560576);
  EXPECT_EQ(FindValue(fams, "node_bcache_written_bytes_total", cache),
            109563904);
  EXPECT_EQ(Family(fams, "node_bcache_cache_hits_total").type,
            prometheus::MetricType::Counter);
  // priority_stats is expensive to read: only with the flag.
  EXPECT_EQ(FindFamily(fams, "node_bcache_priority_stats_unused_percent"),
            nullptr);
  EXPECT_EQ(fams.size(), 26u);
}

TEST(BcacheCollectorTest, PriorityStatsFlag) {
  Families fams = RunCollector(
      "bcache",
      CollectorOptions(std::map<std::string, std::vector<std::string>>{
          {"collector.bcache.priorityStats", {"true"}}}));
  const Labels cache = {{"uuid", kUuid}, {"cache_device", "cache0"}};
  EXPECT_EQ(FindValue(fams, "node_bcache_priority_stats_unused_percent", cache),
            99);
  EXPECT_EQ(
      FindValue(fams, "node_bcache_priority_stats_metadata_percent", cache), 0);
  EXPECT_EQ(fams.size(), 28u);
}

TEST(BcacheCollectorTest, NoBcacheNoFamilies) {
  EXPECT_TRUE(RunCollector("bcache", {}, testing::FixturePaths("/nonexistent"))
                  .empty());
}

// The sets and devices planned from a listing are kept while the next
// listing is the same: a set or device added, removed or renamed shows in
// the next run.
TEST(BcacheCollectorTest, KeptSetsFollowTheTree) {
  testing::ExpectSteadyRunsAlike("bcache");
  testing::ExpectSteadyRunsAlike(
      "bcache", testing::Opt("collector.bcache.priorityStats", "true"));

  testing::SysfsRoot root;
  const std::string set = "fs/bcache/1-2/";
  root.Write(set + "congested", "1\n");
  std::unique_ptr<Collector> c = testing::MakeCollector("bcache");
  auto dirty = [](const Families& fams, const char* uuid, const char* bdev) {
    return FindValue(fams, "node_bcache_dirty_data_bytes",
                     {{"uuid", uuid}, {"backing_device", bdev}});
  };
  Families fams = c->Collect(root.Paths());
  EXPECT_EQ(FindValue(fams, "node_bcache_congested", {{"uuid", "1-2"}}), 1);
  EXPECT_FALSE(dirty(fams, "1-2", "bdev0"));
  root.Write(set + "congested", "2\n");
  root.Write(set + "bdev0/dirty_data", "1k\n");
  root.Write(set + "bdev0/writeback_rate_debug", "rate:\t\t1.0k/sec\n");
  root.Write("fs/bcache/3-4/cache0/written", "5\n");
  fams = c->Collect(root.Paths());
  EXPECT_EQ(FindValue(fams, "node_bcache_congested", {{"uuid", "1-2"}}), 2);
  EXPECT_EQ(dirty(fams, "1-2", "bdev0"), 1024);
  EXPECT_EQ(FindValue(fams, "node_bcache_written_bytes_total",
                      {{"uuid", "3-4"}, {"cache_device", "cache0"}}),
            5);
  std::filesystem::rename(root.Sys(set + "bdev0"), root.Sys(set + "bdev1"));
  fams = c->Collect(root.Paths());
  EXPECT_FALSE(dirty(fams, "1-2", "bdev0"));
  EXPECT_EQ(dirty(fams, "1-2", "bdev1"), 1024);
  std::filesystem::remove_all(root.Sys("fs/bcache/1-2"));
  fams = c->Collect(root.Paths());
  EXPECT_FALSE(FindValue(fams, "node_bcache_congested", {{"uuid", "1-2"}}));
  EXPECT_FALSE(dirty(fams, "1-2", "bdev1"));
  EXPECT_EQ(FindValue(fams, "node_bcache_written_bytes_total",
                      {{"uuid", "3-4"}, {"cache_device", "cache0"}}),
            5);
}

}  // namespace
}  // namespace host_exporter
