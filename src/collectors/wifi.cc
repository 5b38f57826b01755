// wifi: node_wifi_* -- wireless interfaces, the BSS each is associated with
// and its stations, from nl80211 over a raw generic netlink socket (no extra
// library), with node_exporter 1.5's names, labels and semantics
// (mdlayher/wifi). A kernel without nl80211 (cfg80211 not loaded, as in most
// servers and containers) or a denied socket gives no series and no error.
//
// --collector.wifi.fixtures=DIR reads node_exporter's JSON test fixtures
// instead (DIR/interfaces.json, DIR/<iface>/bss.json,
// DIR/<iface>/stationinfo.json, in the Go structs' JSON encoding), so the
// collector can be tested and compared without wireless hardware.
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/nl80211.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "collectors/go_json.h"
#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/netlink.h"
#include "parse/nl80211.h"

namespace host_exporter::collectors::wifi {
namespace {

constexpr char kFixturesFlag[] = "collector.wifi.fixtures";

using parse::WifiBss;
using parse::WifiInterface;
using parse::WifiStation;

// Where the collector's data comes from: nl80211 or JSON fixtures. The
// optional answers are empty when the information does not exist for the
// interface (node_exporter: os.ErrNotExist, logged at debug level); other
// failures throw.
class WifiStater {
 public:
  virtual ~WifiStater() = default;
  virtual std::vector<WifiInterface> Interfaces() = 0;
  virtual std::optional<WifiBss> Bss(const WifiInterface& ifi) = 0;
  virtual std::optional<std::vector<WifiStation>> Stations(
      const WifiInterface& ifi) = 0;
};

// ---------------------------------------------------------------- netlink

std::string U32(uint32_t v) {
  return std::string(reinterpret_cast<char*>(&v), 4);
}

class NetlinkWifi : public WifiStater {
 public:
  // The nl80211 client, or nullptr when nl80211 is absent or not permitted.
  static std::unique_ptr<NetlinkWifi> Open() {
    int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
    if (fd < 0) {
      const int err = errno;
      if (err == EPERM || err == EACCES || err == EAFNOSUPPORT ||
          err == EPROTONOSUPPORT) {
        return nullptr;
      }
      throw CollectError(std::string("failed to access wifi data: ") +
                         std::strerror(err));
    }
    struct timeval tv = {5, 0};  // never hang a collection on the kernel
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    auto client = std::unique_ptr<NetlinkWifi>(new NetlinkWifi(fd));
    std::vector<std::string> replies;
    const int err = client->Transact(
        GENL_ID_CTRL, NLM_F_REQUEST,
        parse::GenlRequestPayload(
            CTRL_CMD_GETFAMILY, 1,
            {{CTRL_ATTR_FAMILY_NAME, std::string("nl80211\0", 8)}}),
        false, &replies);
    if (err == ENOENT || err == EPERM || err == EACCES) return nullptr;
    if (err != 0 || replies.empty()) {
      throw CollectError(std::string("failed to access wifi data: resolving "
                                     "generic netlink family nl80211: ") +
                         std::strerror(err != 0 ? err : EBADMSG));
    }
    auto family = parse::ParseGenlFamily(replies[0]);
    if (!family.ok()) {
      throw CollectError("failed to access wifi data: nlctrl reply: " +
                         family.error);
    }
    client->family_ = family.value.id;
    client->version_ = static_cast<uint8_t>(family.value.version);
    return client;
  }

  ~NetlinkWifi() override { ::close(fd_); }

  std::vector<WifiInterface> Interfaces() override {
    std::vector<std::string> replies;
    if (int err = Dump(NL80211_CMD_GET_INTERFACE, {}, &replies)) {
      throw CollectError(std::string("failed to retrieve wifi interfaces: ") +
                         std::strerror(err));
    }
    std::vector<WifiInterface> out;
    for (const std::string& r : replies) {
      auto ifi = parse::ParseNl80211Interface(r);
      if (!ifi.ok()) {
        throw CollectError("failed to retrieve wifi interfaces: " + ifi.error);
      }
      out.push_back(std::move(ifi.value));
    }
    return out;
  }

  std::optional<WifiBss> Bss(const WifiInterface& ifi) override {
    std::vector<std::string> replies;
    const int err = Dump(NL80211_CMD_GET_SCAN, IdAttrs(ifi), &replies);
    if (err == ENOENT) return std::nullopt;
    if (err != 0) {
      throw CollectError("failed to retrieve BSS for device " + ifi.name +
                         ": " + std::strerror(err));
    }
    for (const std::string& r : replies) {
      auto bss = parse::ParseNl80211Bss(r);
      if (!bss.ok()) {
        throw CollectError("failed to retrieve BSS for device " + ifi.name +
                           ": " + bss.error);
      }
      if (bss.value) return bss.value;
    }
    return std::nullopt;
  }

