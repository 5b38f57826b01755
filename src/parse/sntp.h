// SNTP (RFC 5905, section 7.3 packet format; RFC 4330 client): the client
// request, the server's reply and what node_exporter's ntp collector (the
// beevik/ntp package) derives from it. Timestamps are NTP's 64-bit
// fixed-point seconds since 1900 (era 0), as on the wire.
#ifndef HOST_EXPORTER_PARSE_SNTP_H_
#define HOST_EXPORTER_PARSE_SNTP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The size of an NTP packet without extension fields.
inline constexpr size_t kSntpPacketSize = 48;

/// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
inline constexpr uint64_t kNtpUnixOffset = 2208988800ULL;

/// An NTP timestamp of a Unix time in nanoseconds.
uint64_t NtpTimestampFromUnixNanos(int64_t unix_nanos);

/// The client request: leap 0, `version` (2 to 4), mode 3 (client) and
/// `transmit` as the transmit timestamp (a random cookie: the reply must
/// carry it back as its origin timestamp), every other field zero.
std::string BuildSntpRequest(int version, uint64_t transmit);

/// The fields of a server's reply that the client reads.
struct SntpReply {
  int leap = 0;     ///< 0 none, 1 insert, 2 delete, 3 not synchronised
  int version = 0;  ///< 1 to 7
  int mode = 0;     ///< 4 for a server
  int stratum = 0;
  uint32_t root_delay = 0;       ///< NTP short format (16.16 seconds)
  uint32_t root_dispersion = 0;  ///< NTP short format
  uint32_t reference_id = 0;
  uint64_t reference_time = 0;
  uint64_t origin_time = 0;
  uint64_t receive_time = 0;
  uint64_t transmit_time = 0;
};

/// Reads a reply's header: at least 48 bytes (extension fields or a MAC
/// after them are ignored), else an error.
Result<SntpReply> ParseSntpReply(std::string_view bytes);

/// What a reply says, in seconds (beevik/ntp's Response).
struct SntpResponse {
  double time = 0;  ///< the server's transmit time, Unix seconds
  double clock_offset = 0;
  double rtt = 0;
  double reference_time = 0;  ///< Unix seconds (negative before 1970)
  double root_delay = 0;
  double root_dispersion = 0;
  double root_distance = 0;  ///< (rtt + root delay) / 2 + root dispersion
  double min_error = 0;      ///< the larger causality violation, or 0
  int leap = 0;
  int stratum = 0;
};

/// Checks a reply to the request whose cookie was `cookie`, sent at
/// `sent` and received at `received` (NTP timestamps of the local clock),
/// and computes the response. Errors: not a server's reply (mode),
/// no transmit time, an origin time other than the cookie (a reply to
/// another request), a receive time after the transmit time.
Result<SntpResponse> InterpretSntpReply(const SntpReply& reply, uint64_t cookie,
                                        uint64_t sent, uint64_t received);

/// Why the response is unfit for synchronisation by RFC 5905's rules
/// (beevik/ntp's Response.Validate): kiss of death (stratum 0), stratum 16
/// or more, reference time older than 2^17 s (36 h) before the transmit
/// time or after it, root delay / 2 + root dispersion above 16 s, leap 3
/// (not synchronised). Empty when it is fit.
std::string SntpUnfitReason(const SntpResponse& r);

/// node_exporter's node_ntp_sanity: fit (SntpUnfitReason empty), root
/// distance at most `max_distance`, and min error at most
/// `offset_tolerance` (plus a second within a day of a leap second's
/// midnight, to tolerate leap smearing). `*leap_midnight` (Unix seconds)
/// remembers the midnight of the last announced leap second across calls.
bool SntpSane(const SntpResponse& r, double max_distance,
              double offset_tolerance, std::optional<int64_t>* leap_midnight);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_SNTP_H_
