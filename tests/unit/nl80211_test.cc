// nl80211 reply parsing on hand-built messages, and the wifi collector on
// node_exporter-style JSON fixtures.
#include "parse/nl80211.h"

#include <gtest/gtest.h>
#include <linux/genetlink.h>
#include <linux/nl80211.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using namespace parse;  // NOLINT: the parsers under test

template <typename T>
std::string Le(T v) {
  std::string s(sizeof v, '\0');
  std::memcpy(s.data(), &v, sizeof v);
  return s;
}

// One attribute: header, value, padding to 4 bytes.
std::string Attr(uint16_t type, const std::string& value) {
  std::string out = Le<uint16_t>(static_cast<uint16_t>(4 + value.size())) +
                    Le<uint16_t>(type) + value;
  out.append((4 - value.size() % 4) % 4, '\0');
  return out;
}

// A generic netlink payload: genlmsghdr and attributes.
std::string Genl(uint8_t cmd, const std::string& attrs) {
  return std::string{static_cast<char>(cmd), 1, 0, 0} + attrs;
}

const std::string kMac("\x02\x11\x22\x33\x44\x55", 6);

TEST(Nl80211ParseTest, RequestPayloadIsPadded) {
  const std::string p = GenlRequestPayload(
      CTRL_CMD_GETFAMILY, 1,
      {{CTRL_ATTR_FAMILY_NAME, std::string("nl80211\0", 8)}});
  EXPECT_EQ(p, Genl(CTRL_CMD_GETFAMILY,
                    Attr(CTRL_ATTR_FAMILY_NAME, std::string("nl80211\0", 8))));
  EXPECT_EQ(p.size(), 4u + 12u);
  EXPECT_EQ(GenlRequestPayload(5, 1, {{3, "abcde"}}).size(), 4u + 12u);
}

TEST(Nl80211ParseTest, Family) {
  auto r = ParseGenlFamily(
      Genl(CTRL_CMD_NEWFAMILY, Attr(CTRL_ATTR_FAMILY_NAME, "nl80211") +
                                   Attr(CTRL_ATTR_FAMILY_ID, Le<uint16_t>(33)) +
                                   Attr(CTRL_ATTR_VERSION, Le<uint32_t>(1))));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.id, 33);
  EXPECT_EQ(r.value.version, 1u);
  EXPECT_EQ(ParseGenlFamily(Genl(CTRL_CMD_NEWFAMILY, "")).error,
            "no family id");
  EXPECT_EQ(ParseGenlFamily("ab").error, "short generic netlink header");
  EXPECT_EQ(ParseGenlFamily(Genl(1, Attr(CTRL_ATTR_FAMILY_ID, Le<uint32_t>(1))))
                .error,
            "attribute 1: expected 2 bytes, got 4");
}

TEST(Nl80211ParseTest, Interface) {
  auto r = ParseNl80211Interface(
      Genl(NL80211_CMD_NEW_INTERFACE,
           Attr(NL80211_ATTR_IFINDEX, Le<uint32_t>(3)) +
               Attr(NL80211_ATTR_IFNAME, std::string("wlan0\0", 6)) +
               Attr(NL80211_ATTR_WIPHY, Le<uint32_t>(1)) +
               Attr(NL80211_ATTR_IFTYPE, Le<uint32_t>(NL80211_IFTYPE_STATION)) +
               Attr(NL80211_ATTR_WDEV, Le<uint64_t>(0x100000001)) +
               Attr(NL80211_ATTR_MAC, kMac) +
               Attr(NL80211_ATTR_WIPHY_FREQ, Le<uint32_t>(5180)) +
               Attr(NL80211_ATTR_4ADDR, std::string(1, '\0'))));  // ignored
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.index, 3);
  EXPECT_EQ(r.value.name, "wlan0");
  EXPECT_EQ(r.value.phy, 1);
  EXPECT_EQ(r.value.type, static_cast<uint32_t>(NL80211_IFTYPE_STATION));
  EXPECT_EQ(r.value.device, 0x100000001);
  EXPECT_EQ(FormatHardwareAddr(r.value.mac), "02:11:22:33:44:55");
  EXPECT_EQ(r.value.frequency_mhz, 5180);
}

