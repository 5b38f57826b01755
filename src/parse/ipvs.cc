#include "parse/ipvs.h"

#include <arpa/inet.h>

#include <charconv>
#include <optional>

#include "parse/net_address.h"

namespace host_exporter::parse {
namespace {

std::optional<uint64_t> ParseHex(std::string_view s) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

struct IpPort {
  std::string address;
  uint16_t port = 0;
};

// "0A000001:0050" (IPv4, network byte order in hex) or
// "[2001:0db8:0000:0000:0000:0000:0000:0001]:0050".
Result<IpPort> ParseIpPort(std::string_view s) {
  using R = Result<IpPort>;
  R r;
  if (s.size() == 13) {
    uint8_t b[4];
    for (int i = 0; i < 4; ++i) {
      int hi = HexDigit(s[2 * i]), lo = HexDigit(s[2 * i + 1]);
      if (hi < 0 || lo < 0) {
        return R::Fail("invalid IPv4 address in '" + std::string(s) + "'");
      }
      b[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    r.value.address =
        FormatIP(std::string_view(reinterpret_cast<const char*>(b), 4));
  } else if (s.size() == 46) {
    std::string v6(s.substr(1, 39));
    uint8_t b[16];
    if (inet_pton(AF_INET6, v6.c_str(), b) != 1) {
      return R::Fail("invalid IPv6 address '" + v6 + "'");
    }
    r.value.address =
        FormatIP(std::string_view(reinterpret_cast<const char*>(b), 16));
  } else {
    return R::Fail("unexpected IP:Port '" + std::string(s) + "'");
  }
  auto port = ParseHex(s.substr(s.size() - 4));
  if (!port || *port > 0xffff) {
    return R::Fail("invalid port in '" + std::string(s) + "'");
  }
  r.value.port = static_cast<uint16_t>(*port);
  return r;
}

}  // namespace

Result<IpvsStats> ParseIpvsStats(std::string_view text) {
  using R = Result<IpvsStats>;
  // The totals are on the third line; procfs wants a fourth (even empty).
  auto lines = Split(text, '\n');
  if (lines.size() < 4) return R::Fail("too short: expected at least 4 lines");
  auto fields = SplitFields(lines[2]);
  if (fields.size() != 5) {
    return R::Fail(LineError(
        2, "expected 5 fields, got " + std::to_string(fields.size())));
  }
  R r;
  uint64_t* out[] = {&r.value.connections, &r.value.incoming_packets,
                     &r.value.outgoing_packets, &r.value.incoming_bytes,
                     &r.value.outgoing_bytes};
  for (size_t i = 0; i < 5; ++i) {
    auto v = ParseHex(fields[i]);
    if (!v) {
      return R::Fail(LineError(2, "field " + std::to_string(i + 1) +
                                      " is not a hexadecimal number: '" +
                                      std::string(fields[i]) + "'"));
    }
    *out[i] = *v;
  }
  return r;
}

Result<std::vector<IpvsBackend>> ParseIpvsBackends(std::string_view text) {
  IpvsBackend service;  // the virtual service the next "->" lines belong to
  return ParseLines<std::vector<IpvsBackend>>(
      text,
      [&](size_t, std::string_view line,
          std::vector<IpvsBackend>* out) -> std::string {
        auto f = SplitFields(line);
        // A lone word is no service nor real server (procfs would index past
        // it); skip it with the headers.
        if (f.size() < 2 || f[0] == "IP" || f[0] == "Prot" ||
            f[1] == "RemoteAddress:Port") {
          return {};
        }
        if (f[0] == "TCP" || f[0] == "UDP") {
          auto ip = ParseIpPort(f[1]);
          if (!ip.ok()) return ip.error;
          service.proto = std::string(f[0]);
          service.local_mark.clear();
          service.local_address = ip.value.address;
          service.local_port = ip.value.port;
        } else if (f[0] == "FWM") {
          service.proto = "FWM";
          service.local_mark = std::string(f[1]);
          service.local_address.clear();
          service.local_port = 0;
        } else if (f[0] == "->") {
          if (f.size() < 6) return {};
          auto ip = ParseIpPort(f[1]);
          if (!ip.ok()) return ip.error;
          IpvsBackend b = service;
          b.remote_address = ip.value.address;
          b.remote_port = ip.value.port;
          uint64_t* counts[] = {&b.weight, &b.active_conn, &b.inactive_conn};
          for (size_t k = 0; k < 3; ++k) {
            auto v = ParseU64(f[3 + k]);
            if (!v) {
              return "field " + std::to_string(4 + k) + " is not a number: '" +
                     std::string(f[3 + k]) + "'";
            }
            *counts[k] = *v;
          }
          out->push_back(std::move(b));
        }
        return {};
      });
}

}  // namespace host_exporter::parse
