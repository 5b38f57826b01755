// The bcachefs parsers and collector.
#include "parse/bcachefs.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using namespace parse;

TEST(BcachefsParseTest, Bytes) {
  EXPECT_EQ(ParseBcachefsBytes("720").value, 720u);
  EXPECT_EQ(ParseBcachefsBytes(" 512k\n").value, 512u * 1024);
  EXPECT_EQ(ParseBcachefsBytes("2.00M").value, 2u * 1024 * 1024);
  EXPECT_EQ(ParseBcachefsBytes("2.05G").value,
            static_cast<uint64_t>(2.05 * 1024 * 1024 * 1024));
  EXPECT_EQ(ParseBcachefsBytes("1e").value, uint64_t{1} << 60);
  EXPECT_EQ(ParseBcachefsBytes("").error, "empty size");
  EXPECT_EQ(ParseBcachefsBytes("12q").error, "not a size: '12q'");
}

TEST(BcachefsParseTest, CompressionErrorsAndBtreeWrites) {
  auto c = ParseBcachefsCompression(
      "typetype compressed uncompressed average extent size\n"
      "lz4   48.9G  71.2G  62.5k\n"
      "gzip: 0 0\n"
      "short 1\n");
  ASSERT_TRUE(c.ok()) << c.error;
  ASSERT_EQ(c.value.size(), 2u);
  EXPECT_EQ(c.value["lz4"].uncompressed,
            static_cast<uint64_t>(71.2 * 1024 * 1024 * 1024));
  EXPECT_EQ(c.value["lz4"].average_extent, static_cast<uint64_t>(62.5 * 1024));
  EXPECT_EQ(c.value["gzip"].compressed, 0u);
  EXPECT_EQ(ParseBcachefsCompression("h\nzstd 1 x\n").error,
            "line 2: not a size: 'x'");

  auto e = ParseBcachefsErrors("bset_bad_csum  2  1767112063\nsubvol 194\nx\n");
  ASSERT_TRUE(e.ok()) << e.error;
  EXPECT_EQ(e.value["bset_bad_csum"].count, 2u);
  EXPECT_EQ(e.value["bset_bad_csum"].timestamp, 1767112063u);
  EXPECT_EQ(e.value["subvol"].count, 194u);
  EXPECT_EQ(e.value.size(), 2u);
  EXPECT_EQ(ParseBcachefsErrors("a -1\n").error, "line 1: not a number: '-1'");

  auto w = ParseBcachefsBtreeWrites(
      "      nr   size\ninitial:  3298401   100k\ncache_reclaim: 14401 720\n");
  ASSERT_TRUE(w.ok()) << w.error;
  EXPECT_EQ(w.value["initial"].count, 3298401u);
  EXPECT_EQ(w.value["initial"].size, 102400u);
  EXPECT_EQ(w.value["cache_reclaim"].size, 720u);
}

TEST(BcachefsParseTest, CounterIoDoneIoErrors) {
  auto c = ParseBcachefsCounter(
      "since mount:                   1.02M\n"
      "since filesystem creation:     44105502\n");
  ASSERT_TRUE(c.ok()) << c.error;
  EXPECT_EQ(c.value.since_mount, static_cast<uint64_t>(1.02 * 1024 * 1024));
  EXPECT_EQ(c.value.since_creation, 44105502u);
  EXPECT_EQ(ParseBcachefsCounter("something else\n").error,
            "counter file format not recognized");
  EXPECT_EQ(ParseBcachefsCounter("since mount: x\n").error,
            "line 1: not a size: 'x'");

  auto d = ParseBcachefsIoDone(
      "sb : 1\nread:\nsb          :       86016\nuser        :102313054208\n"
      "noise\nwrite:\nbtree : 16384\n");
  ASSERT_TRUE(d.ok()) << d.error;
  EXPECT_EQ(d.value.size(), 2u);
  EXPECT_EQ(d.value["read"]["sb"], 86016u);
  EXPECT_EQ(d.value["read"]["user"], 102313054208u);
  EXPECT_EQ(d.value["read"].size(), 2u);  // the line before "read:" skipped
  EXPECT_EQ(d.value["write"]["btree"], 16384u);
  EXPECT_EQ(ParseBcachefsIoDone("write:\nsb: 1k\n").error,
            "line 2: not a number: '1k'");

  auto e = ParseBcachefsIoErrors(
      "IO errors since filesystem creation\n  read:    197416\n"
      "  write:   205\n  checksum:0\nIO errors since 8 y ago\n  read: 1\n"
      "  bad: x\n");
  ASSERT_TRUE(e.ok()) << e.error;
  EXPECT_EQ(e.value.size(), 3u);
  EXPECT_EQ(e.value["read"], 197416u);
  EXPECT_EQ(e.value["checksum"], 0u);
  EXPECT_TRUE(ParseBcachefsIoErrors("read: 5\n").value.empty());
}

