// The nfs collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>

#include <string>

#include "parse/nfs_rpc.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(NfsCollectorTest, ReadsFixture) {
  Families f = RunCollector("nfs");
  EXPECT_EQ(FindValue(f, "node_nfs_packets_total", {{"protocol", "udp"}}), 11);
  EXPECT_EQ(FindValue(f, "node_nfs_packets_total", {{"protocol", "tcp"}}),
            70303);
  EXPECT_EQ(FindValue(f, "node_nfs_connections_total"), 37);
  EXPECT_EQ(FindValue(f, "node_nfs_rpcs_total"), 4329785);
  EXPECT_EQ(FindValue(f, "node_nfs_rpc_retransmissions_total"), 17);
  EXPECT_EQ(FindValue(f, "node_nfs_rpc_authentication_refreshes_total"),
            4338291);
  EXPECT_EQ(FindValue(f, "node_nfs_requests_total",
                      {{"proto", "3"}, {"method", "GetAttr"}}),
            4084749);
  EXPECT_EQ(FindValue(f, "node_nfs_requests_total",
                      {{"proto", "4"}, {"method", "Getattr"}}),
            17245);
  EXPECT_EQ(FindValue(f, "node_nfs_requests_total",
                      {{"proto", "2"}, {"method", "Null"}}),
            2);
  ASSERT_NE(FindFamily(f, "node_nfs_requests_total"), nullptr);
  EXPECT_EQ(Family(f, "node_nfs_requests_total").metric.size(),
            18u + 22u + 59u);
}

TEST(NfsCollectorTest, AbsentFileIsNoMetrics) {
  EXPECT_TRUE(RunCollector("nfs", {}, FixturePaths("/nonexistent")).empty());
}

}  // namespace
}  // namespace host_exporter::testing
