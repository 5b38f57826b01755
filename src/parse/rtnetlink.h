// rtnetlink (NETLINK_ROUTE) route and link messages for the network_route
// collector: the fields node_exporter 1.5 reads through
// github.com/jsimonetti/rtnetlink, and its names for route protocols.
#ifndef HOST_EXPORTER_PARSE_RTNETLINK_H_
#define HOST_EXPORTER_PARSE_RTNETLINK_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// Payload of an RTM_GETLINK dump request (an all-zero struct ifinfomsg).
std::string LinkDumpRequest();
/// Payload of an RTM_GETROUTE dump request (an all-zero struct rtmsg:
/// every family, every table).
std::string RouteDumpRequest();

/// One next hop of a multipath route (struct rtnexthop and its gateway).
struct RouteNextHop {
  uint32_t ifindex = 0;
  uint8_t hops = 0;     ///< rtnh_hops: the weight minus one
  std::string gateway;  ///< raw address bytes, empty if none
};

/// The fields of one RTM_NEWROUTE message that network_route uses. Address
/// fields hold raw bytes (network order), empty when the attribute is
/// absent.
struct RouteMessage {
  uint8_t family = 0;
  uint8_t dst_len = 0;
  uint8_t protocol = 0;
  uint8_t type = 0;
  std::string dst;                      ///< RTA_DST
  std::string prefsrc;                  ///< RTA_PREFSRC (node_exporter's "src")
  std::string gateway;                  ///< RTA_GATEWAY
  uint32_t oif = 0;                     ///< RTA_OIF
  uint32_t priority = 0;                ///< RTA_PRIORITY
  std::vector<RouteNextHop> multipath;  ///< RTA_MULTIPATH
};

/// Parses the payload of an RTM_NEWROUTE message (struct rtmsg, then
/// attributes).
Result<RouteMessage> ParseRouteMessage(std::string_view payload);

/// An interface from an RTM_NEWLINK message.
struct LinkMessage {
  int32_t index = 0;
  std::string name;  ///< IFLA_IFNAME, without its NUL
};

/// Parses the payload of an RTM_NEWLINK message (struct ifinfomsg, then
/// attributes).
Result<LinkMessage> ParseLinkMessage(std::string_view payload);

/// Payload of an RTM_GETQDISC dump request (an all-zero struct tcmsg:
/// every interface).
std::string QdiscDumpRequest();

/// A queueing discipline from an RTM_NEWQDISC message: the fields of
/// github.com/ema/qdisc's QdiscInfo that node_exporter's qdisc collector
/// reports.
struct QdiscMessage {
  int32_t ifindex = 0;
  uint32_t handle = 0;
  uint32_t parent = 0;  ///< 0 for a root qdisc (TC_H_ROOT, as ema/qdisc)
  std::string kind;     ///< TCA_KIND, without its NUL
  uint64_t bytes = 0;
  uint32_t packets = 0, drops = 0, requeues = 0, overlimits = 0;
  uint32_t qlen = 0, backlog = 0;
};

/// Parses the payload of an RTM_NEWQDISC message (struct tcmsg, then
/// attributes). The counters come from TCA_STATS2 (gnet_stats_basic and
/// gnet_stats_queue), or from the legacy TCA_STATS (struct tc_stats, which
/// has no requeues) when TCA_STATS2 is absent. A statistics attribute
/// shorter than its struct is an error.
Result<QdiscMessage> ParseQdiscMessage(std::string_view payload);

/// node_exporter's name for an rtm_protocol value ("kernel", "boot",
/// "static", "dhcp", ...; "unknown" for numbers it does not name).
std::string RouteProtocolName(uint8_t protocol);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_RTNETLINK_H_
