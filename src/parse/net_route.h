// Parsers for /proc/net/route (IPv4, main table) and /proc/net/ipv6_route:
// the routing table as files, which network_route reads on a fake root
// (fixtures), where there is no kernel to ask over rtnetlink.
#ifndef HOST_EXPORTER_PARSE_NET_ROUTE_H_
#define HOST_EXPORTER_PARSE_NET_ROUTE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// RTF_ANYCAST of <linux/ipv6_route.h>, which glibc's <net/route.h> (the
/// collector's other RTF_ flags) lacks and which clashes with <net/if.h>.
inline constexpr uint32_t kRtfAnycast = 0x00100000;

/// One route of either file. Addresses are raw bytes in network order
/// (4 bytes for IPv4, 16 for IPv6).
struct ProcRoute {
  std::string device;
  std::string dst;
  unsigned dst_len = 0;  ///< prefix length
  std::string gateway;
  uint32_t flags = 0;
  uint32_t metric = 0;
};

/// Parses /proc/net/route: a header line, then "Iface Destination Gateway
/// Flags RefCnt Use Metric Mask MTU Window IRTT" per route (addresses and
/// mask as 8 hex digits in host byte order). The mask must be a prefix.
Result<std::vector<ProcRoute>> ParseProcNetRoute(std::string_view text);

/// Parses /proc/net/ipv6_route: no header; "dst dst_len src src_len
/// next_hop metric refcnt use flags device" per route, addresses as 32 hex
/// digits in network order, lengths and numbers in hex.
Result<std::vector<ProcRoute>> ParseProcIpv6Route(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_NET_ROUTE_H_
