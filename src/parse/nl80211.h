// Parsers for the nl80211 (generic netlink) replies the wifi collector uses,
// with the semantics of the Go package node_exporter 1.5 uses
// (mdlayher/wifi). They take the payload of one netlink message (the
// genlmsghdr and its attributes); the socket I/O is in the collector.
#ifndef HOST_EXPORTER_PARSE_NL80211_H_
#define HOST_EXPORTER_PARSE_NL80211_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parse/netlink.h"  // the generic netlink requests and replies
#include "parse/parse_util.h"

namespace host_exporter::parse {

/// A wireless interface (NL80211_CMD_NEW_INTERFACE).
struct WifiInterface {
  int64_t index = 0;          ///< ifindex; 0 for devices without a netdev
  std::string name;           ///< "" for devices without a netdev
  std::string mac;            ///< raw hardware address bytes
  int64_t phy = 0;            ///< wiphy index
  int64_t device = 0;         ///< wdev id
  uint32_t type = 0;          ///< enum nl80211_iftype
  int64_t frequency_mhz = 0;  ///< current channel, 0 if unknown
};

/// The BSS an interface is authenticated or associated with.
struct WifiBss {
  std::string bssid;  ///< raw address bytes
  std::string ssid;   ///< from the SSID information element
  int64_t frequency_mhz = 0;
  uint32_t status = 0;  ///< enum nl80211_bss_status
};

/// One station (peer) of an interface.
struct WifiStation {
  std::string mac;  ///< raw address bytes
  double connected_seconds = 0;
  double inactive_seconds = 0;
  uint64_t received_bytes = 0, transmitted_bytes = 0;
  uint64_t received_packets = 0, transmitted_packets = 0;
  double receive_bitrate = 0, transmit_bitrate = 0;  ///< bits per second
  int signal_dbm = 0;
  uint64_t transmit_retries = 0, transmit_failed = 0, beacon_loss = 0;
};

/// Parses one NL80211_CMD_GET_INTERFACE reply.
Result<WifiInterface> ParseNl80211Interface(std::string_view payload);

/// Parses one NL80211_CMD_GET_SCAN reply: the BSS, if the reply has one with
/// a status (the one in use), else nullopt.
Result<std::optional<WifiBss>> ParseNl80211Bss(std::string_view payload);

/// Parses one NL80211_CMD_GET_STATION reply; nullopt if it has no
/// NL80211_ATTR_STA_INFO. 64-bit byte counters win over 32-bit ones and
/// 32-bit bitrates over 16-bit ones.
Result<std::optional<WifiStation>> ParseNl80211Station(
    std::string_view payload);

/// A hardware address as Go prints it: "aa:bb:cc:dd:ee:ff", "" if empty.
std::string FormatHardwareAddr(std::string_view bytes);

/// An SSID as text: valid UTF-8 is kept, each invalid byte becomes U+FFFD.
std::string DecodeSsid(std::string_view bytes);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_NL80211_H_