// The row parsers give the map parsers' entries (a repeated key's last row)
// and errors, viewed in the text.
template <typename Row, typename Map>
void ExpectRowsAreTheMap(const std::vector<Row>& rows, const Map& map) {
  std::map<std::string, typename Map::mapped_type> got;
  for (const Row& r : rows) got[std::string(r.key)] = r.value;
  EXPECT_EQ(got.size(), map.size());
  for (const auto& [key, value] : map) {
    ASSERT_TRUE(got.count(key)) << key;
    EXPECT_EQ(std::memcmp(&got[key], &value, sizeof value), 0) << key;
  }
}

TEST(BcachefsParseTest, RowsAreTheMapsEntries) {
  const std::string compression =
      "typ compressed uncompressed\nzstd: 1k 2k 3k\nlz4 5 6\nx\nzstd 7 8 9\n"
      "\xC2\xA0none\xE3\x80\x80 1\xC2\x85 2\n";
  std::vector<BcachefsRow<BcachefsCompression>> c;
  EXPECT_EQ(ParseBcachefsCompressionRows(compression, &c), "");
  ExpectRowsAreTheMap(c, ParseBcachefsCompression(compression).value);
  EXPECT_EQ(ParseBcachefsCompressionRows("h\nzstd 1 x\n", &c),
            ParseBcachefsCompression("h\nzstd 1 x\n").error);

  const std::string errors = "a 1 2\nb 3\na 4 5\nc\n";
  std::vector<BcachefsRow<BcachefsError>> e;
  EXPECT_EQ(ParseBcachefsErrorRows(errors, &e), "");
  ExpectRowsAreTheMap(e, ParseBcachefsErrors(errors).value);
  EXPECT_EQ(ParseBcachefsErrorRows("a -1\n", &e),
            ParseBcachefsErrors("a -1\n").error);

  const std::string writes = "h\ninitial: 5 1k\nx: 1 2\ninitial 6 2k\n";
  std::vector<BcachefsRow<BcachefsBtreeWrite>> w;
  EXPECT_EQ(ParseBcachefsBtreeWriteRows(writes, &w), "");
  ExpectRowsAreTheMap(w, ParseBcachefsBtreeWrites(writes).value);
  EXPECT_EQ(ParseBcachefsBtreeWriteRows("h\na: x 1\n", &w),
            ParseBcachefsBtreeWrites("h\na: x 1\n").error);

  const std::string done =
      "sb : 1\nread:\nsb : 2\nuser:3\nnoise\nwrite:\nsb : 4\nread:\nsb: 5\n";
  std::vector<BcachefsIoDoneRow> d;
  EXPECT_EQ(ParseBcachefsIoDoneRows(done, &d), "");
  std::map<std::string, std::map<std::string, uint64_t>> got;
  for (const auto& r : d) {
    got[std::string(r.operation)][std::string(r.data_type)] = r.bytes;
  }
  EXPECT_EQ(got, ParseBcachefsIoDone(done).value);
  EXPECT_EQ(ParseBcachefsIoDoneRows("write:\nsb: 1k\n", &d),
            ParseBcachefsIoDone("write:\nsb: 1k\n").error);

  const std::string io_errors =
      "IO errors since filesystem creation\n  read: 1\n  read: 2\n"
      "  write:3\nIO errors since 8 y ago\n  read: 9\n";
  std::vector<BcachefsRow<uint64_t>> i;
  EXPECT_EQ(ParseBcachefsIoErrorRows(io_errors, &i), "");
  ExpectRowsAreTheMap(i, ParseBcachefsIoErrors(io_errors).value);
  const std::string bad = "IO errors since filesystem creation\n x: y\n";
  EXPECT_EQ(ParseBcachefsIoErrorRows(bad, &i),
            ParseBcachefsIoErrors(bad).error);
}

}  // namespace

