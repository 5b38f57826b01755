#include "parse/net_address.h"

#include <cstdint>
#include <utility>

#include "parse/parse_util.h"

namespace host_exporter::parse {
namespace {

void AppendHex(std::string* out, uint32_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char buf[8];
  int n = 0;
  do {
    buf[n++] = kDigits[v & 0xf];
    v >>= 4;
  } while (v != 0);
  while (n > 0) out->push_back(buf[--n]);
}

// The IPv4 address inside `b` (4 bytes, or 16 bytes of ::ffff:a.b.c.d), as
// Go's IP.To4() finds it.
std::optional<std::string_view> To4(std::string_view b) {
  if (b.size() == 4) return b;
  if (b.size() != 16) return std::nullopt;
  for (int i = 0; i < 10; ++i) {
    if (b[i] != 0) return std::nullopt;
  }
  if (static_cast<uint8_t>(b[10]) != 0xff ||
      static_cast<uint8_t>(b[11]) != 0xff) {
    return std::nullopt;
  }
  return b.substr(12);
}

}  // namespace

std::optional<std::string> DecodeHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexDigit(hex[i]);
    int lo = HexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

std::string FormatIP(std::string_view b) {
  if (b.empty()) return "";
  if (auto v4 = To4(b)) {
    std::string out;
    for (int i = 0; i < 4; ++i) {
      if (i > 0) out.push_back('.');
      out += std::to_string(static_cast<uint8_t>((*v4)[i]));
    }
    return out;
  }
  if (b.size() != 16) {
    std::string out = "?";
    static constexpr char kDigits[] = "0123456789abcdef";
    for (char c : b) {
      out.push_back(kDigits[static_cast<uint8_t>(c) >> 4]);
      out.push_back(kDigits[static_cast<uint8_t>(c) & 0xf]);
    }
    return out;
  }
  auto word = [&](int i) {
    return static_cast<uint32_t>(static_cast<uint8_t>(b[i])) << 8 |
           static_cast<uint8_t>(b[i + 1]);
  };
  // The longest run of zero words (the first of equal runs) becomes "::",
  // but never a single word: Go's exact rules.
  int e0 = -1, e1 = -1;
  for (int i = 0; i < 16; i += 2) {
    int j = i;
    while (j < 16 && word(j) == 0) j += 2;
    if (j > i && j - i > e1 - e0) {
      e0 = i;
      e1 = j;
      i = j;
    }
  }
  if (e1 - e0 <= 2) e0 = e1 = -1;
  std::string out;
  for (int i = 0; i < 16; i += 2) {
    if (i == e0) {
      out += "::";
      i = e1;
      if (i >= 16) break;
    } else if (i > 0) {
      out.push_back(':');
    }
    AppendHex(&out, word(i));
  }
  return out;
}

std::string FormatRouteDestination(std::string_view bytes,
                                   unsigned prefix_len) {
  if (prefix_len == 0) return "default";
  if (auto v4 = To4(bytes)) {
    if (prefix_len > 32) return "<nil>";
    return FormatIP(*v4) + "/" + std::to_string(prefix_len);
  }
  if (bytes.size() != 16 || prefix_len > 128) return "<nil>";
  return FormatIP(bytes) + "/" + std::to_string(prefix_len);
}

std::optional<std::string> DecodeProcHexAddress(std::string_view hex) {
  if (hex.size() != 8 && hex.size() != 32) return std::nullopt;
  auto raw = DecodeHex(hex);
  if (!raw) return std::nullopt;
  std::string& b = *raw;
  for (size_t w = 0; w < b.size(); w += 4) {
    std::swap(b[w], b[w + 3]);
    std::swap(b[w + 1], b[w + 2]);
  }
  return raw;
}

}  // namespace host_exporter::parse
