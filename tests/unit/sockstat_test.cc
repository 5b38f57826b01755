// /proc/net/sockstat{,6} parser and the sockstat collector.
#include "parse/sockstat.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseSockstat;

TEST(ParseSockstatTest, Ipv4File) {
  auto r = ParseSockstat(
      "sockets: used 15\n"
      "TCP: inuse 2 orphan 0 tw 1 alloc 3 mem 4\n"
      "UDP: inuse 5 mem 6\n"
      "UDPLITE: inuse 0\n"
      "RAW: inuse 7\n"
      "FRAG: inuse 8 memory 9\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.used, 15);
  ASSERT_EQ(r.value.protocols.size(), 5u);
  const auto& tcp = r.value.protocols[0];
  EXPECT_EQ(tcp.protocol, "TCP");
  EXPECT_EQ(tcp.inuse, 2);
  EXPECT_EQ(tcp.orphan, 0);
  EXPECT_EQ(tcp.tw, 1);
  EXPECT_EQ(tcp.alloc, 3);
  EXPECT_EQ(tcp.mem, 4);
  EXPECT_FALSE(tcp.memory);
  EXPECT_FALSE(r.value.protocols[1].orphan);
  EXPECT_EQ(r.value.protocols[4].memory, 9);
}

TEST(ParseSockstatTest, Ipv6FileHasNoSocketsLine) {
  auto r = ParseSockstat("TCP6: inuse 3\nFRAG6: inuse 0 memory 0\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_FALSE(r.value.used);
  ASSERT_EQ(r.value.protocols.size(), 2u);
  EXPECT_EQ(r.value.protocols[0].protocol, "TCP6");
  EXPECT_EQ(r.value.protocols[0].inuse, 3);
}

TEST(ParseSockstatTest, UnknownKeysIgnoredMissingInuseIsZero) {
  auto r = ParseSockstat("NEW: pressure 1 alloc 2\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.protocols[0].inuse, 0);
  EXPECT_EQ(r.value.protocols[0].alloc, 2);
}

TEST(ParseSockstatTest, EmptyFile) {
  auto r = ParseSockstat("");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value.used);
  EXPECT_TRUE(r.value.protocols.empty());
}

TEST(ParseSockstatTest, HugeNumbers) {
  auto r = ParseSockstat("TCP: inuse 9223372036854775807 mem -5\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.protocols[0].inuse, INT64_MAX);
  EXPECT_EQ(r.value.protocols[0].mem, -5);
  EXPECT_FALSE(ParseSockstat("TCP: inuse 9223372036854775808\n").ok());
}

TEST(ParseSockstatTest, RejectsTruncatedOddAndGarbage) {
  EXPECT_EQ(ParseSockstat("TCP: inuse\n").error,
            "line 1: malformed sockstat line: 'TCP: inuse'");
  EXPECT_EQ(ParseSockstat("TCP: inuse 1 tw\n").error,
            "line 1: odd number of fields in key/value pairs");
  EXPECT_EQ(ParseSockstat("TCP: inuse x\n").error,
            "line 1: value of inuse is not an integer: 'x'");
  // Single spaces only, as the kernel writes them and Go splits them.
  EXPECT_FALSE(ParseSockstat("TCP:  inuse 1\n").ok());
  EXPECT_FALSE(ParseSockstat("sockets: used 1\n\n").ok());
}

}  // namespace

namespace testing {
namespace {

TEST(SockstatCollectorTest, ReadsFixture) {
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  Families fams = RunCollector("sockstat");
  EXPECT_EQ(FindValue(fams, "node_sockstat_sockets_used"), 1024);
  EXPECT_EQ(FindValue(fams, "node_sockstat_TCP_inuse"), 37);
  EXPECT_EQ(FindValue(fams, "node_sockstat_TCP_orphan"), 2);
  EXPECT_EQ(FindValue(fams, "node_sockstat_TCP_tw"), 14);
  EXPECT_EQ(FindValue(fams, "node_sockstat_TCP_alloc"), 45);
  EXPECT_EQ(FindValue(fams, "node_sockstat_TCP_mem"), 23);
  EXPECT_EQ(FindValue(fams, "node_sockstat_TCP_mem_bytes"), 23 * page);
  EXPECT_EQ(FindValue(fams, "node_sockstat_UDP_mem_bytes"), 6 * page);
  EXPECT_EQ(FindValue(fams, "node_sockstat_FRAG_memory"), 12288);
  EXPECT_EQ(FindValue(fams, "node_sockstat_TCP6_inuse"), 12);
  EXPECT_EQ(FindValue(fams, "node_sockstat_RAW6_inuse"), 2);
  EXPECT_EQ(FindValue(fams, "node_sockstat_FRAG6_memory"), 0);
  EXPECT_FALSE(FindValue(fams, "node_sockstat_UDP_orphan"));
  // 1 + TCP 6 + UDP 3 + UDPLITE 1 + RAW 1 + FRAG 2, then 1+1+1+1+2 for IPv6.
  EXPECT_EQ(fams.size(), 20u);
  const auto* f = FindFamily(fams, "node_sockstat_TCP_mem_bytes");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->help, "Number of TCP sockets in state mem_bytes.");
  EXPECT_EQ(f->type, prometheus::MetricType::Gauge);
  EXPECT_EQ(Family(fams, "node_sockstat_sockets_used").help,
            "Number of IPv4 sockets in use.");
}

TEST(SockstatCollectorTest, EitherFileMayBeAbsent) {
  TempRoot tmp;
  const std::string root = tmp.dir();
  std::filesystem::create_directories(root + "/proc/net");
  EXPECT_TRUE(RunCollector("sockstat", {}, FixturePaths(root)).empty());
  std::ofstream(root + "/proc/net/sockstat6") << "UDP6: inuse 4\n";
  Families fams = RunCollector("sockstat", {}, FixturePaths(root));
  ASSERT_EQ(fams.size(), 1u);
  EXPECT_EQ(FindValue(fams, "node_sockstat_UDP6_inuse"), 4);
  std::ofstream(root + "/proc/net/sockstat") << "TCP: inuse one\n";
  EXPECT_THROW(RunCollector("sockstat", {}, FixturePaths(root)), CollectError);
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
