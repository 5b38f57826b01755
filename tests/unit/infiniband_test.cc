// InfiniBand port files (parse/infiniband.h) and the infiniband collector.
#include "parse/infiniband.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

TEST(InfinibandParseTest, State) {
  auto r = parse::ParseIbState("4: ACTIVE\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.id, 4u);
  EXPECT_EQ(r.value.name, "ACTIVE");
  EXPECT_EQ(parse::ParseIbState("5:LinkUp").value.name, "LinkUp");
  EXPECT_EQ(parse::ParseIbState("4:ACTIVE:x\n").error,
            "line 1: expected '<id>: <name>', got '4:ACTIVE:x'");
  EXPECT_EQ(parse::ParseIbState("x: y\n").error,
            "line 1: state id is not an unsigned integer: 'x'");
  EXPECT_FALSE(parse::ParseIbState("4294967296: BIG").ok());
  EXPECT_FALSE(parse::ParseIbState("").ok());
}

TEST(InfinibandParseTest, Rate) {
  EXPECT_EQ(parse::ParseIbRate("100 Gb/sec (4X EDR)\n").value, 12500000000u);
  EXPECT_EQ(parse::ParseIbRate("2.5 Gb/sec (1X SDR)\n").value, 312500000u);
  // Read as a float32, as node_exporter does.
  EXPECT_EQ(parse::ParseIbRate("0.3 Gb/sec").value, 37500001u);
  EXPECT_EQ(parse::ParseIbRate("fast\n").error,
            "line 1: expected '<number> <unit>', got 'fast'");
  EXPECT_EQ(parse::ParseIbRate("x Gb/sec").error,
            "line 1: rate is not a number: 'x'");
  EXPECT_FALSE(parse::ParseIbRate("1e39 Gb/sec").ok());  // beyond float32
}

using testing::Family;
using testing::FindFamily;
using testing::FindValue;
using testing::RunCollector;

TEST(InfinibandCollectorTest, ReadsFixture) {
  Families fams = RunCollector("infiniband");
  const Labels p1 = {{"device", "mlx4_0"}, {"port", "1"}};
  const Labels p2 = {{"device", "mlx4_0"}, {"port", "2"}};
  EXPECT_EQ(FindValue(fams, "node_infiniband_info",
                      {{"device", "mlx4_0"},
                       {"board_id", "SM_1141000001000"},
                       {"firmware_version", "2.31.5050"},
                       {"hca_type", "MT4099"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_infiniband_state_id", p1), 4);
  EXPECT_EQ(FindValue(fams, "node_infiniband_physical_state_id", p2), 3);
  EXPECT_EQ(FindValue(fams, "node_infiniband_rate_bytes_per_second", p1), 5e9);
  // Data counters count 4-byte words.
  EXPECT_EQ(
      FindValue(fams, "node_infiniband_port_data_received_bytes_total", p1),
      4631917.0 * 4);
  EXPECT_EQ(
      FindValue(fams, "node_infiniband_legacy_data_received_bytes_total", p1),
      4012);
  EXPECT_EQ(FindValue(fams, "node_infiniband_vl15_dropped_total", p2), 34);
  // "N/A (no PMA)" is skipped; port 2 has no counters_ext.
  EXPECT_EQ(FindValue(fams, "node_infiniband_port_transmit_wait_total", p1),
            3599);
  EXPECT_FALSE(FindValue(fams, "node_infiniband_port_transmit_wait_total", p2));
  EXPECT_FALSE(
      FindValue(fams, "node_infiniband_legacy_packets_received_total", p2));
  EXPECT_EQ(Family(fams, "node_infiniband_symbol_error_total").type,
            prometheus::MetricType::Counter);
  EXPECT_EQ(fams.size(), 34u);
}

TEST(InfinibandCollectorTest, NoInfinibandNoFamilies) {
  EXPECT_TRUE(
      RunCollector("infiniband", {}, testing::FixturePaths("/nonexistent"))
          .empty());
}

// A device's ports and counter files are kept while its stamps hold: a
// steady run gives what the first gave, values are read again, and a port
// or a counter file added, or a required file removed, is seen at the next
// run.
TEST(InfinibandCollectorTest, KeptDevicesFollowTheTree) {
  testing::ExpectSteadyRunsAlike("infiniband");

  testing::SysfsRoot root;
  const std::string dev = "class/infiniband/mlx5_0/";
  root.Write(dev + "board_id", "B\n");
  root.Write(dev + "fw_ver", "1.2\n");
  root.Write(dev + "hca_type", "MT4115\n");
  auto port = [&](const std::string& n) {
    root.Write(dev + "ports/" + n + "/state", "4: ACTIVE\n");
    root.Write(dev + "ports/" + n + "/phys_state", "5: LinkUp\n");
    root.Write(dev + "ports/" + n + "/rate", "100 Gb/sec (4X EDR)\n");
    root.Write(dev + "ports/" + n + "/counters/symbol_error", "1\n");
  };
  port("1");
  std::unique_ptr<Collector> c = testing::MakeCollector("infiniband", {});
  auto errors = [](const Families& fams, const char* p) {
    return FindValue(fams, "node_infiniband_symbol_error_total",
                     {{"device", "mlx5_0"}, {"port", p}});
  };
  Families fams = c->Collect(root.Paths());
  EXPECT_EQ(errors(fams, "1"), 1);
  root.Write(dev + "ports/1/counters/symbol_error", "2\n");
  root.Write(dev + "ports/1/counters/link_downed", "3\n");
  port("2");
  fams = c->Collect(root.Paths());
  EXPECT_EQ(errors(fams, "1"), 2);
  EXPECT_EQ(errors(fams, "2"), 1);
  EXPECT_EQ(FindValue(fams, "node_infiniband_link_downed_total",
                      {{"device", "mlx5_0"}, {"port", "1"}}),
            3);
  std::filesystem::remove(root.Sys(dev + "ports/2/rate"));
  EXPECT_TRUE(c->Collect(root.Paths()).empty());  // no data, as there
}

}  // namespace
}  // namespace host_exporter
