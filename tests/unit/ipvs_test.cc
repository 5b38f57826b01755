// The IPVS parsers on strings, and the ipvs collector on the fixture root.
#include "parse/ipvs.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "parse/net_address.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseIpvsBackends;
using parse::ParseIpvsStats;

constexpr char kStats[] =
    "   Total Incoming Outgoing         Incoming         Outgoing\n"
    "   Conns  Packets  Packets            Bytes            Bytes\n"
    " 16AA370 E33656E5        0     51D8C8883AB3                0\n"
    "\n"
    " Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n"
    "       4    1FB3C        0          1282A8F                0\n";

TEST(IpvsStatsParseTest, HexTotals) {
  auto r = ParseIpvsStats(kStats);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.connections, 0x16AA370u);
  EXPECT_EQ(r.value.incoming_packets, 0xE33656E5u);
  EXPECT_EQ(r.value.outgoing_packets, 0u);
  EXPECT_EQ(r.value.incoming_bytes, 0x51D8C8883AB3u);
  auto max = ParseIpvsStats("\n\nFFFFFFFFFFFFFFFF 0 0 0 0\n");
  ASSERT_TRUE(max.ok()) << max.error;
  EXPECT_EQ(max.value.connections, 0xFFFFFFFFFFFFFFFFu);
}

TEST(IpvsStatsParseTest, TruncatedGarbageHugeAndEmpty) {
  EXPECT_EQ(ParseIpvsStats("").error, "too short: expected at least 4 lines");
  EXPECT_EQ(ParseIpvsStats("a\nb\n1 2 3 4 5").error,
            "too short: expected at least 4 lines");
  EXPECT_EQ(ParseIpvsStats("a\nb\n1 2 3 4\n").error,
            "line 3: expected 5 fields, got 4");
  EXPECT_EQ(ParseIpvsStats("a\nb\n1 2 3 4 5 6\n").error,
            "line 3: expected 5 fields, got 6");
  EXPECT_EQ(ParseIpvsStats("a\nb\n1 2 G 4 5\n").error,
            "line 3: field 3 is not a hexadecimal number: 'G'");
  EXPECT_FALSE(ParseIpvsStats("a\nb\n1 2 3 4 10000000000000000\n").ok());
}

constexpr char kBackends[] =
    "IP Virtual Server version 1.2.1 (size=4096)\n"
    "Prot LocalAddress:Port Scheduler Flags\n"
    "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n"
    "TCP  0A000064:01BB wlc\n"
    "  -> 0A00010B:01BB      Masq    100    248        2\n"
    "  -> 0a00010c:01bb      Masq    100    251        1\n"
    "UDP  0A000065:0035 sh\n"
    "  -> 0A00020B:0035      Route   1      0          27\n"
    "TCP  [2001:0db8:0000:0000:0000:0000:0000:0064]:01BB lc\n"
    "  -> [2001:0db8:0000:0000:0000:0000:0001:000b]:01BB      Route   3      5 "
    "         9\n"
    "FWM  10001000 wlc\n"
    "  -> 0A00030B:0CEA      Route   7      2          1\n"
    "  -> short\n";

TEST(IpvsBackendsParseTest, ServicesAndRealServers) {
  auto r = ParseIpvsBackends(kBackends);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 5u);
  const auto& b0 = r.value[0];
  EXPECT_EQ(b0.proto, "TCP");
  EXPECT_EQ(b0.local_address, "10.0.0.100");
  EXPECT_EQ(b0.local_port, 443);
  EXPECT_EQ(b0.remote_address, "10.0.1.11");
  EXPECT_EQ(b0.remote_port, 443);
  EXPECT_EQ(b0.weight, 100u);
  EXPECT_EQ(b0.active_conn, 248u);
  EXPECT_EQ(b0.inactive_conn, 2u);
  EXPECT_EQ(r.value[1].remote_address, "10.0.1.12");  // lower-case hex
  EXPECT_EQ(r.value[2].proto, "UDP");
  EXPECT_EQ(r.value[2].local_port, 53);
  EXPECT_EQ(r.value[3].local_address, "2001:db8::64");
  EXPECT_EQ(r.value[3].remote_address, "2001:db8::1:b");
  const auto& fwm = r.value[4];
  EXPECT_EQ(fwm.proto, "FWM");
  EXPECT_EQ(fwm.local_mark, "10001000");
  EXPECT_EQ(fwm.local_address, "");
  EXPECT_EQ(fwm.local_port, 0);
  EXPECT_EQ(fwm.remote_port, 3306);
}

