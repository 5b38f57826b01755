// /proc/net/{netstat,snmp,snmp6} parsers and the netstat collector.
#include "parse/netstat.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::CounterView;

// What the parsers appended, as node_exporter's map of maps (a name given
// twice: its last value), and their error.
struct Parsed {
  std::map<std::string, std::map<std::string, double>> value;
  std::string error;
  bool ok() const { return error.empty(); }
};

Parsed AsMap(const std::vector<CounterView>& counters, std::string error) {
  Parsed p;
  p.error = std::move(error);
  if (!p.ok()) return p;  // the counters appended may hold the bad value
  for (const CounterView& c : counters) {
    p.value[std::string(c.group)][std::string(c.name)] =
        parse::ParseDouble(c.value).value();
  }
  return p;
}

Parsed ParseNetstat(std::string_view text) {
  std::vector<CounterView> out;
  std::string error = parse::ParseNetstat(text, &out);
  return AsMap(out, std::move(error));
}

Parsed ParseSnmp6(std::string_view text) {
  std::vector<CounterView> out;
  std::string error = parse::ParseSnmp6(text, &out);
  return AsMap(out, std::move(error));
}

TEST(ParseNetstatTest, PairsOfLines) {
  auto r = ParseNetstat(
      "TcpExt: SyncookiesSent ListenDrops\n"
      "TcpExt: 3 17\n"
      "IpExt: InOctets OutOctets\n"
      "IpExt: 123456 654321\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value["TcpExt"]["SyncookiesSent"], 3);
  EXPECT_EQ(r.value["TcpExt"]["ListenDrops"], 17);
  EXPECT_EQ(r.value["IpExt"]["OutOctets"], 654321);
}

TEST(ParseNetstatTest, CountersAreViewsOfTheTextInItsOrder) {
  const std::string text = "Tcp: MaxConn InSegs\nTcp: -1 1e3\n";
  std::vector<CounterView> out;
  ASSERT_EQ(parse::ParseNetstat(text, &out), "");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].group, "Tcp");
  EXPECT_EQ(out[0].name, "MaxConn");
  EXPECT_EQ(out[0].value, "-1");  // checked, not converted
  EXPECT_EQ(out[1].value, "1e3");
  EXPECT_GE(out[1].value.data(), text.data());
  EXPECT_LT(out[1].value.data(), text.data() + text.size());
}