  std::optional<std::vector<WifiStation>> Stations(
      const WifiInterface& ifi) override {
    std::vector<std::string> replies;
    const int err = Dump(NL80211_CMD_GET_STATION, IdAttrs(ifi), &replies);
    if (err == ENOENT) return std::nullopt;
    if (err != 0) {
      throw CollectError("failed to retrieve station info for device \"" +
                         ifi.name + "\": " + std::strerror(err));
    }
    if (replies.empty()) return std::nullopt;
    std::vector<WifiStation> out;
    for (const std::string& r : replies) {
      auto sta = parse::ParseNl80211Station(r);
      if (!sta.ok()) {
        throw CollectError("failed to retrieve station info for device \"" +
                           ifi.name + "\": " + sta.error);
      }
      if (!sta.value) return std::nullopt;  // mdlayher/wifi: ErrNotExist
      out.push_back(std::move(*sta.value));
    }
    return out;
  }

 private:
  explicit NetlinkWifi(int fd) : fd_(fd) {}

  // The interface's identity, as mdlayher/wifi sends it.
  static std::vector<std::pair<uint16_t, std::string>> IdAttrs(
      const WifiInterface& ifi) {
    std::vector<std::pair<uint16_t, std::string>> attrs = {
        {NL80211_ATTR_IFINDEX, U32(static_cast<uint32_t>(ifi.index))}};
    if (!ifi.mac.empty()) attrs.emplace_back(NL80211_ATTR_MAC, ifi.mac);
    return attrs;
  }

  int Dump(uint8_t cmd,
           const std::vector<std::pair<uint16_t, std::string>>& attrs,
           std::vector<std::string>* replies) {
    return Transact(family_, NLM_F_REQUEST | NLM_F_DUMP,
                    parse::GenlRequestPayload(cmd, version_, attrs), true,
                    replies);
  }

  // Sends one request and collects the payloads of its replies (all parts of
  // a dump). Returns 0 or an errno value (the kernel's or the socket's).
  int Transact(uint16_t type, uint16_t flags, const std::string& payload,
               bool dump, std::vector<std::string>* replies) {
    const uint32_t seq = ++seq_;
    const std::string req = parse::NetlinkRequest(type, flags, seq, payload);
    struct sockaddr_nl kernel;
    std::memset(&kernel, 0, sizeof kernel);
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd_, req.data(), req.size(), 0,
                 reinterpret_cast<struct sockaddr*>(&kernel),
                 sizeof kernel) < 0) {
      return errno;
    }
    std::vector<char> buf(1 << 16);
    while (true) {
      // Peek at the size first so that no datagram is ever truncated.
      ssize_t n = ::recv(fd_, buf.data(), buf.size(), MSG_PEEK | MSG_TRUNC);
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno;
      }
      if (static_cast<size_t>(n) > buf.size())
        buf.resize(static_cast<size_t>(n));
      n = ::recv(fd_, buf.data(), buf.size(), 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno;
      }
      auto msgs = parse::ParseNetlinkMessages(
          std::string_view(buf.data(), static_cast<size_t>(n)));
      if (!msgs.ok()) return EBADMSG;
      for (parse::NetlinkMessage& m : msgs.value) {
        if (m.seq != seq) continue;  // a stale answer
        if (m.type == parse::kNlmsgError) {
          const int code = parse::NetlinkErrorCode(m.payload);
          if (code < 0) return EBADMSG;
          if (code > 0) return code;
          if (!dump) return 0;
          continue;
        }
        if (m.type == parse::kNlmsgDone) {
          if (m.payload.size() >= 4) {
            const int32_t v = parse::ReadHostOrder<int32_t>(m.payload, 0);
            if (v < 0) return -v;
          }
          return 0;
        }
        replies->push_back(std::move(m.payload));
        if (!dump) return 0;
      }
    }
  }

  int fd_;
  uint16_t family_ = 0;
  uint8_t version_ = 0;
  uint32_t seq_ = 0;
};

// ---------------------------------------------------------------- fixtures

using gojson::Array;
using gojson::Int;
using gojson::Parse;
using gojson::Str;

// node_exporter's mock: Go's encoding/json of the mdlayher/wifi structs.
class FixtureWifi : public WifiStater {
 public:
  explicit FixtureWifi(std::string dir) : dir_(std::move(dir)) {}

