// network_route: node_network_route_info{device,src,dest,gw,priority,proto,
// weight} (1 per route, one series per next hop of a multipath route) and
// node_network_routes{device} (routes per interface), for the unicast
// routes of every table and family, as node_exporter 1.5 reports them.
//
// On a real procfs the routes and interface names come from an rtnetlink
// dump (RTM_GETLINK, RTM_GETROUTE), exactly what node_exporter 1.5 asks the
// kernel; only netlink carries a route's protocol and preferred source. On
// a fake root (a --path.procfs that is not a procfs mount, e.g. the test
// fixtures) there is no kernel to ask for that tree, so the routes are read
// from <procfs>/net/route (IPv4 main table) and <procfs>/net/ipv6_route.
// Those files lack the protocol and the preferred source: proto is then
// "unspec" and src "". Non-unicast entries of the files (reject, local,
// anycast, cached and multicast routes) are skipped, as netlink's type
// check skips them.
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/route.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "collectors/netlink_dump.h"
#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/net_address.h"
#include "parse/net_route.h"
#include "parse/netlink.h"
#include "parse/rtnetlink.h"

namespace host_exporter::collectors::network_route {
namespace {

// The labels of one node_network_route_info series.
struct RouteInfo {
  std::string device, src, dest, gw, priority, proto, weight;
};

std::vector<RouteInfo> RoutesFromNetlink() {
  constexpr uint16_t kDump = parse::kNlmFRequest | parse::kNlmFDump;
  std::map<uint32_t, std::string> names;
  const std::string links_what = "rtnetlink link dump";
  for (const parse::NetlinkMessage& m :
       NetlinkDump(NETLINK_ROUTE,
                   parse::NetlinkRequest(RTM_GETLINK, kDump, 1,
                                         parse::LinkDumpRequest()),
                   links_what)) {
    if (m.type != RTM_NEWLINK) continue;
    auto link = parse::ParseLinkMessage(m.payload);
    if (!link.ok()) throw CollectError(links_what + ": " + link.error);
    names[static_cast<uint32_t>(link.value.index)] = link.value.name;
  }
  auto name_of = [&](uint32_t index) {
    auto it = names.find(index);
    return it == names.end() ? std::string() : it->second;
  };

  std::vector<RouteInfo> out;
  const std::string routes_what = "rtnetlink route dump";
  for (const parse::NetlinkMessage& m :
       NetlinkDump(NETLINK_ROUTE,
                   parse::NetlinkRequest(RTM_GETROUTE, kDump, 2,
                                         parse::RouteDumpRequest()),
                   routes_what)) {
    if (m.type != RTM_NEWROUTE) continue;
    auto parsed = parse::ParseRouteMessage(m.payload);
    if (!parsed.ok()) throw CollectError(routes_what + ": " + parsed.error);
    const parse::RouteMessage& r = parsed.value;
    if (r.type != RTN_UNICAST) continue;
    RouteInfo base;
    base.src = parse::FormatIP(r.prefsrc);
    base.dest = parse::FormatRouteDestination(r.dst, r.dst_len);
    base.priority = std::to_string(r.priority);
    base.proto = parse::RouteProtocolName(r.protocol);
    if (r.multipath.empty()) {
      base.device = name_of(r.oif);
      base.gw = parse::FormatIP(r.gateway);
      out.push_back(std::move(base));
      continue;
    }
    for (const parse::RouteNextHop& hop : r.multipath) {
      RouteInfo info = base;
      info.device = name_of(hop.ifindex);
      info.gw = parse::FormatIP(hop.gateway);
      info.weight = std::to_string(static_cast<int>(hop.hops) + 1);
      out.push_back(std::move(info));
    }
  }
  return out;
}

// A route of /proc/net/route or /proc/net/ipv6_route, or nothing for the
// entries that are not unicast routes.
std::optional<RouteInfo> FromFile(const parse::ProcRoute& r) {
  constexpr uint32_t kNotUnicast =
      RTF_REJECT | RTF_LOCAL | parse::kRtfAnycast | RTF_CACHE;
  if (r.flags & kNotUnicast) return std::nullopt;
  if (!r.dst.empty() && static_cast<uint8_t>(r.dst[0]) == 0xff &&
      r.dst.size() == 16) {
    return std::nullopt;  // ff00::/8: IPv6 multicast
  }
  RouteInfo info;
  info.device = r.device;
  info.dest = parse::FormatRouteDestination(r.dst, r.dst_len);
  if (r.flags & RTF_GATEWAY) info.gw = parse::FormatIP(r.gateway);
  info.priority = std::to_string(r.metric);
  info.proto = parse::RouteProtocolName(0);  // the files do not say
  return info;
}

std::vector<RouteInfo> RoutesFromFiles(const HostPaths& paths) {
  std::vector<RouteInfo> out;
  const std::string v4 = paths.Proc("net/route");
  if (auto text = ReadFileIfExists(v4)) {
    for (const auto& r : Unwrap(parse::ParseProcNetRoute(*text), v4)) {
      if (auto info = FromFile(r)) out.push_back(std::move(*info));
    }
  }
  const std::string v6 = paths.Proc("net/ipv6_route");
  if (auto text = ReadFileIfExists(v6)) {
    for (const auto& r : Unwrap(parse::ParseProcIpv6Route(*text), v6)) {
      if (auto info = FromFile(r)) out.push_back(std::move(*info));
    }
  }
  return out;
}

class NetworkRouteCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    std::vector<RouteInfo> routes =
        IsProcfs(paths.procfs) ? RoutesFromNetlink() : RoutesFromFiles(paths);
    auto& info = out.Gauge("node_network_route_info",
                           "network routing table information");
    std::map<std::string, double> per_device;
    for (const RouteInfo& r : routes) {
      info.Add({{"device", r.device},
                {"src", r.src},
                {"dest", r.dest},
                {"gw", r.gw},
                {"priority", r.priority},
                {"proto", r.proto},
                {"weight", r.weight}},
               1);
      per_device[r.device] += 1;
    }
    auto& count =
        out.Gauge("node_network_routes", "network routes by interface");
    for (const auto& [device, n] : per_device) {
      count.Add({{"device", device}}, n);
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"network_route",
          false,
          "Exposes the routing table as metrics (rtnetlink, or "
          "/proc/net/route and /proc/net/ipv6_route on a fake root).",
          {},
          &MakeCollector<NetworkRouteCollector>};
}

}  // namespace host_exporter::collectors::network_route
