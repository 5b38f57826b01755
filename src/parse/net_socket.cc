#include "parse/net_socket.h"

#include <charconv>
#include <iterator>
#include <optional>
#include <string>

#include "parse/net_address.h"

namespace host_exporter::parse {
namespace {

std::optional<uint64_t> ParseHex64(std::string_view s) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

// Splits "A:B" with exactly one ':' into its two parts.
bool SplitColon(std::string_view s, std::string_view* a, std::string_view* b) {
  const size_t colon = s.find(':');
  if (colon == std::string_view::npos ||
      s.find(':', colon + 1) != std::string_view::npos) {
    return false;
  }
  *a = s.substr(0, colon);
  *b = s.substr(colon + 1);
  return true;
}

// "ADDR:PORT" with 8 or 32 hex digits of address (what
// DecodeProcHexAddress accepts) and a hex port.
bool ValidAddress(std::string_view s) {
  std::string_view addr, port;
  if (!SplitColon(s, &addr, &port)) return false;
  if (addr.size() != 8 && addr.size() != 32) return false;
  for (char c : addr) {
    if (HexDigit(c) < 0) return false;
  }
  return ParseHex64(port).has_value();
}

}  // namespace

Result<std::vector<NetSocket>> ParseNetSocketTable(std::string_view text) {
  return ParseLines<std::vector<NetSocket>>(
      text,
      [&](size_t i, std::string_view line,
          std::vector<NetSocket>* out) -> std::string {
        if (i < 1) return {};
        auto f = SplitFields(line);
        auto fail = [&](const std::string& why) { return why; };
        if (f.size() < 10) {
          return fail("expected at least 10 fields, got " +
                      std::to_string(f.size()));
        }
        std::string_view sl, rest;
        if (!SplitColon(f[0], &sl, &rest) || !ParseU64(sl)) {
          return fail("bad slot '" + std::string(f[0]) + "'");
        }
        if (!ValidAddress(f[1])) {
          return fail("bad local address '" + std::string(f[1]) + "'");
        }
        if (!ValidAddress(f[2])) {
          return fail("bad remote address '" + std::string(f[2]) + "'");
        }
        NetSocket s;
        auto state = ParseHex64(f[3]);
        if (!state) return fail("bad state '" + std::string(f[3]) + "'");
        s.state = *state;
        std::string_view tx, rx;
        std::optional<uint64_t> txv, rxv;
        if (SplitColon(f[4], &tx, &rx)) {
          txv = ParseHex64(tx);
          rxv = ParseHex64(rx);
        }
        if (!txv || !rxv) return fail("bad queues '" + std::string(f[4]) + "'");
        s.tx_queue = *txv;
        s.rx_queue = *rxv;
        if (!ParseU64(f[7])) return fail("bad uid '" + std::string(f[7]) + "'");
        if (!ParseU64(f[9]))
          return fail("bad inode '" + std::string(f[9]) + "'");
        out->push_back(s);
        return {};
      });
}

bool ParseNetSocketRow(std::string_view line, NetSocket* out) {
  std::string_view f[10];
  size_t n = 0;
  std::string_view rest = line;
  for (std::string_view field = NextField(&rest); !field.empty();
       field = NextField(&rest)) {
    if (n < std::size(f)) f[n] = field;
    ++n;
  }
  if (n < std::size(f)) return false;
  std::string_view a, b;
  if (!SplitColon(f[0], &a, &b) || !ParseU64(a)) return false;
  if (!ValidAddress(f[1]) || !ValidAddress(f[2])) return false;
  const std::optional<uint64_t> state = ParseHex64(f[3]);
  if (!state || !SplitColon(f[4], &a, &b)) return false;
  const std::optional<uint64_t> tx = ParseHex64(a), rx = ParseHex64(b);
  if (!tx || !rx) return false;
  if (!ParseU64(f[7]) || !ParseU64(f[9])) return false;
  out->state = *state;
  out->tx_queue = *tx;
  out->rx_queue = *rx;
  return true;
}

std::string_view TcpStateName(uint64_t state) {
  static constexpr std::string_view kNames[] = {
      "established", "syn_sent",  "syn_recv", "fin_wait1",
      "fin_wait2",   "time_wait", "close",    "close_wait",
      "last_ack",    "listen",    "closing",
  };
  if (state >= 1 && state <= 11) return kNames[state - 1];
  return "unknown";
}

}  // namespace host_exporter::parse