  std::vector<WifiInterface> Interfaces() override {
    const std::string path = dir_ + "/interfaces.json";
    auto text = ReadFileIfExists(path);
    if (!text) {
      throw CollectError("failed to retrieve wifi interfaces: " + path +
                         ": No such file or directory");
    }
    std::vector<WifiInterface> out;
    for (const auto& j : Array(Parse(*text, path), path)) {
      WifiInterface ifi;
      ifi.index = Int(j, "Index", path);
      ifi.name = Str(j, "Name", path);
      ifi.mac = Bytes(j, "HardwareAddr", path);
      ifi.phy = Int(j, "PHY", path);
      ifi.device = Int(j, "Device", path);
      ifi.type = static_cast<uint32_t>(Int(j, "Type", path));
      ifi.frequency_mhz = Int(j, "Frequency", path);
      out.push_back(std::move(ifi));
    }
    return out;
  }

  std::optional<WifiBss> Bss(const WifiInterface& ifi) override {
    const std::string path = dir_ + "/" + ifi.name + "/bss.json";
    auto text = ReadFileIfExists(path);
    if (!text) return std::nullopt;
    const nlohmann::json j = Parse(*text, path);
    WifiBss bss;
    bss.ssid = Str(j, "SSID", path);
    bss.bssid = Bytes(j, "BSSID", path);
    bss.frequency_mhz = Int(j, "Frequency", path);
    bss.status = static_cast<uint32_t>(Int(j, "Status", path));
    return bss;
  }

  std::optional<std::vector<WifiStation>> Stations(
      const WifiInterface& ifi) override {
    const std::string path = dir_ + "/" + ifi.name + "/stationinfo.json";
    auto text = ReadFileIfExists(path);
    if (!text) return std::nullopt;
    std::vector<WifiStation> out;
    for (const auto& j : Array(Parse(*text, path), path)) {
      WifiStation s;
      s.mac = Bytes(j, "HardwareAddr", path);
      s.connected_seconds =
          static_cast<double>(Int(j, "Connected", path)) / 1e9;
      s.inactive_seconds = static_cast<double>(Int(j, "Inactive", path)) / 1e9;
      s.received_bytes = static_cast<uint64_t>(Int(j, "ReceivedBytes", path));
      s.transmitted_bytes =
          static_cast<uint64_t>(Int(j, "TransmittedBytes", path));
      s.received_packets =
          static_cast<uint64_t>(Int(j, "ReceivedPackets", path));
      s.transmitted_packets =
          static_cast<uint64_t>(Int(j, "TransmittedPackets", path));
      s.receive_bitrate = static_cast<double>(Int(j, "ReceiveBitrate", path));
      s.transmit_bitrate = static_cast<double>(Int(j, "TransmitBitrate", path));
      s.signal_dbm = static_cast<int>(Int(j, "Signal", path));
      s.transmit_retries =
          static_cast<uint64_t>(Int(j, "TransmitRetries", path));
      s.transmit_failed = static_cast<uint64_t>(Int(j, "TransmitFailed", path));
      s.beacon_loss = static_cast<uint64_t>(Int(j, "BeaconLoss", path));
      out.push_back(std::move(s));
    }
    return out;
  }

 private:
  // A []byte field: standard base64 with padding.
  static std::string Bytes(const nlohmann::json& obj, const std::string& name,
                           const std::string& path) {
    const std::string b64 = Str(obj, name, path);
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    size_t pad = 0;
    for (char c : b64) {
      int v;
      if (c >= 'A' && c <= 'Z') {
        v = c - 'A';
      } else if (c >= 'a' && c <= 'z') {
        v = c - 'a' + 26;
      } else if (c >= '0' && c <= '9') {
        v = c - '0' + 52;
      } else if (c == '+') {
        v = 62;
      } else if (c == '/') {
        v = 63;
      } else if (c == '=') {
        ++pad;
        continue;
      } else {
        throw CollectError(path + ": field " + name + " is not base64");
      }
      if (pad > 0)
        throw CollectError(path + ": field " + name + " is not base64");
      acc = (acc << 6) | static_cast<uint32_t>(v);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.push_back(static_cast<char>((acc >> bits) & 0xFF));
      }
    }
    if ((b64.size() % 4) != 0 || pad > 2) {
      throw CollectError(path + ": field " + name + " is not base64");
    }
    return out;
  }

  std::string dir_;
};

// ---------------------------------------------------------------- collector

