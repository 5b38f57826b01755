// The nfsd collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>

#include <string>

#include "parse/nfs_rpc.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(NfsdCollectorTest, ReadsFixture) {
  Families f = RunCollector("nfsd");
  EXPECT_EQ(FindValue(f, "node_nfsd_reply_cache_hits_total"), 3);
  EXPECT_EQ(FindValue(f, "node_nfsd_reply_cache_misses_total"), 6);
  EXPECT_EQ(FindValue(f, "node_nfsd_reply_cache_nocache_total"), 18622);
  EXPECT_EQ(FindValue(f, "node_nfsd_file_handles_stale_total"), 7);
  EXPECT_EQ(FindValue(f, "node_nfsd_disk_bytes_read_total"), 157286400);
  EXPECT_EQ(FindValue(f, "node_nfsd_disk_bytes_written_total"), 72864);
  EXPECT_EQ(FindValue(f, "node_nfsd_server_threads"), 8);
  EXPECT_EQ(FindValue(f, "node_nfsd_read_ahead_cache_size_blocks"), 32);
  EXPECT_EQ(FindValue(f, "node_nfsd_read_ahead_cache_not_found_total"), 5);
  EXPECT_EQ(FindValue(f, "node_nfsd_packets_total", {{"proto", "tcp"}}), 18623);
  EXPECT_EQ(FindValue(f, "node_nfsd_connections_total"), 14);
  EXPECT_EQ(FindValue(f, "node_nfsd_rpc_errors_total", {{"error", "cInt"}}), 2);
  EXPECT_EQ(FindValue(f, "node_nfsd_server_rpcs_total"), 18628);
  EXPECT_EQ(FindValue(f, "node_nfsd_requests_total",
                      {{"proto", "4"}, {"method", "PutFH"}}),
            9609);
  // Null and the unused v4 operations are not exported.
  EXPECT_EQ(FindValue(f, "node_nfsd_requests_total",
                      {{"proto", "3"}, {"method", "Null"}}),
            std::nullopt);
  EXPECT_EQ(Family(f, "node_nfsd_requests_total").metric.size(),
            17u + 21u + 33u);
}

TEST(NfsdCollectorTest, AbsentFileIsNoMetrics) {
  EXPECT_TRUE(RunCollector("nfsd", {}, FixturePaths("/nonexistent")).empty());
}

// One instance keeps its file's path for the procfs it was made for, and
// follows another.
TEST(NfsdCollectorTest, SteadyRunsAndOtherRoots) {
  ExpectSteadyRunsAlike("nfsd");
  ExpectSteadyRunsAlike("nfsd", Opt(kNodeExporterCompatKey, "1.9"));
  std::unique_ptr<Collector> c = MakeCollector("nfsd");
  EXPECT_EQ(FindValue(c->Collect(FixturePaths()), "node_nfsd_server_threads"),
            8);
  EXPECT_TRUE(c->Collect(FixturePaths("/nonexistent")).empty());
  EXPECT_EQ(FindValue(c->Collect(FixturePaths()), "node_nfsd_server_threads"),
            8);
}

}  // namespace
}  // namespace host_exporter::testing