TEST(Nl80211ParseTest, InterfaceErrors) {
  EXPECT_EQ(ParseNl80211Interface(
                Genl(5, Attr(NL80211_ATTR_IFINDEX, Le<uint16_t>(3))))
                .error,
            "attribute 3: expected 4 bytes, got 2");
  // An attribute claiming more bytes than remain (truncated message).
  std::string truncated = Genl(5, Attr(NL80211_ATTR_IFINDEX, Le<uint32_t>(3)));
  truncated.resize(truncated.size() - 2);
  EXPECT_FALSE(ParseNl80211Interface(truncated).ok());
  // Nothing but the header: an interface with no attributes.
  auto empty = ParseNl80211Interface(Genl(5, ""));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty.value.name, "");
}

std::string Ies(const std::string& ssid) {
  return std::string{0, static_cast<char>(ssid.size())} + ssid +
         std::string{1, 2, '\x82', '\x84'};  // supported rates
}

TEST(Nl80211ParseTest, BssInUse) {
  const std::string scanned =
      Attr(NL80211_ATTR_BSS,
           Attr(NL80211_BSS_BSSID, std::string(6, '\x01')) +
               Attr(NL80211_BSS_INFORMATION_ELEMENTS, Ies("other")));
  const std::string associated =
      Attr(NL80211_ATTR_BSS,
           Attr(NL80211_BSS_BSSID, kMac) +
               Attr(NL80211_BSS_FREQUENCY, Le<uint32_t>(2412)) +
               Attr(NL80211_BSS_BEACON_INTERVAL, Le<uint16_t>(100)) +
               Attr(NL80211_BSS_INFORMATION_ELEMENTS, Ies("Caf\xC3\xA9\xFF")) +
               Attr(NL80211_BSS_STATUS,
                    Le<uint32_t>(NL80211_BSS_STATUS_ASSOCIATED)));
  auto none = ParseNl80211Bss(
      Genl(NL80211_CMD_NEW_SCAN_RESULTS,
           Attr(NL80211_ATTR_IFINDEX, Le<uint32_t>(3)) + scanned));
  ASSERT_TRUE(none.ok()) << none.error;
  EXPECT_FALSE(none.value.has_value());
  auto r = ParseNl80211Bss(Genl(NL80211_CMD_NEW_SCAN_RESULTS, associated));
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_TRUE(r.value.has_value());
  EXPECT_EQ(FormatHardwareAddr(r.value->bssid), "02:11:22:33:44:55");
  EXPECT_EQ(r.value->ssid, "Caf\xC3\xA9\xEF\xBF\xBD");  // bad byte -> U+FFFD
  EXPECT_EQ(r.value->frequency_mhz, 2412);
  EXPECT_EQ(r.value->status,
            static_cast<uint32_t>(NL80211_BSS_STATUS_ASSOCIATED));
}

TEST(Nl80211ParseTest, BssWithBrokenInformationElements) {
  auto r = ParseNl80211Bss(
      Genl(NL80211_CMD_NEW_SCAN_RESULTS,
           Attr(NL80211_ATTR_BSS, Attr(NL80211_BSS_STATUS, Le<uint32_t>(0)) +
                                      Attr(NL80211_BSS_INFORMATION_ELEMENTS,
                                           std::string{0, 9, 'a'}))));
  EXPECT_EQ(r.error, "invalid information element");
}

std::string Rate(uint16_t type, const std::string& value) {
  return Attr(type, value);
}