const char* BssStatusMode(uint32_t status) {
  switch (status) {
    case NL80211_BSS_STATUS_AUTHENTICATED:
    case NL80211_BSS_STATUS_ASSOCIATED:
      return "client";
    case NL80211_BSS_STATUS_IBSS_JOINED:
      return "ad-hoc";
    default:
      return "unknown";
  }
}

// A station's families.
constexpr FieldFamily<WifiStation> kStationFamilies[] = {
    {"node_wifi_station_connected_seconds_total",
     "The total number of seconds a station has been connected to an access "
     "point.",
     kCounter, FieldOf<&WifiStation::connected_seconds>},
    {"node_wifi_station_inactive_seconds",
     "The number of seconds since any wireless activity has occurred on a "
     "station.",
     kGauge, FieldOf<&WifiStation::inactive_seconds>},
    {"node_wifi_station_receive_bits_per_second",
     "The current WiFi receive bitrate of a station, in bits per second.",
     kGauge, FieldOf<&WifiStation::receive_bitrate>},
    {"node_wifi_station_transmit_bits_per_second",
     "The current WiFi transmit bitrate of a station, in bits per second.",
     kGauge, FieldOf<&WifiStation::transmit_bitrate>},
    {"node_wifi_station_receive_bytes_total",
     "The total number of bytes received by a WiFi station.", kCounter,
     FieldOf<&WifiStation::received_bytes>},
    {"node_wifi_station_transmit_bytes_total",
     "The total number of bytes transmitted by a WiFi station.", kCounter,
     FieldOf<&WifiStation::transmitted_bytes>},
    {"node_wifi_station_signal_dbm",
     "The current WiFi signal strength, in decibel-milliwatts (dBm).", kGauge,
     FieldOf<&WifiStation::signal_dbm>},
    {"node_wifi_station_transmit_retries_total",
     "The total number of times a station has had to retry while sending a "
     "packet.",
     kCounter, FieldOf<&WifiStation::transmit_retries>},
    {"node_wifi_station_transmit_failed_total",
     "The total number of times a station has failed to send a packet.",
     kCounter, FieldOf<&WifiStation::transmit_failed>},
    {"node_wifi_station_beacon_loss_total",
     "The total number of times a station has detected a beacon loss.",
     kCounter, FieldOf<&WifiStation::beacon_loss>},
};

class WifiCollector : public Collector {
 public:
  explicit WifiCollector(std::string fixtures)
      : fixtures_(std::move(fixtures)) {}

  Families Collect(const HostPaths&) override {
    FamilySet out;
    std::unique_ptr<WifiStater> stat;
    if (fixtures_.empty()) {
      stat = NetlinkWifi::Open();
      if (!stat) return {};  // no nl80211 here: no data
    } else {
      stat = std::make_unique<FixtureWifi>(fixtures_);
    }

    auto& freq =
        out.Gauge("node_wifi_interface_frequency_hertz",
                  "The current frequency a WiFi interface is operating at, "
                  "in hertz.");
    auto& info =
        out.Gauge("node_wifi_station_info",
                  "Labeled WiFi interface station information as provided "
                  "by the operating system.");
    for (const WifiInterface& ifi : stat->Interfaces()) {
      if (ifi.name.empty()) continue;  // P2P devices etc. have no netdev
      freq.Add({{"device", ifi.name}},
               static_cast<double>(ifi.frequency_mhz) * 1000 * 1000);
      if (auto bss = stat->Bss(ifi)) {
        info.Add({{"device", ifi.name},
                  {"bssid", parse::FormatHardwareAddr(bss->bssid)},
                  {"ssid", bss->ssid},
                  {"mode", BssStatusMode(bss->status)}},
                 1);
      }
      auto stations = stat->Stations(ifi);
      if (!stations) continue;
      for (const WifiStation& s : *stations) {
        const Labels l = {{"device", ifi.name},
                          {"mac_address", parse::FormatHardwareAddr(s.mac)}};
        AddFields(&out, kStationFamilies, s, l);
      }
    }
    return out.Take();
  }

 private:
  std::string fixtures_;
};

}  // namespace

CollectorSpec Spec() {
  return {
      "wifi",
      false,
      "Exposes WiFi device and station statistics (nl80211 over generic "
      "netlink; no series where the kernel has no nl80211).",
      {{kFixturesFlag, "", "test fixtures to use for wifi collector metrics"}},
      [](const CollectorOptions& o) -> std::unique_ptr<Collector> {
        return std::make_unique<WifiCollector>(o.Get(kFixturesFlag));
      }};
}

}  // namespace host_exporter::collectors::wifi
