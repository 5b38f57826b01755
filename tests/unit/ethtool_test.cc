// ethtool: metric naming, the GSTRINGS decoder, and the collector on a fake
// SIOCETHTOOL source over a temporary sysfs.
#include "parse/ethtool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <set>

#include "collectors/ethtool.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::EthtoolMetricName;
using parse::ParseEthtoolStrings;
using parse::SanitizeEthtoolStatName;

TEST(EthtoolNameTest, SanitizeCollapsesRunsWithTheirUnderscores) {
  EXPECT_EQ(SanitizeEthtoolStatName("rx_bytes"), "rx_bytes");
  EXPECT_EQ(SanitizeEthtoolStatName("port.rx-dropped"), "port_rx_dropped");
  EXPECT_EQ(SanitizeEthtoolStatName("a__-b"), "a_b");
  EXPECT_EQ(SanitizeEthtoolStatName("a-__b"), "a_b");
  EXPECT_EQ(SanitizeEthtoolStatName("a-_-b"), "a__b");
  EXPECT_EQ(SanitizeEthtoolStatName("duplicate metric"), "duplicate_metric");
  EXPECT_EQ(SanitizeEthtoolStatName("caf\xC3\xA9 x"), "caf_x");
  EXPECT_EQ(SanitizeEthtoolStatName("-x-"), "_x_");
}

TEST(EthtoolNameTest, MetricNamesMatchNodeExporter) {
  EXPECT_EQ(EthtoolMetricName("rx_queue_0_packets"),
            "node_ethtool_received_queue_0_packets");
  EXPECT_EQ(EthtoolMetricName("tx-bytes"), "node_ethtool_transmitted_bytes");
  EXPECT_EQ(EthtoolMetricName("RX Errors"), "node_ethtool_received_errors");
  EXPECT_EQ(EthtoolMetricName("__port.rx_dropped"),
            "node_ethtool_port_received_dropped");
  EXPECT_EQ(EthtoolMetricName("rx_rx"), "node_ethtool_received_rx");
  EXPECT_EQ(EthtoolMetricName("tx"), "node_ethtool_transmitted");
  EXPECT_EQ(EthtoolMetricName("xdp_tx"), "node_ethtool_xdp_transmitted");
  EXPECT_EQ(EthtoolMetricName("rx_xdp_tx"),
            "node_ethtool_received_xdp_transmitted");
  EXPECT_EQ(EthtoolMetricName("rxtx"), "node_ethtool_rxtx");
  EXPECT_EQ(EthtoolMetricName("rx0_kicks"), "node_ethtool_rx0_kicks");
  EXPECT_EQ(EthtoolMetricName("tx_rx_tx"),
            "node_ethtool_transmitted_received_transmitted");
  EXPECT_EQ(EthtoolMetricName("___"), "node_ethtool");
}

std::string Slot(const std::string& name) {
  std::string s = name.substr(0, 32);
  s.resize(32, '\0');
  return s;
}

TEST(EthtoolStringsTest, SplitsFixedWidthNames) {
  const std::string full(32, 'x');  // no NUL at all
  auto r = ParseEthtoolStrings(Slot("rx_bytes") + Slot("") + full, 3);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value, (std::vector<std::string>{"rx_bytes", "", full}));
  std::string with_garbage = Slot("tx");
  with_garbage[10] = 'Z';  // bytes after the first NUL are ignored
  EXPECT_EQ(ParseEthtoolStrings(with_garbage, 1).value[0], "tx");
}

TEST(EthtoolStringsTest, RejectsShortBuffersAcceptsEmpty) {
  EXPECT_EQ(ParseEthtoolStrings(Slot("a") + "short", 2).error,
            "expected 2 names of 32 bytes, got 37 bytes");
  EXPECT_TRUE(ParseEthtoolStrings("", 0).value.empty());
  // Extra trailing bytes are ignored.
  EXPECT_EQ(ParseEthtoolStrings(Slot("a") + Slot("b"), 1).value.size(), 1u);
}

// A fake network card driver.
class FakeEthtool : public EthtoolSource {
 public:
  std::map<std::string, EthtoolLinkInfo> links;
  std::map<std::string, EthtoolDriverInfo> drivers;
  std::map<std::string, std::map<std::string, uint64_t>> stats;
  std::set<std::string>* queried;

  explicit FakeEthtool(std::set<std::string>* q) : queried(q) {}