namespace testing {
namespace {

constexpr char kUuid[] = "deadbeef-1234-5678-9012-abcdefabcdef";

TEST(BcachefsCollectorTest, ReadsFixture) {
  Families fams = RunCollector("bcachefs");
  const Labels fs = {{"uuid", kUuid}};
  EXPECT_EQ(FindValue(fams, "node_bcachefs_info", fs), 1);
  EXPECT_EQ(
      FindValue(fams, "node_bcachefs_btree_cache_size_bytes", fs),
      static_cast<double>(static_cast<uint64_t>(2.05 * 1024 * 1024 * 1024)));
  EXPECT_EQ(FindValue(fams, "node_bcachefs_compression_compressed_bytes",
                      {{"uuid", kUuid}, {"algorithm", "zstd"}}),
            226.0 * 1024 * 1024 * 1024);
  EXPECT_EQ(FindValue(fams, "node_bcachefs_errors_total",
                      {{"uuid", kUuid}, {"error_type", "subvol_missing"}}),
            194);
  EXPECT_EQ(
      FindValue(fams, "node_bcachefs_accounting_key_to_wb_slowpath_total", fs),
      44105502);
  EXPECT_EQ(Family(fams, "node_bcachefs_btree_node_read_total").help,
            "Bcachefs counter btree_node_read since filesystem creation.");
  EXPECT_EQ(Family(fams, "node_bcachefs_btree_node_read_total").type,
            prometheus::MetricType::Counter);
  EXPECT_EQ(FindValue(fams, "node_bcachefs_btree_writes_total",
                      {{"uuid", kUuid}, {"type", "journal_reclaim"}}),
            66903805);
  EXPECT_EQ(FindValue(fams, "node_bcachefs_device_info",
                      {{"uuid", kUuid},
                       {"device", "4"},
                       {"label", "disk-4"},
                       {"state", "[rw] ro evacuating spare"}}),
            1);
  const Labels dev10 = {{"uuid", kUuid}, {"device", "10"}};
  EXPECT_EQ(FindValue(fams, "node_bcachefs_device_bucket_size_bytes", dev10),
            512 * 1024);
  EXPECT_EQ(FindValue(fams, "node_bcachefs_device_buckets", dev10), 953880);
  EXPECT_EQ(FindValue(fams, "node_bcachefs_device_durability", dev10), 1);
  EXPECT_EQ(FindValue(fams, "node_bcachefs_device_io_done_bytes_total",
                      {{"uuid", kUuid},
                       {"device", "4"},
                       {"operation", "write"},
                       {"data_type", "user"}}),
            6258285805568.0);
  EXPECT_EQ(FindValue(fams, "node_bcachefs_device_io_errors_total",
                      {{"uuid", kUuid}, {"device", "4"}, {"type", "read"}}),
            197416);
}

TEST(BcachefsCollectorTest, MissingFilesAreEmptyBadOnesFailNamingThem) {
  SysfsRoot root;
  EXPECT_TRUE(RunCollector("bcachefs", {}, root.Paths()).empty());
  root.Write("fs/bcachefs/u1/dev-0/label", "ssd\n");
  root.Write("fs/bcachefs/u1/counters/x-y", "since mount: 1\n");
  Families fams = RunCollector("bcachefs", {}, root.Paths());
  EXPECT_EQ(
      FindValue(fams, "node_bcachefs_btree_cache_size_bytes", {{"uuid", "u1"}}),
      0);
  EXPECT_EQ(
      FindValue(
          fams, "node_bcachefs_device_info",
          {{"uuid", "u1"}, {"device", "0"}, {"label", "ssd"}, {"state", ""}}),
      1);
  // Sanitized name; since filesystem creation absent: 0.
  EXPECT_EQ(FindValue(fams, "node_bcachefs_x_y_total", {{"uuid", "u1"}}), 0);
  root.Write("fs/bcachefs/u1/dev-0/nbuckets", "many\n");
  EXPECT_EQ(ErrorOf("bcachefs", root),
            root.Sys("fs/bcachefs/u1/dev-0/nbuckets") + ": not a number");
  root.Write("fs/bcachefs/u1/dev-0/nbuckets", "1\n");
  root.Write("fs/bcachefs/u1/counters/x-y", "garbage\n");
  EXPECT_EQ(ErrorOf("bcachefs", root),
            root.Sys("fs/bcachefs/u1/counters/x-y") +
                ": counter file format not recognized");
}

// The filesystems, counters and devices planned from a listing are kept
// while the next listing is the same: one added, removed or renamed shows
// in the next run.
TEST(BcachefsCollectorTest, KeptFilesystemsFollowTheTree) {
  ExpectSteadyRunsAlike("bcachefs");

  SysfsRoot root;
  root.Write("fs/bcachefs/u1/counters/a", "since filesystem creation: 5\n");
  root.Write("fs/bcachefs/u1/dev-0/nbuckets", "10\n");
  std::unique_ptr<Collector> c = MakeCollector("bcachefs");
  auto buckets = [](const Families& fams, const char* uuid, const char* dev) {
    return FindValue(fams, "node_bcachefs_device_buckets",
                     {{"uuid", uuid}, {"device", dev}});
  };
  Families fams = c->Collect(root.Paths());
  EXPECT_EQ(FindValue(fams, "node_bcachefs_a_total", {{"uuid", "u1"}}), 5);
  EXPECT_EQ(buckets(fams, "u1", "0"), 10);
  EXPECT_FALSE(buckets(fams, "u1", "1"));
  root.Write("fs/bcachefs/u1/counters/b", "since filesystem creation: 6\n");
  root.Write("fs/bcachefs/u1/dev-1/nbuckets", "11\n");
  root.Write("fs/bcachefs/u2/dev-0/nbuckets", "12\n");
  fams = c->Collect(root.Paths());
  EXPECT_EQ(FindValue(fams, "node_bcachefs_b_total", {{"uuid", "u1"}}), 6);
  EXPECT_EQ(buckets(fams, "u1", "1"), 11);
  EXPECT_EQ(buckets(fams, "u2", "0"), 12);
  std::filesystem::rename(root.Sys("fs/bcachefs/u1/dev-0"),
                          root.Sys("fs/bcachefs/u1/dev-2"));
  std::filesystem::remove(root.Sys("fs/bcachefs/u1/counters/a"));
  fams = c->Collect(root.Paths());
  EXPECT_FALSE(buckets(fams, "u1", "0"));
  EXPECT_EQ(buckets(fams, "u1", "2"), 10);
  EXPECT_EQ(FindFamily(fams, "node_bcachefs_a_total"), nullptr);
  EXPECT_EQ(FindValue(fams, "node_bcachefs_b_total", {{"uuid", "u1"}}), 6);
  std::filesystem::remove_all(root.Sys("fs/bcachefs/u1"));
  fams = c->Collect(root.Paths());
  EXPECT_FALSE(FindValue(fams, "node_bcachefs_info", {{"uuid", "u1"}}));
  EXPECT_EQ(buckets(fams, "u2", "0"), 12);
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