TEST(ParseNetstatTest, SnmpWithNegativeAndHugeValues) {
  auto r = ParseNetstat(
      "Tcp: RtoAlgorithm MaxConn InSegs\n"
      "Tcp: 1 -1 18446744073709551615\n"
      "Udp: InDatagrams\n"
      "Udp: 99999999999999999999999\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value["Tcp"]["MaxConn"], -1);
  EXPECT_EQ(r.value["Tcp"]["InSegs"], 18446744073709551615.0);
  EXPECT_EQ(r.value["Udp"]["InDatagrams"], 1e23);
}

TEST(ParseNetstatTest, ARepeatedProtocolKeepsItsLastPair) {
  auto r = ParseNetstat(
      "IcmpMsg: InType3 OutType3\nIcmpMsg: 1 2\n"
      "Tcp: A\nTcp: 4\n"
      "IcmpMsg: InType8\nIcmpMsg: 5\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value["IcmpMsg"].size(), 1u);
  EXPECT_EQ(r.value["IcmpMsg"]["InType8"], 5);
  EXPECT_EQ(r.value["Tcp"]["A"], 4);
  // Even with a pair of lines without counters.
  r = ParseNetstat("Tcp: A\nTcp: 4\nUdp: B\nUdp: 2\nTcp:\nTcp:\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.count("Tcp"), 0u);
  EXPECT_EQ(r.value["Udp"]["B"], 2);
}

// node_exporter merges the files' maps of protocols: a later file's
// protocol replaces an earlier file's of the same name.
TEST(ParseNetstatTest, ALaterFilesProtocolReplacesAnEarlierOne) {
  const std::string netstat = "Tcp: A B\nTcp: 1 2\nUdp: C\nUdp: 3\n";
  const std::string snmp = "Ip: D\nIp: 4\nTcp: E\nTcp: 5\n";
  const std::string snmp6 = "Ip6X 6\nUdp6Y 7\nIp6Z 8\n";
  std::vector<CounterView> out;
  ASSERT_EQ(parse::ParseSnmp6(snmp6, &out), "");
  ASSERT_EQ(parse::ParseNetstat(netstat, &out), "");
  ASSERT_EQ(parse::ParseNetstat(snmp, &out), "");
  Parsed r = AsMap(out, "");
  EXPECT_EQ(r.value.size(), 5u);
  EXPECT_EQ(r.value["Tcp"].size(), 1u);
  EXPECT_EQ(r.value["Tcp"]["E"], 5);
  EXPECT_EQ(r.value["Udp"]["C"], 3);
  EXPECT_EQ(r.value["Ip6"].size(), 2u);
  // snmp6's lines of a protocol add up; a later file replaces them.
  ASSERT_EQ(parse::ParseSnmp6("Ip6W 9\n", &out), "");
  r = AsMap(out, "");
  EXPECT_EQ(r.value["Ip6"].size(), 1u);
  EXPECT_EQ(r.value["Ip6"]["W"], 9);
  EXPECT_EQ(r.value["Udp6"]["Y"], 7);
  // A pair of lines without counters replaces too.
  ASSERT_EQ(parse::ParseNetstat("Udp:\nUdp:\n", &out), "");
  EXPECT_EQ(AsMap(out, "").value.count("Udp"), 0u);
}

TEST(ParseNetstatTest, EmptyFile) {
  auto r = ParseNetstat("");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value.empty());
}

TEST(ParseNetstatTest, RejectsMismatchTruncatedAndGarbage) {
  EXPECT_EQ(ParseNetstat("Tcp: A B\nTcp: 1\n").error,
            "line 1: field count mismatch for Tcp: 3 names, 2 values");
  EXPECT_EQ(ParseNetstat("Tcp: A B\nTcp: 1 2 3\n").error,
            "line 1: field count mismatch for Tcp: 3 names, 4 values");
  // A header whose value line is missing.
  EXPECT_EQ(ParseNetstat("Tcp: A\nTcp: 1\nUdp: B\n").error,
            "line 3: field count mismatch for Udp: 2 names, 1 values");
  EXPECT_EQ(ParseNetstat("Tcp: A\nTcp: many\n").error,
            "line 2: invalid value 'many' for Tcp A");
  EXPECT_EQ(ParseNetstat("Tcp: A B\nTcp: 1 \n").error,
            "line 2: invalid value '' for Tcp B");
  EXPECT_EQ(ParseNetstat("\n\n").error, "line 1: no protocol name");
}

TEST(ParseSnmp6Test, ProtocolUpToTheFirstSix) {
  auto r = ParseSnmp6(
      "Ip6InReceives                   \t821\n"
      "Icmp6InMsgs                     \t3\n"
      "Icmp6InType134                  \t2\n"
      "Udp6InDatagrams                 \t18446744073709551615\n"
      "UdpLite6InErrors                \t0\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value["Ip6"]["InReceives"], 821);
  EXPECT_EQ(r.value["Icmp6"]["InType134"], 2);
  EXPECT_EQ(r.value["Udp6"]["InDatagrams"], 18446744073709551615.0);
  EXPECT_EQ(r.value["UdpLite6"]["InErrors"], 0);
}

TEST(ParseSnmp6Test, SkipsShortLinesAndNamesWithoutSix) {
  auto r = ParseSnmp6("Ip6InReceives\n\nIpInReceives 4\nIp6OutRequests 5 x\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 1u);
  EXPECT_EQ(r.value["Ip6"].size(), 1u);
  EXPECT_EQ(r.value["Ip6"]["OutRequests"], 5);
  EXPECT_TRUE(ParseSnmp6("").value.empty());
}

TEST(ParseSnmp6Test, RejectsGarbageValues) {
  EXPECT_EQ(ParseSnmp6("Ip6InReceives\tlots\n").error,
            "line 1: invalid value 'lots' for Ip6InReceives");
}

}  // namespace

namespace testing {
namespace {

TEST(NetstatCollectorTest, DefaultFieldsOnFixture) {
  Families fams = RunCollector("netstat");
  EXPECT_EQ(FindValue(fams, "node_netstat_TcpExt_ListenDrops"), 4242);
  EXPECT_EQ(FindValue(fams, "node_netstat_TcpExt_ListenOverflows"), 4200);
  EXPECT_EQ(FindValue(fams, "node_netstat_Tcp_CurrEstab"), 37);
  EXPECT_EQ(FindValue(fams, "node_netstat_Ip_Forwarding"), 1);
  EXPECT_EQ(FindValue(fams, "node_netstat_IpExt_InOctets"), 98765432101.0);
  EXPECT_EQ(FindValue(fams, "node_netstat_Ip6_InOctets"),
            18446744073709551615.0);
  EXPECT_TRUE(FindValue(fams, "node_netstat_Udp6_InDatagrams"));
  EXPECT_TRUE(FindValue(fams, "node_netstat_Icmp6_OutMsgs"));
  EXPECT_TRUE(FindValue(fams, "node_netstat_UdpLite_InErrors"));
  EXPECT_TRUE(FindValue(fams, "node_netstat_TcpExt_SyncookiesFailed"));
  EXPECT_TRUE(FindValue(fams, "node_netstat_TcpExt_TCPTimeouts"));
  // Not in the default pattern.
  EXPECT_FALSE(FindValue(fams, "node_netstat_TcpExt_TW"));
  EXPECT_FALSE(FindValue(fams, "node_netstat_Tcp_MaxConn"));
  EXPECT_FALSE(FindValue(fams, "node_netstat_Ip6_InReceives"));
  // The default pattern selects 40 of the fixture's 402 counters (as
  // node_exporter 1.5 does on the same files).
  EXPECT_EQ(fams.size(), 40u);
  const auto* f = FindFamily(fams, "node_netstat_TcpExt_ListenDrops");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->help, "Statistic TcpExtListenDrops.");
  EXPECT_EQ(f->type, prometheus::MetricType::Untyped);
  EXPECT_EQ(Family(fams, "node_netstat_Icmp6_InMsgs").help,
            "Statistic Icmp6InMsgs.");
}

TEST(NetstatCollectorTest, EmptyPatternSelectsEverything) {
  CollectorOptions all;
  all.Set("collector.netstat.fields", {""});
  Families fams = RunCollector("netstat", all);
  EXPECT_EQ(FindValue(fams, "node_netstat_Tcp_MaxConn"), -1);
  EXPECT_TRUE(FindValue(fams, "node_netstat_Ip6_InReceives"));
  EXPECT_TRUE(FindValue(fams, "node_netstat_MPTcpExt_MPCapableSYNRX"));
  // 135 TcpExt + 18 IpExt + 76 MPTcpExt + 20 Ip + 29 Icmp + 1 IcmpMsg + 15
  // Tcp + 9 Udp + 9 UdpLite counters, and the 90 lines of snmp6.
  EXPECT_EQ(fams.size(), 402u);
}

TEST(NetstatCollectorTest, CustomPattern) {
  CollectorOptions udp;
  udp.Set("collector.netstat.fields", {"^Udp_(InDatagrams|NoPorts)$"});
  Families fams = RunCollector("netstat", udp);
  ASSERT_EQ(fams.size(), 2u);
  EXPECT_TRUE(FindValue(fams, "node_netstat_Udp_InDatagrams"));
  EXPECT_TRUE(FindValue(fams, "node_netstat_Udp_NoPorts"));
}

TEST(NetstatCollectorTest, Snmp6IsOptionalTheOthersAreNot) {
  TempRoot tmp;
  const std::string root = tmp.dir();
  std::filesystem::create_directories(root + "/proc/net");
  std::ofstream(root + "/proc/net/netstat")
      << "TcpExt: ListenDrops\nTcpExt: 9\n";
  EXPECT_THROW(RunCollector("netstat", {}, FixturePaths(root)), CollectError);
  std::ofstream(root + "/proc/net/snmp") << "Udp: NoPorts\nUdp: 4\n";
  Families fams = RunCollector("netstat", {}, FixturePaths(root));
  EXPECT_EQ(fams.size(), 2u);
  EXPECT_EQ(FindValue(fams, "node_netstat_TcpExt_ListenDrops"), 9);
  EXPECT_EQ(FindValue(fams, "node_netstat_Udp_NoPorts"), 4);
}

// A name given twice keeps its last value (node_exporter's map), and a
// protocol of /proc/net/snmp replaces one of /proc/net/netstat.
TEST(NetstatCollectorTest, RepeatedNamesAndProtocols) {
  TempRoot tmp;
  tmp.Write("proc/net/netstat", "Tcp: A B A\nTcp: 1 2 3\nUdp: C\nUdp: 4\n");
  tmp.Write("proc/net/snmp", "Udp: D\nUdp: 5\n");
  tmp.Write("proc/net/snmp6", "Ip6E 6\nIp6E 7\n");
  CollectorOptions all;
  all.Set("collector.netstat.fields", {""});
  auto c = MakeCollector("netstat", all);
  for (int cycle = 0; cycle < 2; ++cycle) {  // the second from kept entries
    Families fams = c->Collect(tmp.paths());
    ASSERT_EQ(fams.size(), 4u);
    EXPECT_EQ(Family(fams, "node_netstat_Tcp_A").metric.size(), 1u);
    EXPECT_EQ(FindValue(fams, "node_netstat_Tcp_A"), 3);
    EXPECT_EQ(FindValue(fams, "node_netstat_Tcp_B"), 2);
    EXPECT_FALSE(FindValue(fams, "node_netstat_Udp_C"));
    EXPECT_EQ(FindValue(fams, "node_netstat_Udp_D"), 5);
    EXPECT_EQ(FindValue(fams, "node_netstat_Ip6_E"), 7);
  }
}

TEST(NetstatCollectorTest, BadValueNamesFileAndLine) {
  TempRoot tmp;
  tmp.Write("proc/net/netstat", "TcpExt: A\nTcpExt: 1\n");
  const std::string snmp = tmp.Write("proc/net/snmp", "Udp: A B\nUdp: 1 x\n");
  try {
    RunCollector("netstat", {}, tmp.paths());
    ADD_FAILURE() << "no error";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              snmp + ": line 2: invalid value 'x' for Udp B");
  }
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