  int LinkInfo(const std::string& d, EthtoolLinkInfo* out) override {
    queried->insert(d);
    auto it = links.find(d);
    if (it == links.end()) return EOPNOTSUPP;
    *out = it->second;
    return 0;
  }
  int DriverInfo(const std::string& d, EthtoolDriverInfo* out) override {
    auto it = drivers.find(d);
    if (it == drivers.end()) return ENODEV;
    *out = it->second;
    return 0;
  }
  int Stats(const std::string& d,
            std::map<std::string, uint64_t>* out) override {
    auto it = stats.find(d);
    if (it == stats.end()) return EOPNOTSUPP;
    *out = it->second;
    return 0;
  }
};

class TempSysfs {
 public:
  TempSysfs() {
    namespace fs = std::filesystem;
    fs::create_directories(dir() + "/sys/class/net/eth0");
    fs::create_directories(dir() + "/sys/class/net/lo");
    fs::create_directories(dir() + "/sys/devices/virtual/net/eth1");
    fs::create_directory_symlink("../../devices/virtual/net/eth1",
                                 dir() + "/sys/class/net/eth1");
    std::ofstream(dir() + "/sys/class/net/bonding_masters") << "\n";
  }
  const std::string& dir() const { return root_.dir(); }

 private:
  testing::TempRoot root_;
};

}  // namespace

