// Parsers for the protocol counters of /proc/net/netstat, /proc/net/snmp
// and /proc/net/snmp6.
#ifndef HOST_EXPORTER_PARSE_NETSTAT_H_
#define HOST_EXPORTER_PARSE_NETSTAT_H_

#include <map>
#include <string>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// Counters by protocol ("TcpExt", "Ip6") and then by name ("ListenDrops",
/// "InOctets").
using NetStats = std::map<std::string, std::map<std::string, double>>;

/// Parses /proc/net/netstat or /proc/net/snmp: pairs of lines
/// "Proto: Name1 Name2 ..." / "Proto: v1 v2 ...", split on single spaces as
/// node_exporter does. The names and values must be as many; a protocol
/// given twice keeps only its last pair of lines. Every value must be a
/// number.
Result<NetStats> ParseNetstat(std::string_view text);

/// Parses /proc/net/snmp6: "Ip6InReceives <spaces/tabs> 821" lines. The
/// protocol is the name up to and including its first '6' ("Icmp6"); lines
/// with fewer than two fields or no '6' in the name are skipped.
Result<NetStats> ParseSnmp6(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_NETSTAT_H_