TEST(IpvsBackendsParseTest, OtherServicesLendTheirServersToThePreviousOne) {
  // procfs does not know SCTP: its real servers count for the TCP service.
  auto r = ParseIpvsBackends(
      "TCP  0A000064:0050 rr\n"
      "SCTP 0A000064:0051 rr\n"
      "  -> 0A00010B:0051      Masq    1      2          3\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 1u);
  EXPECT_EQ(r.value[0].proto, "TCP");
  EXPECT_EQ(r.value[0].local_port, 80);
  EXPECT_EQ(r.value[0].remote_port, 81);
}

TEST(IpvsBackendsParseTest, BadAddressesAndNumbers) {
  EXPECT_EQ(ParseIpvsBackends("TCP 0A0000640050 rr\n").error,
            "line 1: unexpected IP:Port '0A0000640050'");
  EXPECT_EQ(ParseIpvsBackends("TCP 0A0Z0064:0050 rr\n").error,
            "line 1: invalid IPv4 address in '0A0Z0064:0050'");
  EXPECT_EQ(ParseIpvsBackends("TCP 0A000064:005G rr\n").error,
            "line 1: invalid port in '0A000064:005G'");
  EXPECT_EQ(
      ParseIpvsBackends(
          "TCP [2001:0db8:0000:0000:0000:0000:0000:00zz]:0050 rr\n")
          .error,
      "line 1: invalid IPv6 address '2001:0db8:0000:0000:0000:0000:0000:00zz'");
  EXPECT_EQ(ParseIpvsBackends("TCP 0A000064:0050 rr\n"
                              "  -> 0A00010B:0050 Masq 1 2 x\n")
                .error,
            "line 2: field 6 is not a number: 'x'");
  EXPECT_FALSE(ParseIpvsBackends("TCP 0A000064:0050 rr\n"
                                 "  -> 0A00010B:0050 Masq 1 2 "
                                 "18446744073709551616\n")
                   .ok());
  auto empty = ParseIpvsBackends("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty.value.empty());
}

// The IPVS addresses go through parse::FormatIP (net_address.h), Go's
// net.IP.String().
TEST(FormatIpTest, MatchesGoNetIpStringForIpvsAddresses) {
  auto FormatGoIp = [](const uint8_t* b, size_t n) {
    return parse::FormatIP(
        std::string_view(reinterpret_cast<const char*>(b), n));
  };
  const uint8_t v4[] = {192, 168, 0, 1};
  EXPECT_EQ(FormatGoIp(v4, 4), "192.168.0.1");
  const uint8_t zero[16] = {};
  EXPECT_EQ(FormatGoIp(zero, 16), "::");
  const uint8_t one[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(FormatGoIp(one, 16), "::1");
  const uint8_t mapped[16] = {0, 0, 0,    0,    0,  0, 0, 0,
                              0, 0, 0xff, 0xff, 10, 0, 0, 1};
  EXPECT_EQ(FormatGoIp(mapped, 16), "10.0.0.1");
  // A single zero group is not shortened; the first of two equal runs is.
  const uint8_t single[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1,
                              0,    1,    0,    1,    0, 1, 0, 1};
  EXPECT_EQ(FormatGoIp(single, 16), "2001:db8:0:1:1:1:1:1");
  const uint8_t ties[16] = {0x20, 0x01, 0, 0, 0, 0, 0, 1,
                            0,    1,    0, 0, 0, 0, 0, 1};
  EXPECT_EQ(FormatGoIp(ties, 16), "2001::1:1:0:0:1");
  const uint8_t tail[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0,
                            0xab, 0xcd, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(FormatGoIp(tail, 16), "fe80::abcd:0:0:0");
}

using testing::Family;
using testing::FindFamily;
using testing::FindValue;
using testing::RunCollector;

TEST(IpvsCollectorTest, ReadsFixture) {
  Families f = RunCollector("ipvs");
  EXPECT_EQ(FindValue(f, "node_ipvs_connections_total"), 0x16AA370);
  EXPECT_EQ(FindValue(f, "node_ipvs_incoming_packets_total"), 0xE33656E5);
  EXPECT_EQ(FindValue(f, "node_ipvs_incoming_bytes_total"), 0x51D8C8883AB3);
  EXPECT_EQ(FindValue(f, "node_ipvs_outgoing_packets_total"), 0);
  EXPECT_EQ(FindValue(f, "node_ipvs_outgoing_bytes_total"), 0);
  const Labels https = {{"local_address", "10.0.0.100"},
                        {"local_port", "443"},
                        {"remote_address", "10.0.1.13"},
                        {"remote_port", "443"},
                        {"proto", "TCP"},
                        {"local_mark", ""}};
  EXPECT_EQ(FindValue(f, "node_ipvs_backend_connections_active", https), 17);
  EXPECT_EQ(FindValue(f, "node_ipvs_backend_connections_inactive", https), 0);
  EXPECT_EQ(FindValue(f, "node_ipvs_backend_weight", https), 50);
  const Labels fwm = {{"local_address", ""},
                      {"local_port", "0"},
                      {"remote_address", "10.0.3.12"},
                      {"remote_port", "3306"},
                      {"proto", "FWM"},
                      {"local_mark", "10001000"}};
  EXPECT_EQ(FindValue(f, "node_ipvs_backend_connections_active", fwm), 4);
  EXPECT_EQ(Family(f, "node_ipvs_backend_weight").metric.size(), 10u);
}

TEST(IpvsCollectorTest, FewerLabelsSumTheirBackends) {
  CollectorOptions o;
  o.Set("collector.ipvs.backend-labels", {"proto,local_port"});
  Families f = RunCollector("ipvs", o);
  EXPECT_EQ(FindValue(f, "node_ipvs_backend_connections_active",
                      {{"proto", "TCP"}, {"local_port", "443"}}),
            248 + 251 + 17 + 5);
  EXPECT_EQ(FindValue(f, "node_ipvs_backend_weight",
                      {{"proto", "TCP"}, {"local_port", "443"}}),
            100 + 100 + 50 + 3);
  EXPECT_EQ(FindValue(f, "node_ipvs_backend_connections_inactive",
                      {{"proto", "UDP"}, {"local_port", "53"}}),
            27 + 31);
  EXPECT_EQ(Family(f, "node_ipvs_backend_weight").metric.size(), 4u);

  o.Set("collector.ipvs.backend-labels", {""});
  Families none = RunCollector("ipvs", o);
  EXPECT_EQ(FindValue(none, "node_ipvs_backend_connections_active"),
            248 + 251 + 17 + 12 + 0 + 0 + 0 + 5 + 2 + 4);
}

// The kept entries (label values, keys) change nothing from run to run,
// with every label and with fewer (summed runs).
TEST(IpvsCollectorTest, SteadyRunsAlike) {
  testing::ExpectSteadyRunsAlike("ipvs");
  testing::ExpectSteadyRunsAlike(
      "ipvs",
      testing::Opt("collector.ipvs.backend-labels", "proto,local_port"));
  testing::ExpectSteadyRunsAlike(
      "ipvs", testing::Opt("collector.ipvs.backend-labels", ""));
}

// A run after the backends changed groups them as they are now, not as
// the kept entries were: two real servers that became one label set are
// summed into one series.
TEST(IpvsCollectorTest, KeptEntriesFollowTheBackends) {
  testing::TempRoot root;
  root.Write("proc/net/ip_vs_stats",
             "   Total Incoming Outgoing         Incoming         Outgoing\n"
             "   Conns  Packets  Packets            Bytes            Bytes\n"
             "       1        2        3                4                5\n");
  auto backends = [&](const char* second) {
    root.Write("proc/net/ip_vs",
               std::string("IP Virtual Server version 1.2.1 (size=4096)\n"
                           "Prot LocalAddress:Port Scheduler Flags\n"
                           "  -> RemoteAddress:Port Forward Weight "
                           "ActiveConn InActConn\n"
                           "TCP  0A000064:01BB wlc\n"
                           "  -> 0A00010B:01BB      Masq    100    7        0\n"
                           "  -> ") +
                   second + ":01BB      Masq    100    5        0\n");
  };
  std::unique_ptr<Collector> c = testing::MakeCollector("ipvs", {});
  backends("0A00010C");
  Families f = c->Collect(root.paths());
  EXPECT_EQ(Family(f, "node_ipvs_backend_connections_active").metric.size(),
            2u);
  backends("0A00010B");  // the same real server twice
  f = c->Collect(root.paths());
  ASSERT_EQ(Family(f, "node_ipvs_backend_connections_active").metric.size(),
            1u);
  EXPECT_EQ(FindValue(f, "node_ipvs_backend_connections_active",
                      {{"local_address", "10.0.0.100"},
                       {"local_port", "443"},
                       {"remote_address", "10.0.1.11"},
                       {"remote_port", "443"},
                       {"proto", "TCP"},
                       {"local_mark", ""}}),
            12);
}

TEST(IpvsCollectorTest, UnknownLabelIsAStartUpError) {
  CollectorOptions o;
  o.Set("collector.ipvs.backend-labels", {"proto,zone,backend"});
  try {
    RunCollector("ipvs", o);
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "--collector.ipvs.backend-labels: unknown IPVS backend labels: "
              "\"backend, zone\"");
  }
}

TEST(IpvsCollectorTest, NoIpvsIsNoMetrics) {
  EXPECT_TRUE(
      RunCollector("ipvs", {}, testing::FixturePaths("/nonexistent")).empty());
}

}  // namespace
}  // namespace host_exporter
