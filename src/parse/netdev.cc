#include "parse/netdev.h"

namespace host_exporter::parse {

namespace {

// ParseU64 of a counter: a run of at most 19 digits, which cannot overflow,
// summed here; a longer one by ParseU64 (std::from_chars).
std::optional<uint64_t> ParseCounter(std::string_view s) {
  if (s.empty() || s.size() > 19) return ParseU64(s);
  uint64_t v = 0;
  for (const char c : s) {
    if (!IsDigit(c)) return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

}  // namespace

std::string ParseNetDevInto(std::string_view text,
                            std::vector<NetDevLine>* out) {
  out->clear();
  // The lines as SplitLines gives them, without a vector of them.
  size_t pos = 0;
  auto next_line = [&](std::string_view* line) {
    if (pos >= text.size()) return false;
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    *line = text.substr(pos, end - pos);
    pos = end + 1;
    return true;
  };
  std::string_view line;
  if (text.empty()) return "";
  // "Inter-|   Receive ...|  Transmit" and " face |bytes ...|bytes ...".
  for (size_t i = 0; i < 2; ++i) {
    if (!next_line(&line)) return LineError(i, "missing header line");
    if (line.find('|') == std::string_view::npos) {
      return LineError(i, "not a /proc/net/dev header line");
    }
  }
  for (size_t i = 2; next_line(&line); ++i) {
    if (Trim(line).empty()) continue;
    const size_t colon = line.rfind(':');
    if (colon == std::string_view::npos) {
      return LineError(i, "missing ':' after the interface name");
    }
    const std::string_view name = Trim(line.substr(0, colon));
    if (name.empty()) return LineError(i, "empty interface name");
    NetDevLine& dev = out->emplace_back();
    dev.name.assign(name);
    // The fields (SplitFields'), counted to the end: too few is the error
    // named before a field that does not parse.
    const std::string_view rest = line.substr(colon + 1);
    size_t fields = 0;
    size_t bad = kNetDevFieldCount;  // the first field that does not parse
    std::string_view bad_field;
    for (size_t j = 0; j < rest.size();) {
      if (rest[j] == ' ' || rest[j] == '\t') {
        ++j;
        continue;
      }
      const size_t start = j;
      while (j < rest.size() && rest[j] != ' ' && rest[j] != '\t') ++j;
      const std::string_view field = rest.substr(start, j - start);
      if (fields < kNetDevFieldCount) {
        if (auto v = ParseCounter(field)) {
          dev.values[fields] = *v;
        } else if (bad == kNetDevFieldCount) {
          bad = fields;
          bad_field = field;
        }
      }
      ++fields;
    }
    if (fields < kNetDevFieldCount) {
      return LineError(i, "expected " + std::to_string(kNetDevFieldCount) +
                              " counters after '" + dev.name + ":', got " +
                              std::to_string(fields));
    }
    if (bad < kNetDevFieldCount) {
      return LineError(i, "counter " + std::to_string(bad + 1) + " of '" +
                              dev.name +
                              "' is not an unsigned 64-bit integer: '" +
                              std::string(bad_field) + "'");
    }
  }
  return "";
}

Result<std::vector<NetDevLine>> ParseNetDev(std::string_view text) {
  Result<std::vector<NetDevLine>> r;
  r.error = ParseNetDevInto(text, &r.value);
  if (!r.ok()) r.value.clear();
  return r;
}

Result<uint64_t> ParseSysfsCounter(std::string_view text) {
  // One line, as SplitLines counts them: a newline only at the end.
  if (text.empty()) return Result<uint64_t>::Fail("empty file");
  const size_t newline = text.find('\n');
  if (newline != std::string_view::npos && newline + 1 < text.size()) {
    return Result<uint64_t>::Fail(LineError(1, "expected a single line"));
  }
  const std::string_view value = Trim(text.substr(0, newline));
  auto v = ParseU64(value);
  if (!v) {
    return Result<uint64_t>::Fail(LineError(
        0, "not an unsigned 64-bit integer: '" + std::string(value) + "'"));
  }
  Result<uint64_t> r;
  r.value = *v;
  return r;
}

namespace {

// "192.0.2.1".
std::string FormatIPv4(const uint8_t* b) {
  std::string out;
  for (int i = 0; i < 4; ++i) {
    if (i > 0) out.push_back('.');
    out += std::to_string(b[i]);
  }
  return out;
}

// RFC 5952 text, as Go's netip.Addr.String: lowercase hex without leading
// zeros, the first longest run of two or more zero groups as "::".
std::string FormatIPv6(const std::array<uint8_t, 16>& b) {
  uint16_t g[8];
  for (int i = 0; i < 8; ++i) {
    g[i] = static_cast<uint16_t>(b[2 * i] << 8 | b[2 * i + 1]);
  }
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    if (g[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && g[j] == 0) ++j;
    if (j - i >= 2 && j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out.push_back(':');
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      int nibble = (g[i] >> shift) & 0xf;
      if (nibble != 0 || started || shift == 0) {
        out.push_back(kHex[nibble]);
        started = true;
      }
    }
  }
  return out;
}

// Prefix length of a CIDR mask, or 0 if the ones are not contiguous (as Go's
// IPMask.Size, whose 0 is printed as "0").
int PrefixLength(const uint8_t* mask, int bytes) {
  int ones = 0;
  bool zero_seen = false;
  for (int i = 0; i < bytes; ++i) {
    for (int bit = 7; bit >= 0; --bit) {
      bool one = (mask[i] >> bit) & 1;
      if (one && zero_seen) return 0;
      if (one) {
        ++ones;
      } else {
        zero_seen = true;
      }
    }
  }
  return ones;
}

// Go's scope() in collector/netdev_common.go, built on net.IP's predicates.
std::string ScopeV4(const uint8_t* b) {
  const bool loopback = b[0] == 127;
  const bool link_local_unicast = b[0] == 169 && b[1] == 254;
  const bool link_local_multicast = b[0] == 224 && b[1] == 0 && b[2] == 0;
  if (loopback || link_local_unicast || link_local_multicast) {
    return "link-local";
  }
  const bool multicast = (b[0] & 0xf0) == 0xe0;
  const bool broadcast =
      b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255;
  const bool unspecified = b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0;
  if (!multicast && !broadcast && !unspecified) return "global";
  return "";
}

std::string ScopeV6(const std::array<uint8_t, 16>& b) {
  bool all_zero_but_last = true;
  for (int i = 0; i < 15; ++i) all_zero_but_last &= b[i] == 0;
  const bool loopback = all_zero_but_last && b[15] == 1;
  const bool unspecified = all_zero_but_last && b[15] == 0;
  const bool link_local_unicast = b[0] == 0xfe && (b[1] & 0xc0) == 0x80;
  const bool multicast = b[0] == 0xff;
  const bool link_local_multicast = multicast && (b[1] & 0x0f) == 0x02;
  const bool interface_local_multicast = multicast && (b[1] & 0x0f) == 0x01;
  if (loopback || link_local_unicast || link_local_multicast) {
    return "link-local";
  }
  if (interface_local_multicast) return "interface-local";
  if (!unspecified && !multicast) return "global";
  return "";
}

}  // namespace

AddressInfo MakeAddressInfo(const RawIfAddr& raw) {
  AddressInfo out;
  out.device = raw.device;
  // Go prints an IPv4-mapped IPv6 address (::ffff:a.b.c.d) as IPv4 and
  // applies the IPv4 predicates to it.
  bool mapped = raw.ipv6;
  for (int i = 0; mapped && i < 10; ++i) mapped = raw.addr[i] == 0;
  mapped = mapped && raw.addr[10] == 0xff && raw.addr[11] == 0xff;
  if (!raw.ipv6 || mapped) {
    const uint8_t* v4 = raw.ipv6 ? &raw.addr[12] : &raw.addr[0];
    out.address = FormatIPv4(v4);
    out.scope = ScopeV4(v4);
  } else {
    out.address = FormatIPv6(raw.addr);
    out.scope = ScopeV6(raw.addr);
  }
  out.netmask =
      std::to_string(PrefixLength(raw.netmask.data(), raw.ipv6 ? 16 : 4));
  return out;
}

}  // namespace host_exporter::parse
