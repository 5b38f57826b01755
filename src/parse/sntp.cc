#include "parse/sntp.h"

#include <cmath>

namespace host_exporter::parse {
namespace {

constexpr double kFraction = 4294967296.0;  // 2^32
// RFC 5905's MAXSTRAT, MAXDISP and beevik/ntp's maximum poll interval.
constexpr int kMaxStratum = 16;
constexpr double kMaxDispersion = 16;
constexpr double kMaxPollInterval = 131072;  // 2^17 s
constexpr int64_t kDay = 86400;

uint32_t Be32(std::string_view b, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<uint8_t>(b[at + i]);
  return v;
}

uint64_t Be64(std::string_view b, size_t at) {
  return static_cast<uint64_t>(Be32(b, at)) << 32 | Be32(b, at + 4);
}

// a - b in seconds (timestamps of the same era).
double Diff(uint64_t a, uint64_t b) {
  return static_cast<double>(static_cast<int64_t>(a - b)) / kFraction;
}

// An NTP timestamp as Unix seconds.
double UnixSeconds(uint64_t t) {
  return static_cast<double>(t >> 32) - static_cast<double>(kNtpUnixOffset) +
         static_cast<double>(t & 0xffffffffu) / kFraction;
}

double Short(uint32_t v) { return static_cast<double>(v) / 65536.0; }

}  // namespace

uint64_t NtpTimestampFromUnixNanos(int64_t unix_nanos) {
  const int64_t sec = unix_nanos / 1000000000;
  const int64_t nsec = unix_nanos % 1000000000;
  const uint64_t frac =
      (static_cast<uint64_t>(nsec) << 32) / 1000000000ULL;  // < 2^32
  return (static_cast<uint64_t>(sec) + kNtpUnixOffset) << 32 | frac;
}

std::string BuildSntpRequest(int version, uint64_t transmit) {
  std::string p(kSntpPacketSize, '\0');
  p[0] = static_cast<char>((version & 7) << 3 | 3);
  for (int i = 0; i < 8; ++i) {
    p[40 + i] = static_cast<char>(transmit >> (56 - 8 * i));
  }
  return p;
}

Result<SntpReply> ParseSntpReply(std::string_view b) {
  if (b.size() < kSntpPacketSize) {
    return Result<SntpReply>::Fail(
        "short NTP packet: " + std::to_string(b.size()) + " bytes, at least " +
        std::to_string(kSntpPacketSize) + " expected");
  }
  Result<SntpReply> r;
  SntpReply& p = r.value;
  const auto first = static_cast<uint8_t>(b[0]);
  p.leap = first >> 6;
  p.version = (first >> 3) & 7;
  p.mode = first & 7;
  p.stratum = static_cast<uint8_t>(b[1]);
  p.root_delay = Be32(b, 4);
  p.root_dispersion = Be32(b, 8);
  p.reference_id = Be32(b, 12);
  p.reference_time = Be64(b, 16);
  p.origin_time = Be64(b, 24);
  p.receive_time = Be64(b, 32);
  p.transmit_time = Be64(b, 40);
  return r;
}

Result<SntpResponse> InterpretSntpReply(const SntpReply& p, uint64_t cookie,
                                        uint64_t sent, uint64_t received) {
  using R = Result<SntpResponse>;
  if (p.mode != 4) {
    return R::Fail("invalid mode " + std::to_string(p.mode) +
                   " in response (4, server, expected)");
  }
  if (p.transmit_time == 0) return R::Fail("invalid transmit time in response");
  if (p.origin_time != cookie) {
    return R::Fail(
        "server response mismatch (origin time is not the request's)");
  }
  if (p.receive_time > p.transmit_time) {
    return R::Fail("server clock ticked backwards");
  }
  // The origin time that counts is when the request was sent, not the
  // cookie that stood for it on the wire.
  const uint64_t org = sent, rec = p.receive_time, xmt = p.transmit_time,
                 dst = received;
  R r;
  SntpResponse& s = r.value;
  s.time = UnixSeconds(xmt);
  s.clock_offset = (Diff(rec, org) + Diff(xmt, dst)) / 2;
  s.rtt = std::max(0.0, Diff(dst, org) - Diff(xmt, rec));
  s.reference_time = UnixSeconds(p.reference_time);
  s.root_delay = Short(p.root_delay);
  s.root_dispersion = Short(p.root_dispersion);
  s.root_distance = (s.rtt + s.root_delay) / 2 + s.root_dispersion;
  // Unsigned: a causality violation can be more than 2^31 s.
  const double error0 =
      org >= rec ? static_cast<double>(org - rec) / kFraction : 0;
  const double error1 =
      xmt >= dst ? static_cast<double>(xmt - dst) / kFraction : 0;
  s.min_error = std::max(error0, error1);
  s.leap = p.leap;
  s.stratum = p.stratum;
  return r;
}

std::string SntpUnfitReason(const SntpResponse& r) {
  if (r.stratum == 0) return "kiss of death (stratum 0)";
  if (r.stratum >= kMaxStratum) {
    return "invalid stratum " + std::to_string(r.stratum);
  }
  if (r.time - r.reference_time > kMaxPollInterval) {
    return "server clock not fresh (reference time more than 36 h old)";
  }
  if (r.root_delay / 2 + r.root_dispersion > kMaxDispersion) {
    return "root distance above 16 s";
  }
  if (r.time < r.reference_time) {
    return "transmit time before reference time";
  }
  if (r.leap == 3) return "not synchronised (leap indicator 3)";
  return "";
}

bool SntpSane(const SntpResponse& r, double max_distance,
              double offset_tolerance, std::optional<int64_t>* leap_midnight) {
  double max_error = offset_tolerance;
  const auto now = static_cast<int64_t>(std::floor(r.time));
  if (r.leap == 1 || r.leap == 2) {
    // Kept: the leap flag is dropped right after the midnight.
    *leap_midnight = (now - (now % kDay + kDay) % kDay) + kDay;
  }
  if (*leap_midnight && **leap_midnight - kDay < r.time &&
      r.time < **leap_midnight + kDay) {
    max_error += 1;  // leap smearing
  }
  return SntpUnfitReason(r).empty() && r.root_distance <= max_distance &&
         r.min_error <= max_error;
}

}  // namespace host_exporter::parse
