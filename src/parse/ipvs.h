// Parsers for the IP Virtual Server tables: /proc/net/ip_vs_stats (totals)
// and /proc/net/ip_vs (virtual services and their real servers), with
// node_exporter 1.5's rules (procfs IPVS).
#ifndef HOST_EXPORTER_PARSE_IPVS_H_
#define HOST_EXPORTER_PARSE_IPVS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The totals line of /proc/net/ip_vs_stats (hexadecimal in the file).
struct IpvsStats {
  uint64_t connections = 0;       ///< "Conns"
  uint64_t incoming_packets = 0;  ///< "InPkts"
  uint64_t outgoing_packets = 0;  ///< "OutPkts"
  uint64_t incoming_bytes = 0;    ///< "InBytes"
  uint64_t outgoing_bytes = 0;    ///< "OutBytes"
};

/// Parses /proc/net/ip_vs_stats: the third line holds five hexadecimal
/// totals; the file must have at least three newlines.
Result<IpvsStats> ParseIpvsStats(std::string_view text);

/// One real server ("->" line) with the virtual service above it.
struct IpvsBackend {
  /// The virtual address as Go prints a net.IP ("10.0.0.1", "2001:db8::1");
  /// "" for a firewall-mark service.
  std::string local_address;
  uint16_t local_port = 0;
  std::string local_mark;  ///< the mark of an "FWM" service, as printed
  std::string proto;       ///< "TCP", "UDP" or "FWM"
  std::string remote_address;
  uint16_t remote_port = 0;
  uint64_t weight = 0;
  uint64_t active_conn = 0;
  uint64_t inactive_conn = 0;
};

/// Parses /proc/net/ip_vs. Header lines are skipped, as are lines of other
/// services (their real servers then count for the service before them, as
/// in procfs) and real-server lines with fewer than six fields. An address
/// that is neither "XXXXXXXX:PPPP" (IPv4) nor "[v6 address]:PPPP", or a
/// count that is not a number, is an error naming the line.
Result<std::vector<IpvsBackend>> ParseIpvsBackends(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_IPVS_H_
