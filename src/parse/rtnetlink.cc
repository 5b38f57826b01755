#include "parse/rtnetlink.h"

#include <utility>

#include "parse/netlink.h"

namespace host_exporter::parse {
namespace {

constexpr size_t kRtmsgSize = 12;      // struct rtmsg
constexpr size_t kIfinfomsgSize = 16;  // struct ifinfomsg
constexpr size_t kRtnexthopSize = 8;   // struct rtnexthop
constexpr size_t kTcmsgSize = 20;      // struct tcmsg
constexpr size_t kTcStatsSize = 36;    // struct tc_stats
constexpr size_t kGnetBasicSize = 12;  // struct gnet_stats_basic, unpadded
constexpr size_t kGnetQueueSize = 20;  // struct gnet_stats_queue

constexpr uint16_t kRtaDst = 1;
constexpr uint16_t kRtaOif = 4;
constexpr uint16_t kRtaGateway = 5;
constexpr uint16_t kRtaPriority = 6;
constexpr uint16_t kRtaPrefsrc = 7;
constexpr uint16_t kRtaMultipath = 9;
constexpr uint16_t kIflaIfname = 3;
constexpr uint16_t kTcaKind = 1;
constexpr uint16_t kTcaStats = 3;
constexpr uint16_t kTcaStats2 = 7;
constexpr uint16_t kTcaStatsBasic = 1;
constexpr uint16_t kTcaStatsQueue = 3;
constexpr uint32_t kTcHRoot = 0xFFFFFFFF;

// A C string attribute: up to its first NUL.
std::string CString(std::string_view v) {
  if (size_t nul = v.find('\0'); nul != std::string_view::npos) {
    v = v.substr(0, nul);
  }
  return std::string(v);
}

// "<what> is N bytes, shorter than struct <name>" if `v` is short.
std::string CheckSize(std::string_view v, size_t size, const char* name) {
  if (v.size() >= size) return "";
  return std::string(name) + " is " + std::to_string(v.size()) +
         " bytes, shorter than struct " + name;
}

// A u32 attribute; like Go's netlink.AttributeDecoder.Uint32, any other
// length is an error.
bool ReadU32(const NetlinkAttribute& a, uint32_t* out, std::string* error) {
  if (a.value.size() != 4) {
    *error = "attribute " + std::to_string(a.type) + " is not a uint32 (" +
             std::to_string(a.value.size()) + " bytes)";
    return false;
  }
  *out = ReadHostOrder<uint32_t>(a.value, 0);
  return true;
}

// The packed struct rtnexthop entries of RTA_MULTIPATH, each followed by
// its own attributes, read the way jsimonetti/rtnetlink reads them.
Result<std::vector<RouteNextHop>> ParseMultipath(std::string_view data) {
  using R = Result<std::vector<RouteNextHop>>;
  R r;
  size_t pos = 0;
  while (pos < data.size()) {
    std::string_view rest = data.substr(pos);
    if (rest.size() < kRtnexthopSize) return R::Fail("truncated rtnexthop");
    const auto len = ReadHostOrder<uint16_t>(rest, 0);
    if (len < kRtnexthopSize || len > rest.size()) {
      return R::Fail("rtnexthop length " + std::to_string(len) +
                     " does not fit the " + std::to_string(rest.size()) +
                     " bytes left");
    }
    RouteNextHop hop;
    hop.hops = static_cast<uint8_t>(rest[3]);
    hop.ifindex = ReadHostOrder<uint32_t>(rest, 4);
    auto attrs = ParseNetlinkAttributes(
        rest.substr(kRtnexthopSize, len - kRtnexthopSize));
    if (!attrs.ok()) return R::Fail("rtnexthop: " + attrs.error);
    for (const NetlinkAttribute& a : attrs.value) {
      if (a.type == kRtaGateway) hop.gateway = std::string(a.value);
    }
    r.value.push_back(std::move(hop));
    pos += len;
  }
  return r;
}

}  // namespace

std::string LinkDumpRequest() { return std::string(kIfinfomsgSize, '\0'); }

std::string RouteDumpRequest() { return std::string(kRtmsgSize, '\0'); }

Result<RouteMessage> ParseRouteMessage(std::string_view payload) {
  using R = Result<RouteMessage>;
  if (payload.size() < kRtmsgSize) {
    return R::Fail("route message is " + std::to_string(payload.size()) +
                   " bytes, shorter than struct rtmsg");
  }
  R r;
  RouteMessage& m = r.value;
  m.family = static_cast<uint8_t>(payload[0]);
  m.dst_len = static_cast<uint8_t>(payload[1]);
  m.protocol = static_cast<uint8_t>(payload[5]);
  m.type = static_cast<uint8_t>(payload[7]);
  auto attrs = ParseNetlinkAttributes(payload.substr(kRtmsgSize));
  if (!attrs.ok()) return R::Fail("route message: " + attrs.error);
  std::string error;
  for (const NetlinkAttribute& a : attrs.value) {
    switch (a.type) {
      case kRtaDst:
        m.dst = std::string(a.value);
        break;
      case kRtaPrefsrc:
        m.prefsrc = std::string(a.value);
        break;
      case kRtaGateway:
        m.gateway = std::string(a.value);
        break;
      case kRtaOif:
        if (!ReadU32(a, &m.oif, &error))
          return R::Fail("route message: " + error);
        break;
      case kRtaPriority:
        if (!ReadU32(a, &m.priority, &error)) {
          return R::Fail("route message: " + error);
        }
        break;
      case kRtaMultipath: {
        auto hops = ParseMultipath(a.value);
        if (!hops.ok()) return R::Fail("route message: " + hops.error);
        m.multipath = std::move(hops.value);
        break;
      }
      default:
        break;
    }
  }
  return r;
}

Result<LinkMessage> ParseLinkMessage(std::string_view payload) {
  using R = Result<LinkMessage>;
  if (payload.size() < kIfinfomsgSize) {
    return R::Fail("link message is " + std::to_string(payload.size()) +
                   " bytes, shorter than struct ifinfomsg");
  }
  R r;
  r.value.index = ReadHostOrder<int32_t>(payload, 4);
  auto attrs = ParseNetlinkAttributes(payload.substr(kIfinfomsgSize));
  if (!attrs.ok()) return R::Fail("link message: " + attrs.error);
  for (const NetlinkAttribute& a : attrs.value) {
    if (a.type == kIflaIfname) r.value.name = CString(a.value);
  }
  return r;
}

std::string QdiscDumpRequest() { return std::string(kTcmsgSize, '\0'); }

Result<QdiscMessage> ParseQdiscMessage(std::string_view payload) {
  using R = Result<QdiscMessage>;
  if (payload.size() < kTcmsgSize) {
    return R::Fail("qdisc message is " + std::to_string(payload.size()) +
                   " bytes, shorter than struct tcmsg");
  }
  R r;
  QdiscMessage& m = r.value;
  m.ifindex = ReadHostOrder<int32_t>(payload, 4);
  m.handle = ReadHostOrder<uint32_t>(payload, 8);
  m.parent = ReadHostOrder<uint32_t>(payload, 12);
  if (m.parent == kTcHRoot) m.parent = 0;
  auto attrs = ParseNetlinkAttributes(payload.substr(kTcmsgSize));
  if (!attrs.ok()) return R::Fail("qdisc message: " + attrs.error);
  bool have_stats2 = false;
  std::string_view legacy;
  for (const NetlinkAttribute& a : attrs.value) {
    if (a.type == kTcaKind) {
      m.kind = CString(a.value);
    } else if (a.type == kTcaStats) {
      legacy = a.value;
      if (auto e = CheckSize(a.value, kTcStatsSize, "tc_stats"); !e.empty()) {
        return R::Fail("qdisc message: " + e);
      }
    } else if (a.type == kTcaStats2) {
      have_stats2 = true;
      auto nested = ParseNetlinkAttributes(a.value);
      if (!nested.ok()) return R::Fail("qdisc TCA_STATS2: " + nested.error);
      for (const NetlinkAttribute& n : nested.value) {
        std::string e;
        if (n.type == kTcaStatsBasic) {
          e = CheckSize(n.value, kGnetBasicSize, "gnet_stats_basic");
          if (e.empty()) {
            m.bytes = ReadHostOrder<uint64_t>(n.value, 0);
            m.packets = ReadHostOrder<uint32_t>(n.value, 8);
          }
        } else if (n.type == kTcaStatsQueue) {
          e = CheckSize(n.value, kGnetQueueSize, "gnet_stats_queue");
          if (e.empty()) {
            m.qlen = ReadHostOrder<uint32_t>(n.value, 0);
            m.backlog = ReadHostOrder<uint32_t>(n.value, 4);
            m.drops = ReadHostOrder<uint32_t>(n.value, 8);
            m.requeues = ReadHostOrder<uint32_t>(n.value, 12);
            m.overlimits = ReadHostOrder<uint32_t>(n.value, 16);
          }
        }
        if (!e.empty()) return R::Fail("qdisc message: " + e);
      }
    }
  }
  if (!have_stats2 && !legacy.empty()) {
    m.bytes = ReadHostOrder<uint64_t>(legacy, 0);
    m.packets = ReadHostOrder<uint32_t>(legacy, 8);
    m.drops = ReadHostOrder<uint32_t>(legacy, 12);
    m.overlimits = ReadHostOrder<uint32_t>(legacy, 16);
    m.qlen = ReadHostOrder<uint32_t>(legacy, 28);
    m.backlog = ReadHostOrder<uint32_t>(legacy, 32);
  }
  return r;
}

std::string RouteProtocolName(uint8_t protocol) {
  // node_exporter's table, from include/uapi/linux/rtnetlink.h.
  static constexpr std::pair<uint8_t, const char*> kRtnlNames[] = {
      {0, "unspec"},  {1, "redirect"}, {2, "kernel"},    {3, "boot"},
      {4, "static"},  {8, "gated"},    {9, "ra"},        {10, "mrt"},
      {11, "zebra"},  {12, "bird"},    {13, "dnrouted"}, {14, "xorp"},
      {15, "ntk"},    {16, "dhcp"},    {17, "mrouted"},  {42, "babel"},
      {186, "bgp"},   {187, "isis"},   {188, "ospf"},    {189, "rip"},
      {192, "eigrp"},
  };
  for (const auto& [number, name] : kRtnlNames) {
    if (number == protocol) return name;
  }
  return "unknown";
}

}  // namespace host_exporter::parse
