// ntp: node_ntp_* from one SNTP query (RFC 5905 packet) to the local NTP
// server (--collector.ntp.server, default 127.0.0.1), with node_exporter
// 1.9's names, flags and sanity rules (parse/sntp.h). The query waits at
// most a second (ntpdate's timeout, as node_exporter) and never longer than
// --collector.timeout; no reply is an error naming the server.
#include <arpa/inet.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

#include "collectors/deadline_socket.h"
#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/duration.h"
#include "parse/sntp.h"

namespace host_exporter::collectors::ntp {
namespace {

constexpr char kServerFlag[] = "collector.ntp.server";
constexpr char kPortFlag[] = "collector.ntp.server-port";
constexpr char kVersionFlag[] = "collector.ntp.protocol-version";
constexpr char kIsLocalFlag[] = "collector.ntp.server-is-local";
constexpr char kTtlFlag[] = "collector.ntp.ip-ttl";
constexpr char kMaxDistanceFlag[] = "collector.ntp.max-distance";
constexpr char kToleranceFlag[] = "collector.ntp.local-offset-tolerance";

constexpr std::chrono::seconds kQueryTimeout{1};

[[noreturn]] void Invalid(const char* flag, const std::string& why) {
  throw std::invalid_argument(std::string("--") + flag + ": " + why);
}

int IntFlag(const CollectorOptions& o, const char* flag, int lo, int hi) {
  const std::string v = o.Get(flag);
  const std::optional<int64_t> n = parse::ParseI64(v);
  if (!n || *n < lo || *n > hi) {
    Invalid(flag, "'" + v + "' is not an integer from " + std::to_string(lo) +
                      " to " + std::to_string(hi));
  }
  return static_cast<int>(*n);
}

double DurationFlag(const CollectorOptions& o, const char* flag) {
  const std::string v = o.Get(flag);
  auto d = parse::ParseDuration(v);
  if (!d.ok()) Invalid(flag, "'" + v + "': " + d.error);
  return std::chrono::duration<double>(d.value).count();
}

// Go's net.IP.IsLoopback: 127.0.0.0/8 (also IPv4-mapped) or ::1.
bool IsLoopbackAddress(const std::string& s) {
  in_addr v4{};
  if (::inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, s.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

int64_t UnixNanos(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             t.time_since_epoch())
      .count();
}

class NtpCollector : public Collector {
 public:
  explicit NtpCollector(const CollectorOptions& o)
      : server_(o.Get(kServerFlag)),
        port_(IntFlag(o, kPortFlag, 1, 65535)),
        version_(IntFlag(o, kVersionFlag, 2, 4)),
        ttl_(IntFlag(o, kTtlFlag, 0, 255)),
        max_distance_(DurationFlag(o, kMaxDistanceFlag)),
        tolerance_(DurationFlag(o, kToleranceFlag)),
        timeout_(WaitBudget(o, kQueryTimeout)) {
    if (!o.GetBool(kIsLocalFlag) && !IsLoopbackAddress(server_)) {
      Invalid(kServerFlag,
              "only the IP address of a local NTP server is valid ('" +
                  server_ + "'; --" + kIsLocalFlag +
                  " certifies another address is not a public server)");
    }
  }

  Families Collect(const HostPaths&) override {
    const parse::SntpResponse r = Query();
    FamilySet out;
    out.Gauge("node_ntp_stratum", "NTPD stratum.").Add(r.stratum);
    out.Gauge("node_ntp_leap", "NTPD leap second indicator, 2 bits.")
        .Add(r.leap);
    out.Gauge("node_ntp_rtt_seconds", "RTT to NTPD.").Add(r.rtt);
    out.Gauge("node_ntp_offset_seconds",
              "ClockOffset between NTP and local clock.")
        .Add(r.clock_offset);
    // A reference time before 1970 (none: NTP's zero is 1900) is 0.
    out.Gauge("node_ntp_reference_timestamp_seconds",
              "NTPD ReferenceTime, UNIX timestamp.")
        .Add(r.reference_time >= 1 ? r.reference_time : 0);
    out.Gauge("node_ntp_root_delay_seconds", "NTPD RootDelay.")
        .Add(r.root_delay);
    out.Gauge("node_ntp_root_dispersion_seconds", "NTPD RootDispersion.")
        .Add(r.root_dispersion);
    out.Gauge("node_ntp_sanity",
              "NTPD sanity according to RFC5905 heuristics and configured "
              "limits.")
        .Add(parse::SntpSane(r, max_distance_, tolerance_, &leap_midnight_)
                 ? 1
                 : 0);
    return out.Take();
  }

 private:
  parse::SntpResponse Query() {
    const std::string port = std::to_string(port_);
    const std::string peer =
        (server_.find(':') != std::string::npos ? "[" + server_ + "]"
                                                : server_) +
        ":" + port;
    DeadlineSocket sock(DeadlineSocket::Clock::now() + timeout_,
                        "NTP server " + peer);
    sock.ConnectInet(server_, port, SOCK_DGRAM, ttl_);
    // A random transmit time, as beevik/ntp sends: the reply must echo it,
    // and the wire does not show the local clock.
    uint64_t cookie = 0;
    if (::getrandom(&cookie, sizeof cookie, 0) != sizeof cookie) {
      cookie = parse::NtpTimestampFromUnixNanos(
          UnixNanos(std::chrono::system_clock::now()));
    }
    const auto sent_wall = std::chrono::system_clock::now();
    const auto sent_mono = std::chrono::steady_clock::now();
    sock.Send(parse::BuildSntpRequest(version_, cookie));
    const std::string bytes = sock.ReceiveDatagram();
    // The receive time is the send time plus the monotonic clock's delta,
    // so a step of the wall clock in between cannot make a negative RTT.
    const auto elapsed = std::chrono::steady_clock::now() - sent_mono;
    const int64_t sent = UnixNanos(sent_wall);
    const int64_t received =
        sent +
        std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count();
    auto reply = parse::ParseSntpReply(bytes);
    if (!reply.ok()) {
      throw CollectError("couldn't get SNTP reply from " + peer + ": " +
                         reply.error);
    }
    auto r = parse::InterpretSntpReply(
        reply.value, cookie, parse::NtpTimestampFromUnixNanos(sent),
        parse::NtpTimestampFromUnixNanos(received));
    if (!r.ok()) {
      throw CollectError("couldn't get SNTP reply from " + peer + ": " +
                         r.error);
    }
    return r.value;
  }

  const std::string server_;
  const int port_;
  const int version_;
  const int ttl_;
  const double max_distance_;
  const double tolerance_;
  const std::chrono::nanoseconds timeout_;
  // The midnight of the last leap second announced (node_exporter keeps it
  // because the flag is dropped right after it).
  std::optional<int64_t> leap_midnight_;
};

}  // namespace

CollectorSpec Spec() {
  return {
      "ntp",
      false,
      "Exposes local NTP daemon health to check time.",
      {{kServerFlag, "127.0.0.1", "NTP server to use for ntp collector"},
       {kPortFlag, "123", "UDP port number to connect to on NTP server"},
       {kVersionFlag, "4", "NTP protocol version"},
       {kIsLocalFlag, "false",
        "Certify that collector.ntp.server address is not a public ntp server",
        false, true},
       {kTtlFlag, "1", "IP TTL to use while sending NTP query"},
       {kMaxDistanceFlag, "3.46608s", "Max accumulated distance to the root"},
       {kToleranceFlag, "1ms",
        "Offset between local clock and local ntpd time to tolerate"}},
      &MakeCollector<NtpCollector>};
}

}  // namespace host_exporter::collectors::ntp
