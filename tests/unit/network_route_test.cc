// The network_route collector on the fixture root and on the live host.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "collectors/toolkit.h"
#include "parse/net_address.h"
#include "parse/net_route.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

std::optional<double> Route(const Families& fams, const std::string& device,
                            const std::string& dest, const std::string& gw,
                            const std::string& priority) {
  return FindValue(fams, "node_network_route_info",
                   {{"device", device},
                    {"src", ""},
                    {"dest", dest},
                    {"gw", gw},
                    {"priority", priority},
                    {"proto", "unspec"},
                    {"weight", ""}});
}

TEST(NetworkRouteCollectorTest, UnicastRoutesOfTheFixtureFiles) {
  Families fams = RunCollector("network_route");
  ASSERT_EQ(fams.size(), 2u);
  const auto* info = FindFamily(fams, "node_network_route_info");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->help, "network routing table information");
  EXPECT_EQ(info->type, prometheus::MetricType::Gauge);
  EXPECT_EQ(info->metric.size(), 9u);
  EXPECT_EQ(Route(fams, "eth0", "default", "192.168.1.1", "100"), 1);
  EXPECT_EQ(Route(fams, "eth0", "192.168.1.0/24", "", "100"), 1);
  EXPECT_EQ(Route(fams, "wlan0", "10.77.0.0/16", "", "600"), 1);
  EXPECT_EQ(Route(fams, "wlan0", "10.10.0.0/24", "10.77.0.1", "600"), 1);
  EXPECT_EQ(Route(fams, "br-5f2c0e1a9b7d", "172.18.0.0/16", "", "0"), 1);
  EXPECT_EQ(Route(fams, "eth0", "2001:db8:cafe::/64", "", "256"), 1);
  EXPECT_EQ(Route(fams, "eth0", "fe80::/64", "", "256"), 1);
  EXPECT_EQ(Route(fams, "wlan0", "fe80::/64", "", "256"), 1);
  EXPECT_EQ(Route(fams, "eth0", "default", "fe80::1", "1024"), 1);

  const auto* routes = FindFamily(fams, "node_network_routes");
  ASSERT_NE(routes, nullptr);
  EXPECT_EQ(routes->help, "network routes by interface");
  EXPECT_EQ(routes->metric.size(), 3u);
  EXPECT_EQ(FindValue(fams, "node_network_routes", {{"device", "eth0"}}), 5);
  EXPECT_EQ(FindValue(fams, "node_network_routes", {{"device", "wlan0"}}), 3);
  EXPECT_EQ(
      FindValue(fams, "node_network_routes", {{"device", "br-5f2c0e1a9b7d"}}),
      1);
  // Reject, local, multicast and null entries are not unicast routes.
  EXPECT_FALSE(FindValue(fams, "node_network_routes", {{"device", "lo"}}));
  EXPECT_FALSE(FindValue(fams, "node_network_routes", {{"device", "*"}}));
}

TEST(NetworkRouteCollectorTest, NoFilesNoRoutes) {
  EXPECT_TRUE(
      RunCollector("network_route", {}, FixturePaths("/nonexistent")).empty());
}

TEST(NetworkRouteCollectorTest, LiveProcUsesRtnetlink) {
  // /proc/sys is a procfs mount without net/route: there the collector can
  // only answer over rtnetlink (the file fallback would fail on the missing
  // file), so a result proves which path ran.
  struct stat st;
  if (::stat("/proc/sys", &st) != 0) GTEST_SKIP() << "no /proc here";
  const auto v4 = Unwrap(parse::ParseProcNetRoute(ReadFile("/proc/net/route")),
                         "/proc/net/route");
  if (v4.empty()) GTEST_SKIP() << "a host without an IPv4 route";
  HostPaths live;
  live.procfs = "/proc/sys";
  Families fams;
  ASSERT_NO_THROW(fams = RunCollector("network_route", {}, live));
  const auto& info = Family(fams, "node_network_route_info");
  const auto& routes = Family(fams, "node_network_routes");
  EXPECT_FALSE(info.metric.empty());
  double total = 0;
  for (const auto& m : routes.metric) total += m.gauge.value;
  EXPECT_EQ(total, static_cast<double>(info.metric.size()));
  for (const auto& m : info.metric) {
    ASSERT_EQ(m.label.size(), 7u);
    EXPECT_EQ(m.gauge.value, 1);
  }
}

}  // namespace
}  // namespace host_exporter::testing