namespace testing {
namespace {

constexpr uint32_t Bit(int b) { return uint32_t{1} << b; }

std::unique_ptr<EthtoolSource> MakeCard(std::set<std::string>* queried) {
  auto f = std::make_unique<FakeEthtool>(queried);
  // 10/100/1000baseT full duplex, autoneg, twisted pair, pause.
  f->links["eth0"] = {Bit(1) | Bit(3) | Bit(5) | Bit(6) | Bit(7) | Bit(13),
                      Bit(5) | Bit(6) | Bit(14), 1};
  f->drivers["eth0"] = {"e1000e", "3.2.6-k", "0.13-4", "0000:00:19.0", ""};
  f->drivers["eth1"] = {"veth", "1.0", "", "", ""};
  f->stats["eth0"] = {{"rx_bytes", 1000},        {"tx_packets", 20},
                      {"rx_queue_0_packets", 5}, {"duplicate metric", 1},
                      {"duplicate_metric", 2},   {"port.tx-errors", 3}};
  return f;
}

Families RunEthtool(const TempSysfs& sys, std::set<std::string>* queried,
                    const CollectorOptions& overrides = {}) {
  CollectorOptions opts = DefaultOptions(*FindCollector("ethtool"));
  for (const auto& [k, v] : overrides.values()) opts.Set(k, v);
  auto c = NewEthtoolCollector(opts, [queried] { return MakeCard(queried); });
  return c->Collect(FixturePaths(sys.dir()));
}

TEST(EthtoolCollectorTest, LinkDriverAndStatistics) {
  TempSysfs sys;
  std::set<std::string> queried;
  Families fams = RunEthtool(sys, &queried);
  EXPECT_EQ(queried, (std::set<std::string>{"eth0", "eth1", "lo"}));

  const Labels eth0 = {{"device", "eth0"}};
  EXPECT_EQ(
      FindValue(
          fams, "node_network_supported_speed_bytes",
          {{"device", "eth0"}, {"duplex", "full"}, {"mode", "1000baseT"}}),
      125000000);
  EXPECT_EQ(
      FindValue(fams, "node_network_supported_speed_bytes",
                {{"device", "eth0"}, {"duplex", "full"}, {"mode", "10baseT"}}),
      1250000);
  EXPECT_EQ(Family(fams, "node_network_supported_speed_bytes").metric.size(),
            3u);
  EXPECT_EQ(
      FindValue(
          fams, "node_network_advertised_speed_bytes",
          {{"device", "eth0"}, {"duplex", "full"}, {"mode", "1000baseT"}}),
      125000000);
  EXPECT_EQ(FindValue(fams, "node_network_supported_port_info",
                      {{"device", "eth0"}, {"type", "TP"}}),
            1);
  EXPECT_EQ(Family(fams, "node_network_supported_port_info").metric.size(), 1u);
  EXPECT_EQ(FindValue(fams, "node_network_autonegotiate_supported", eth0), 1);
  EXPECT_EQ(FindValue(fams, "node_network_pause_supported", eth0), 1);
  EXPECT_EQ(FindValue(fams, "node_network_asymmetricpause_supported", eth0), 0);
  EXPECT_EQ(FindValue(fams, "node_network_autonegotiate_advertised", eth0), 1);
  EXPECT_EQ(FindValue(fams, "node_network_pause_advertised", eth0), 0);
  EXPECT_EQ(FindValue(fams, "node_network_asymmetricpause_advertised", eth0),
            1);
  EXPECT_EQ(FindValue(fams, "node_network_autonegotiate", eth0), 1);
  EXPECT_EQ(Family(fams, "node_network_pause_advertised").help,
            "If this port device offers pause capability");

  EXPECT_EQ(FindValue(fams, "node_ethtool_info",
                      {{"bus_info", "0000:00:19.0"},
                       {"device", "eth0"},
                       {"driver", "e1000e"},
                       {"expansion_rom_version", ""},
                       {"firmware_version", "0.13-4"},
                       {"version", "3.2.6-k"}}),
            1);
  EXPECT_EQ(Family(fams, "node_ethtool_info").metric.size(), 2u);

  // Known statistics keep node_exporter's fixed names and help texts.
  const auto* rx = FindFamily(fams, "node_ethtool_received_bytes_total");
  ASSERT_NE(rx, nullptr);
  EXPECT_EQ(rx->type, prometheus::MetricType::Untyped);
  EXPECT_EQ(rx->help, "Network interface bytes received");
  EXPECT_EQ(FindValue(fams, "node_ethtool_received_bytes_total", eth0), 1000);
  EXPECT_EQ(FindValue(fams, "node_ethtool_transmitted_packets_total", eth0),
            20);
  EXPECT_EQ(FindValue(fams, "node_ethtool_received_queue_0_packets", eth0), 5);
  EXPECT_EQ(Family(fams, "node_ethtool_received_queue_0_packets").help,
            "Network interface rx_queue_0_packets");
  EXPECT_EQ(FindValue(fams, "node_ethtool_port_transmitted_errors", eth0), 3);
  // Two statistics that sanitize to one name are both dropped.
  EXPECT_EQ(FindFamily(fams, "node_ethtool_duplicate_metric"), nullptr);
}

TEST(EthtoolCollectorTest, DeviceAndMetricFilters) {
  TempSysfs sys;
  std::set<std::string> queried;
  CollectorOptions o;
  o.Set("collector.ethtool.device-exclude", {"^eth"});
  RunEthtool(sys, &queried, o);
  EXPECT_EQ(queried, (std::set<std::string>{"lo"}));

  queried.clear();
  CollectorOptions inc;
  inc.Set("collector.ethtool.device-include", {"th0"});  // unanchored
  inc.Set("collector.ethtool.metrics-include", {"^rx"});
  Families fams = RunEthtool(sys, &queried, inc);
  EXPECT_EQ(queried, (std::set<std::string>{"eth0"}));
  EXPECT_NE(FindFamily(fams, "node_ethtool_received_bytes_total"), nullptr);
  EXPECT_NE(FindFamily(fams, "node_ethtool_received_queue_0_packets"), nullptr);
  EXPECT_EQ(FindFamily(fams, "node_ethtool_transmitted_packets_total"),
            nullptr);
  EXPECT_EQ(FindFamily(fams, "node_ethtool_port_transmitted_errors"), nullptr);
}

TEST(EthtoolCollectorTest, NoNetClassMeansNoDataEmptyMeansError) {
  std::set<std::string> queried;
  auto c = NewEthtoolCollector(DefaultOptions(*FindCollector("ethtool")),
                               [&queried] { return MakeCard(&queried); });
  EXPECT_TRUE(c->Collect(FixturePaths("/nonexistent")).empty());

  TempRoot tmp;
  const std::string dir = tmp.dir();
  std::filesystem::create_directories(dir + "/sys/class/net");
  try {
    c->Collect(FixturePaths(dir));
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()), "no network devices found");
  }
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(queried.empty());
}

TEST(EthtoolCollectorTest, BadRegexIsRejectedAtCreation) {
  CollectorOptions o = DefaultOptions(*FindCollector("ethtool"));
  o.Set("collector.ethtool.metrics-include", {"(rx"});
  EXPECT_THROW(FindCollector("ethtool")->create(o), std::invalid_argument);
}

TEST(EthtoolCollectorTest, RealIoctlOnLoopback) {
  // The loopback device exists everywhere; it answers ETHTOOL_GDRVINFO on
  // some kernels and EOPNOTSUPP on others -- either way no exception.
  auto source = NewIoctlEthtoolSource();
  EthtoolDriverInfo drv;
  const int err = source->DriverInfo("lo", &drv);
  EXPECT_TRUE(err == 0 || err == EOPNOTSUPP) << err;
  EXPECT_NE(source->DriverInfo("no-such-device0", &drv), 0);
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
