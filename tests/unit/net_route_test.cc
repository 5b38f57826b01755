// /proc/net/route and /proc/net/ipv6_route parsers, and the network_route
// collector: on the fixture root (files) and on the live host (rtnetlink).
#include "parse/net_route.h"

#include <net/route.h>
#include <sys/stat.h>

#include "collectors/toolkit.h"
#include "parse/net_address.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::FormatIP;
using parse::ParseProcIpv6Route;
using parse::ParseProcNetRoute;

constexpr char kRouteHeader[] =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\t"
    "Window\tIRTT                                                       \n";

TEST(ParseProcNetRouteTest, RoutesAfterTheHeader) {
  auto r = ParseProcNetRoute(
      std::string(kRouteHeader) +
      "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0        \n"
      "eth0\t000200C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0      \n"
      "eth0\t070200C0\t00000000\t0005\t0\t0\t-1\tFFFFFFFF\t0\t0\t0       \n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 3u);
  EXPECT_EQ(r.value[0].device, "eth0");
  EXPECT_EQ(r.value[0].dst_len, 0u);
  EXPECT_EQ(FormatIP(r.value[0].gateway), "192.0.2.1");
  EXPECT_EQ(r.value[0].flags, 3u);
  EXPECT_EQ(FormatIP(r.value[1].dst), "192.0.2.0");
  EXPECT_EQ(r.value[1].dst_len, 24u);
  EXPECT_EQ(r.value[1].metric, 100u);
  EXPECT_EQ(r.value[2].dst_len, 32u);
  // The u32 priority printed with %d.
  EXPECT_EQ(r.value[2].metric, 4294967295u);
}

TEST(ParseProcNetRouteTest, EmptyAndHeaderOnly) {
  EXPECT_TRUE(ParseProcNetRoute("").value.empty());
  auto r = ParseProcNetRoute(kRouteHeader);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value.empty());
}

TEST(ParseProcNetRouteTest, RejectsTruncatedGarbageAndNonPrefixMasks) {
  const std::string h = kRouteHeader;
  EXPECT_EQ(ParseProcNetRoute(h + "eth0\t00000000\t00000000\t0001\n").error,
            "line 2: expected at least 8 fields, got 4");
  EXPECT_EQ(ParseProcNetRoute(h + "eth0 0000000 0 1 0 0 0 00000000\n").error,
            "line 2: bad destination '0000000'");
  EXPECT_EQ(
      ParseProcNetRoute(h + "eth0 00000000 00000000 1 0 0 x 00000000\n").error,
      "line 2: bad metric 'x'");
  EXPECT_EQ(
      ParseProcNetRoute(h + "eth0 00000000 00000000 1 0 0 0 00FF00FF\n").error,
      "line 2: bad mask '00FF00FF'");
  // Huge: a metric beyond 64 bits.
  EXPECT_FALSE(ParseProcNetRoute(h + "eth0 00000000 00000000 1 0 0 "
                                     "99999999999999999999 00000000\n")
                   .ok());
}

TEST(ParseProcIpv6RouteTest, Routes) {
  auto r = ParseProcIpv6Route(
      "fd000000000000000000000000000000 40 00000000000000000000000000000000 "
      "00 00000000000000000000000000000000 00000100 00000001 00000000 "
      "00000001     eth0\n"
      "00000000000000000000000000000000 00 00000000000000000000000000000000 "
      "00 fd000000000000000000000000000001 00000400 00000002 00000000 "
      "00000003     eth0\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(parse::FormatRouteDestination(r.value[0].dst, r.value[0].dst_len),
            "fd00::/64");
  EXPECT_EQ(r.value[0].metric, 256u);
  EXPECT_EQ(r.value[1].dst_len, 0u);
  EXPECT_EQ(FormatIP(r.value[1].gateway), "fd00::1");
  EXPECT_EQ(r.value[1].flags, RTF_GATEWAY | 1);
  EXPECT_EQ(r.value[1].device, "eth0");
  EXPECT_TRUE(ParseProcIpv6Route("").value.empty());
}

TEST(ParseProcIpv6RouteTest, RejectsTruncatedAndGarbage) {
  EXPECT_EQ(ParseProcIpv6Route("fd00 40 00\n").error,
            "line 1: expected 10 fields, got 3");
  const std::string z = "00000000000000000000000000000000";
  EXPECT_EQ(ParseProcIpv6Route(z + " 81 " + z + " 00 " + z +
                               " 00000100 1 0 00000001 eth0\n")
                .error,
            "line 1: bad prefix length '81'");
  EXPECT_EQ(ParseProcIpv6Route(z + " 40 " + z + " 00 " + z +
                               " 100000000 1 0 00000001 eth0\n")
                .error,
            "line 1: bad metric '100000000'");
  EXPECT_FALSE(ParseProcIpv6Route("x" + z.substr(1) + " 40 " + z + " 00 " + z +
                                  " 1 1 0 1 eth0\n")
                   .ok());
}

}  // namespace

}  // namespace host_exporter
