#include "parse/net_route.h"

#include <charconv>
#include <optional>

#include "parse/net_address.h"

namespace host_exporter::parse {
namespace {

std::optional<uint32_t> ParseHex32(std::string_view s) {
  uint32_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

// The prefix length of a network-order mask, or nullopt if its one bits are
// not contiguous from the top.
std::optional<unsigned> RoutePrefixLength(std::string_view mask) {
  unsigned len = 0;
  bool zero_seen = false;
  for (char c : mask) {
    for (int bit = 7; bit >= 0; --bit) {
      bool one = (static_cast<uint8_t>(c) >> bit) & 1;
      if (one && zero_seen) return std::nullopt;
      if (one) {
        ++len;
      } else {
        zero_seen = true;
      }
    }
  }
  return len;
}

}  // namespace

Result<std::vector<ProcRoute>> ParseProcNetRoute(std::string_view text) {
  return ParseLines<std::vector<ProcRoute>>(
      text,
      [&](size_t i, std::string_view line,
          std::vector<ProcRoute>* out) -> std::string {
        if (i < 1) return {};  // line 1 is the header
        auto f = SplitFields(line);
        if (f.empty()) return {};
        if (f.size() < 8) {
          return "expected at least 8 fields, got " + std::to_string(f.size());
        }
        ProcRoute route;
        route.device = std::string(f[0]);
        auto dst = DecodeProcHexAddress(f[1]);
        auto gw = DecodeProcHexAddress(f[2]);
        auto mask = DecodeProcHexAddress(f[7]);
        auto flags = ParseHex32(f[3]);
        auto metric = ParseI64(f[6]);
        if (!dst || dst->size() != 4) {
          return "bad destination '" + std::string(f[1]) + "'";
        }
        if (!gw || gw->size() != 4) {
          return "bad gateway '" + std::string(f[2]) + "'";
        }
        if (!flags) {
          return "bad flags '" + std::string(f[3]) + "'";
        }
        if (!metric) {
          return "bad metric '" + std::string(f[6]) + "'";
        }
        std::optional<unsigned> len;
        if (mask && mask->size() == 4) len = RoutePrefixLength(*mask);
        if (!len) {
          return "bad mask '" + std::string(f[7]) + "'";
        }
        route.dst = std::move(*dst);
        route.gateway = std::move(*gw);
        route.flags = *flags;
        // The kernel prints the u32 priority with %d.
        route.metric = static_cast<uint32_t>(*metric);
        route.dst_len = *len;
        out->push_back(std::move(route));
        return {};
      });
}

Result<std::vector<ProcRoute>> ParseProcIpv6Route(std::string_view text) {
  return ParseLines<std::vector<ProcRoute>>(
      text,
      [&](size_t, std::string_view line,
          std::vector<ProcRoute>* out) -> std::string {
        auto f = SplitFields(line);
        if (f.empty()) return {};
        if (f.size() < 10) {
          return "expected 10 fields, got " + std::to_string(f.size());
        }
        auto address = [](std::string_view hex) -> std::optional<std::string> {
          if (hex.size() != 32) return std::nullopt;
          return DecodeHex(hex);
        };
        auto dst = address(f[0]);
        auto dst_len = ParseHex32(f[1]);
        auto gw = address(f[4]);
        auto metric = ParseHex32(f[5]);
        auto flags = ParseHex32(f[8]);
        if (!dst) {
          return "bad destination '" + std::string(f[0]) + "'";
        }
        if (!dst_len || *dst_len > 128) {
          return "bad prefix length '" + std::string(f[1]) + "'";
        }
        if (!gw) {
          return "bad next hop '" + std::string(f[4]) + "'";
        }
        if (!metric) {
          return "bad metric '" + std::string(f[5]) + "'";
        }
        if (!flags) {
          return "bad flags '" + std::string(f[8]) + "'";
        }
        ProcRoute route;
        route.device = std::string(f[9]);
        route.dst = std::move(*dst);
        route.dst_len = *dst_len;
        route.gateway = std::move(*gw);
        route.metric = *metric;
        route.flags = *flags;
        out->push_back(std::move(route));
        return {};
      });
}

}  // namespace host_exporter::parse
