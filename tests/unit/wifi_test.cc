// The wifi collector on node_exporter's fixtures (--collector.wifi.fixtures)
// and the live host.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

// node_exporter's fixture format: Go's encoding/json of mdlayher/wifi
// structs (keys match case-insensitively, []byte is base64, durations ns).
void WriteFixtures(const testing::TempRoot& d) {
  d.Write("interfaces.json",
          R"([{"Index": 3, "Name": "wlan0", "Type": 2, "Frequency": 5180},
              {"name": "wlan1", "type": 3, "frequency": 2437},
              {"name": "mon0", "type": 6},
              {"type": 10}])");
  d.Write("wlan0/bss.json",
          R"({"SSID": "Home", "BSSID": "ZGVmZ2hp", "Status": 1})");
  d.Write("wlan0/stationinfo.json",
          R"([{"HardwareAddr": "ZGVmZ2hp", "Connected": 4321000000000,
               "Inactive": 120000000, "ReceivedBytes": 987654321,
               "TransmittedBytes": 123456789, "ReceiveBitrate": 866700000,
               "TransmitBitrate": 780000000, "Signal": -61,
               "TransmitRetries": 71, "TransmitFailed": 3, "BeaconLoss": 4}])");
  d.Write("wlan1/stationinfo.json",
          R"([{"hardwareaddr": "qrvM3e7/", "connected": 1500000000},
              {"hardwareaddr": "AQIDBAUG", "signal": -30}])");
  d.Write("mon0/bss.json", R"({"ssid": "mesh", "status": 2})");
}

TEST(WifiCollectorTest, EveryFamilyFromFixtures) {
  testing::TempRoot d;
  WriteFixtures(d);
  CollectorOptions o;
  o.Set("collector.wifi.fixtures", {d.dir()});
  Families fams = RunCollector("wifi", o);
  EXPECT_EQ(fams.size(), 12u);
  EXPECT_EQ(FindValue(fams, "node_wifi_interface_frequency_hertz",
                      {{"device", "wlan0"}}),
            5.18e9);
  EXPECT_EQ(FindValue(fams, "node_wifi_interface_frequency_hertz",
                      {{"device", "mon0"}}),
            0);
  // The nameless P2P device is skipped.
  EXPECT_EQ(Family(fams, "node_wifi_interface_frequency_hertz").metric.size(),
            3u);
  EXPECT_EQ(FindValue(fams, "node_wifi_station_info",
                      {{"device", "wlan0"},
                       {"bssid", "64:65:66:67:68:69"},
                       {"ssid", "Home"},
                       {"mode", "client"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_wifi_station_info",
                      {{"device", "mon0"},
                       {"bssid", ""},
                       {"ssid", "mesh"},
                       {"mode", "ad-hoc"}}),
            1);
  const Labels sta = {{"device", "wlan0"},
                      {"mac_address", "64:65:66:67:68:69"}};
  EXPECT_EQ(FindValue(fams, "node_wifi_station_connected_seconds_total", sta),
            4321);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_wifi_station_inactive_seconds", sta),
                   0.12);
  EXPECT_EQ(FindValue(fams, "node_wifi_station_receive_bits_per_second", sta),
            866700000);
  EXPECT_EQ(FindValue(fams, "node_wifi_station_transmit_bits_per_second", sta),
            780000000);
  EXPECT_EQ(FindValue(fams, "node_wifi_station_receive_bytes_total", sta),
            987654321);
  EXPECT_EQ(FindValue(fams, "node_wifi_station_transmit_bytes_total", sta),
            123456789);
  EXPECT_EQ(FindValue(fams, "node_wifi_station_signal_dbm", sta), -61);
  EXPECT_EQ(FindValue(fams, "node_wifi_station_transmit_retries_total", sta),
            71);
  EXPECT_EQ(FindValue(fams, "node_wifi_station_transmit_failed_total", sta), 3);
  EXPECT_EQ(FindValue(fams, "node_wifi_station_beacon_loss_total", sta), 4);
  EXPECT_DOUBLE_EQ(
      *FindValue(fams, "node_wifi_station_connected_seconds_total",
                 {{"device", "wlan1"}, {"mac_address", "aa:bb:cc:dd:ee:ff"}}),
      1.5);
  EXPECT_EQ(
      FindValue(fams, "node_wifi_station_signal_dbm",
                {{"device", "wlan1"}, {"mac_address", "01:02:03:04:05:06"}}),
      -30);
  EXPECT_EQ(Family(fams, "node_wifi_station_beacon_loss_total").type,
            prometheus::MetricType::Counter);
}

TEST(WifiCollectorTest, BrokenFixturesAreErrorsNamingTheFile) {
  testing::TempRoot d;
  CollectorOptions o;
  o.Set("collector.wifi.fixtures", {d.dir()});
  try {
    RunCollector("wifi", o);
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              "failed to retrieve wifi interfaces: " + d.dir() +
                  "/interfaces.json: No such file or directory");
  }
  d.Write("interfaces.json", R"([{"name": "wlan0", "frequency": 2.5}])");
  EXPECT_THROW(RunCollector("wifi", o), CollectError);
  d.Write("interfaces.json", R"([{"name": "wlan0"}])");
  d.Write("wlan0/stationinfo.json", R"([{"hardwareaddr": "not base64!"}])");
  EXPECT_THROW(RunCollector("wifi", o), CollectError);
  d.Write("wlan0/stationinfo.json", "[");
  EXPECT_THROW(RunCollector("wifi", o), CollectError);
}

TEST(WifiCollectorTest, LiveHostWithoutNl80211HasNoSeries) {
  // Without wireless hardware (no /sys/class/ieee80211 entry: cfg80211 not
  // loaded, or no phy) nl80211 has nothing to report: no series and no
  // error.
  std::error_code ec;
  std::filesystem::directory_iterator phys("/sys/class/ieee80211", ec);
  if (!ec && phys != std::filesystem::directory_iterator()) {
    GTEST_SKIP() << "this host has wireless hardware";
  }
  Families fams;
  EXPECT_NO_THROW(fams = RunCollector("wifi"));
  EXPECT_TRUE(fams.empty()) << fams.size() << " families, the first "
                            << (fams.empty() ? "" : fams[0].name);
  for (const auto& f : fams) EXPECT_EQ(f.name.rfind("node_wifi_", 0), 0u);
}

}  // namespace
}  // namespace host_exporter::testing
