#include "parse/nl80211.h"

#include <linux/nl80211.h>

#include <cstring>

#include "parse/netlink.h"

namespace host_exporter::parse {
namespace {

constexpr uint8_t kIeSsid = 0;  // information element: SSID

// A NUL-terminated string attribute.
std::string NlCString(std::string_view v) {
  const size_t nul = v.find('\0');
  return std::string(nul == std::string_view::npos ? v : v.substr(0, nul));
}

// The bitrate of a nested NL80211_RATE_INFO_* set, in bits per second.
bool ParseRate(std::string_view data, double* out, std::string* error) {
  auto attrs = ParseNetlinkAttributes(data);
  if (!attrs.ok()) {
    *error = attrs.error;
    return false;
  }
  uint64_t rate = 0;
  for (const NetlinkAttribute& a : attrs.value) {
    if (a.type == NL80211_RATE_INFO_BITRATE32) {
      uint32_t v;
      if (!ReadAttribute(a, &v, error)) return false;
      rate = v;
    }
    if (rate == 0 && a.type == NL80211_RATE_INFO_BITRATE) {
      uint16_t v;
      if (!ReadAttribute(a, &v, error)) return false;
      rate = v;
    }
  }
  *out = static_cast<double>(rate) * 100 * 1000;  // unit is 100 kbit/s
  return true;
}

// Splits 802.11 information elements (id, length, data).
bool SsidFromIes(std::string_view ies, std::string* ssid, std::string* error) {
  size_t i = 0;
  while (i < ies.size()) {
    if (ies.size() - i < 2) {
      *error = "invalid information element";
      return false;
    }
    const uint8_t id = static_cast<uint8_t>(ies[i]);
    const size_t len = static_cast<uint8_t>(ies[i + 1]);
    i += 2;
    if (ies.size() - i < len) {
      *error = "invalid information element";
      return false;
    }
    if (id == kIeSsid) *ssid = DecodeSsid(ies.substr(i, len));
    i += len;
  }
  return true;
}

}  // namespace

Result<WifiInterface> ParseNl80211Interface(std::string_view payload) {
  auto attrs = GenlAttributes(payload);
  if (!attrs.ok()) return Result<WifiInterface>::Fail(attrs.error);
  Result<WifiInterface> r;
  WifiInterface& ifi = r.value;
  for (const NetlinkAttribute& a : attrs.value) {
    uint32_t u32 = 0;
    uint64_t u64 = 0;
    switch (a.type) {
      case NL80211_ATTR_IFINDEX:
        if (!ReadAttribute(a, &u32, &r.error)) return r;
        ifi.index = u32;
        break;
      case NL80211_ATTR_IFNAME:
        ifi.name = NlCString(a.value);
        break;
      case NL80211_ATTR_MAC:
        ifi.mac = std::string(a.value);
        break;
      case NL80211_ATTR_WIPHY:
        if (!ReadAttribute(a, &u32, &r.error)) return r;
        ifi.phy = u32;
        break;
      case NL80211_ATTR_IFTYPE:
        if (!ReadAttribute(a, &ifi.type, &r.error)) return r;
        break;
      case NL80211_ATTR_WDEV:
        if (!ReadAttribute(a, &u64, &r.error)) return r;
        ifi.device = static_cast<int64_t>(u64);
        break;
      case NL80211_ATTR_WIPHY_FREQ:
        if (!ReadAttribute(a, &u32, &r.error)) return r;
        ifi.frequency_mhz = u32;
        break;
      default:
        break;
    }
  }
  return r;
}

Result<std::optional<WifiBss>> ParseNl80211Bss(std::string_view payload) {
  using R = Result<std::optional<WifiBss>>;
  auto attrs = GenlAttributes(payload);
  if (!attrs.ok()) return R::Fail(attrs.error);
  for (const NetlinkAttribute& a : attrs.value) {
    if (a.type != NL80211_ATTR_BSS) continue;
    auto nested = ParseNetlinkAttributes(a.value);
    if (!nested.ok()) return R::Fail(nested.error);
    bool has_status = false;
    for (const NetlinkAttribute& n : nested.value) {
      has_status = has_status || n.type == NL80211_BSS_STATUS;
    }
    if (!has_status) continue;  // a BSS that was only scanned
    WifiBss bss;
    std::string error;
    for (const NetlinkAttribute& n : nested.value) {
      uint32_t u32 = 0;
      switch (n.type) {
        case NL80211_BSS_BSSID:
          bss.bssid = std::string(n.value);
          break;
        case NL80211_BSS_FREQUENCY:
          if (!ReadAttribute(n, &u32, &error)) return R::Fail(error);
          bss.frequency_mhz = u32;
          break;
        case NL80211_BSS_STATUS:
          if (!ReadAttribute(n, &bss.status, &error)) return R::Fail(error);
          break;
        case NL80211_BSS_INFORMATION_ELEMENTS:
          if (!SsidFromIes(n.value, &bss.ssid, &error)) return R::Fail(error);
          break;
        default:
          break;
      }
    }
    R r;
    r.value = std::move(bss);
    return r;
  }
  return R{};
}

Result<std::optional<WifiStation>> ParseNl80211Station(
    std::string_view payload) {
  using R = Result<std::optional<WifiStation>>;
  auto attrs = GenlAttributes(payload);
  if (!attrs.ok()) return R::Fail(attrs.error);
  WifiStation sta;
  std::string error;
  for (const NetlinkAttribute& a : attrs.value) {
    if (a.type == NL80211_ATTR_MAC) {
      sta.mac = std::string(a.value);
      continue;
    }
    if (a.type != NL80211_ATTR_STA_INFO) continue;
    auto info = ParseNetlinkAttributes(a.value);
    if (!info.ok()) return R::Fail(info.error);
    for (const NetlinkAttribute& n : info.value) {
      uint32_t u32 = 0;
      uint64_t u64 = 0;
      switch (n.type) {
        case NL80211_STA_INFO_CONNECTED_TIME:  // seconds
          if (!ReadAttribute(n, &u32, &error)) return R::Fail(error);
          sta.connected_seconds = u32;
          break;
        case NL80211_STA_INFO_INACTIVE_TIME:  // milliseconds
          if (!ReadAttribute(n, &u32, &error)) return R::Fail(error);
          sta.inactive_seconds = u32 / 1000.0;
          break;
        case NL80211_STA_INFO_RX_BYTES64:
          if (!ReadAttribute(n, &u64, &error)) return R::Fail(error);
          sta.received_bytes = u64;
          break;
        case NL80211_STA_INFO_TX_BYTES64:
          if (!ReadAttribute(n, &u64, &error)) return R::Fail(error);
          sta.transmitted_bytes = u64;
          break;
        case NL80211_STA_INFO_SIGNAL:  // s8 dBm
          if (n.value.empty()) {
            return R::Fail(AttributeError(n.type, "expected 1 byte, got 0"));
          }
          sta.signal_dbm = static_cast<int8_t>(n.value[0]);
          break;
        case NL80211_STA_INFO_RX_PACKETS:
          if (!ReadAttribute(n, &u32, &error)) return R::Fail(error);
          sta.received_packets = u32;
          break;
        case NL80211_STA_INFO_TX_PACKETS:
          if (!ReadAttribute(n, &u32, &error)) return R::Fail(error);
          sta.transmitted_packets = u32;
          break;
        case NL80211_STA_INFO_TX_RETRIES:
          if (!ReadAttribute(n, &u32, &error)) return R::Fail(error);
          sta.transmit_retries = u32;
          break;
        case NL80211_STA_INFO_TX_FAILED:
          if (!ReadAttribute(n, &u32, &error)) return R::Fail(error);
          sta.transmit_failed = u32;
          break;
        case NL80211_STA_INFO_BEACON_LOSS:
          if (!ReadAttribute(n, &u32, &error)) return R::Fail(error);
          sta.beacon_loss = u32;
          break;
        case NL80211_STA_INFO_RX_BITRATE:
          if (!ParseRate(n.value, &sta.receive_bitrate, &error)) {
            return R::Fail(error);
          }
          break;
        case NL80211_STA_INFO_TX_BITRATE:
          if (!ParseRate(n.value, &sta.transmit_bitrate, &error)) {
            return R::Fail(error);
          }
          break;
        default:
          break;
      }
      // 32-bit byte counters only count while no 64-bit one was seen.
      if (sta.received_bytes == 0 && n.type == NL80211_STA_INFO_RX_BYTES) {
        if (!ReadAttribute(n, &u32, &error)) return R::Fail(error);
        sta.received_bytes = u32;
      }
      if (sta.transmitted_bytes == 0 && n.type == NL80211_STA_INFO_TX_BYTES) {
        if (!ReadAttribute(n, &u32, &error)) return R::Fail(error);
        sta.transmitted_bytes = u32;
      }
    }
    R r;
    r.value = std::move(sta);
    return r;
  }
  return R{};
}

std::string FormatHardwareAddr(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out.push_back(':');
    const uint8_t b = static_cast<uint8_t>(bytes[i]);
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::string DecodeSsid(std::string_view bytes) {
  std::string out;
  size_t i = 0;
  auto cont = [&](size_t k) {
    return k < bytes.size() && (static_cast<uint8_t>(bytes[k]) & 0xC0) == 0x80;
  };
  while (i < bytes.size()) {
    const uint8_t b = static_cast<uint8_t>(bytes[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if (b < 0x80) {
      len = 1;
      cp = b;
    } else if (b >= 0xC2 && b <= 0xDF && cont(i + 1)) {
      len = 2;
      cp = ((b & 0x1Fu) << 6) | (bytes[i + 1] & 0x3F);
    } else if (b >= 0xE0 && b <= 0xEF && cont(i + 1) && cont(i + 2)) {
      len = 3;
      cp = ((b & 0x0Fu) << 12) | ((bytes[i + 1] & 0x3Fu) << 6) |
           (bytes[i + 2] & 0x3F);
      if (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000)) len = 0;
    } else if (b >= 0xF0 && b <= 0xF4 && cont(i + 1) && cont(i + 2) &&
               cont(i + 3)) {
      len = 4;
      cp = ((b & 0x07u) << 18) | ((bytes[i + 1] & 0x3Fu) << 12) |
           ((bytes[i + 2] & 0x3Fu) << 6) | (bytes[i + 3] & 0x3F);
      if (cp < 0x10000 || cp > 0x10FFFF) len = 0;
    }
    if (len == 0) {
      out.append("\xEF\xBF\xBD");  // U+FFFD for one invalid byte
      ++i;
    } else {
      out.append(bytes.substr(i, len));
      i += len;
    }
  }
  return out;
}

}  // namespace host_exporter::parse