TEST(Nl80211ParseTest, Station) {
  const std::string info =
      Attr(NL80211_STA_INFO_INACTIVE_TIME, Le<uint32_t>(400)) +
      Attr(NL80211_STA_INFO_RX_BYTES, Le<uint32_t>(7)) +  // 64-bit wins
      Attr(NL80211_STA_INFO_RX_BYTES64, Le<uint64_t>(5000000000)) +
      Attr(NL80211_STA_INFO_TX_BYTES, Le<uint32_t>(2400)) +  // no 64-bit
      Attr(NL80211_STA_INFO_SIGNAL, std::string(1, static_cast<char>(-52))) +
      Attr(NL80211_STA_INFO_RX_PACKETS, Le<uint32_t>(12)) +
      Attr(NL80211_STA_INFO_TX_PACKETS, Le<uint32_t>(24)) +
      Attr(NL80211_STA_INFO_TX_RETRIES, Le<uint32_t>(10)) +
      Attr(NL80211_STA_INFO_TX_FAILED, Le<uint32_t>(2)) +
      Attr(NL80211_STA_INFO_BEACON_LOSS, Le<uint32_t>(1)) +
      Attr(NL80211_STA_INFO_CONNECTED_TIME, Le<uint32_t>(30)) +
      Attr(NL80211_STA_INFO_RX_BITRATE,
           Rate(NL80211_RATE_INFO_BITRATE, Le<uint16_t>(1280))) +
      Attr(NL80211_STA_INFO_TX_BITRATE,
           Rate(NL80211_RATE_INFO_BITRATE32, Le<uint32_t>(8667)) +
               Rate(NL80211_RATE_INFO_BITRATE, Le<uint16_t>(1)));
  auto r = ParseNl80211Station(Genl(
      NL80211_CMD_NEW_STATION, Attr(NL80211_ATTR_IFINDEX, Le<uint32_t>(3)) +
                                   Attr(NL80211_ATTR_MAC, kMac) +
                                   Attr(NL80211_ATTR_STA_INFO, info)));
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_TRUE(r.value.has_value());
  const WifiStation& s = *r.value;
  EXPECT_EQ(FormatHardwareAddr(s.mac), "02:11:22:33:44:55");
  EXPECT_DOUBLE_EQ(s.inactive_seconds, 0.4);
  EXPECT_EQ(s.connected_seconds, 30);
  EXPECT_EQ(s.received_bytes, 5000000000u);
  EXPECT_EQ(s.transmitted_bytes, 2400u);
  EXPECT_EQ(s.signal_dbm, -52);
  EXPECT_EQ(s.received_packets, 12u);
  EXPECT_EQ(s.transmitted_packets, 24u);
  EXPECT_EQ(s.transmit_retries, 10u);
  EXPECT_EQ(s.transmit_failed, 2u);
  EXPECT_EQ(s.beacon_loss, 1u);
  EXPECT_EQ(s.receive_bitrate, 128000000);
  EXPECT_EQ(s.transmit_bitrate, 866700000);
}

TEST(Nl80211ParseTest, StationWithoutInfoAndBrokenStations) {
  auto none = ParseNl80211Station(
      Genl(NL80211_CMD_NEW_STATION, Attr(NL80211_ATTR_MAC, kMac)));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none.value.has_value());
  EXPECT_EQ(ParseNl80211Station(Genl(NL80211_CMD_NEW_STATION,
                                     Attr(NL80211_ATTR_STA_INFO,
                                          Attr(NL80211_STA_INFO_SIGNAL, ""))))
                .error,
            "attribute 7: expected 1 byte, got 0");
  EXPECT_EQ(ParseNl80211Station(
                Genl(NL80211_CMD_NEW_STATION,
                     Attr(NL80211_ATTR_STA_INFO,
                          Attr(NL80211_STA_INFO_RX_BYTES64, Le<uint32_t>(1)))))
                .error,
            "attribute 23: expected 8 bytes, got 4");
}

TEST(Nl80211ParseTest, AddressesAndSsids) {
  EXPECT_EQ(FormatHardwareAddr(""), "");
  EXPECT_EQ(FormatHardwareAddr(std::string("\xAB\x00", 2)), "ab:00");
  EXPECT_EQ(DecodeSsid("plain"), "plain");
  EXPECT_EQ(DecodeSsid("\xF0\x9F\x93\xB6 wifi"), "\xF0\x9F\x93\xB6 wifi");
  EXPECT_EQ(DecodeSsid("\xE0\x80\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(DecodeSsid(std::string("a\0b", 3)), std::string("a\0b", 3));
}

}  // namespace

}  // namespace host_exporter
