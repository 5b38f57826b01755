// /proc/net/{tcp,udp}{,6} parser, and the udp_queues and tcpstat collectors
// on the fixture root (tcpstat reads the files there: the fixture is not a
// procfs mount).
#include "parse/net_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "collectors/toolkit.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseNetSocketTable;
using parse::TcpStateName;

constexpr char kUdpHeader[] =
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
    "retrnsmt   uid  timeout inode ref pointer drops            \n";

TEST(ParseNetSocketTableTest, Ipv4Lines) {
  auto r = ParseNetSocketTable(
      std::string(kUdpHeader) +
      "  89: 00000000:0035 00000000:0000 07 00000000:00001200 00:00000000 "
      "00000000   101        0 18121 2 0000000000000000 0\n"
      " 112: 0100007F:0143 00000000:0000 07 00000300:00000040 00:00000000 "
      "00000000     0        0 18733 2 0000000000000000 0\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].state, 7u);
  EXPECT_EQ(r.value[0].rx_queue, 0x1200u);
  EXPECT_EQ(r.value[1].tx_queue, 0x300u);
}

TEST(ParseNetSocketTableTest, Ipv6AndTimeWaitLines) {
  auto r = ParseNetSocketTable(
      "  sl  local_address                         remote_address            "
      "            st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
      "inode\n"
      "   0: 00000000000000000000000000000000:0016 "
      "00000000000000000000000000000000:0000 0A 00000000:00000000 "
      "00:00000000 00000000     0        0 20101 1 0000000000000000 100 0 0 "
      "10 0\n"
      // A TIME_WAIT line has only 12 fields.
      "   4: 0F01A8C0:A3FE 22D8B85D:01BB 06 00000000:00000000 03:00000F23 "
      "00000000     0        0 0 3 0000000000000000\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].state, 10u);
  EXPECT_EQ(r.value[1].state, 6u);
}

TEST(ParseNetSocketTableTest, EmptyAndHeaderOnly) {
  EXPECT_TRUE(ParseNetSocketTable("").value.empty());
  auto header = ParseNetSocketTable(kUdpHeader);
  ASSERT_TRUE(header.ok());
  EXPECT_TRUE(header.value.empty());
}

TEST(ParseNetSocketTableTest, HugeQueues) {
  auto r = ParseNetSocketTable(
      std::string(kUdpHeader) +
      "0: 00000000:0035 00000000:0000 07 FFFFFFFFFFFFFFFF:00000001 00:0 0 0 "
      "0 1\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value[0].tx_queue, UINT64_MAX);
  EXPECT_FALSE(ParseNetSocketTable(std::string(kUdpHeader) +
                                   "0: 00000000:0035 00000000:0000 07 "
                                   "10000000000000000:0 00:0 0 0 0 1\n")
                   .ok());
}

TEST(ParseNetSocketTableTest, RejectsTruncatedAndGarbageLines) {
  const std::string h = kUdpHeader;
  EXPECT_EQ(
      ParseNetSocketTable(h + "0: 00000000:0035 00000000:0000 07\n").error,
      "line 2: expected at least 10 fields, got 4");
  EXPECT_EQ(ParseNetSocketTable(h + "x: 00000000:0035 00000000:0000 07 "
                                    "0:0 00:0 0 0 0 1\n")
                .error,
            "line 2: bad slot 'x:'");
  EXPECT_EQ(ParseNetSocketTable(h + "0: 000000:0035 00000000:0000 07 0:0 "
                                    "00:0 0 0 0 1\n")
                .error,
            "line 2: bad local address '000000:0035'");
  EXPECT_EQ(ParseNetSocketTable(h + "0: 00000000:0035 00000000 07 0:0 00:0 "
                                    "0 0 0 1\n")
                .error,
            "line 2: bad remote address '00000000'");
  EXPECT_EQ(ParseNetSocketTable(h + "0: 00000000:0035 00000000:0000 QQ 0:0 "
                                    "00:0 0 0 0 1\n")
                .error,
            "line 2: bad state 'QQ'");
  EXPECT_EQ(ParseNetSocketTable(h + "0: 00000000:0035 00000000:0000 07 "
                                    "00000000 00:0 0 0 0 1\n")
                .error,
            "line 2: bad queues '00000000'");
  EXPECT_EQ(ParseNetSocketTable(h + "0: 00000000:0035 00000000:0000 07 0:0 "
                                    "00:0 0 root 0 1\n")
                .error,
            "line 2: bad uid 'root'");
  EXPECT_FALSE(ParseNetSocketTable(h + "\n").ok());
}

TEST(TcpStateNameTest, KernelStatesAndUnknown) {
  EXPECT_EQ(TcpStateName(1), "established");
  EXPECT_EQ(TcpStateName(2), "syn_sent");
  EXPECT_EQ(TcpStateName(3), "syn_recv");
  EXPECT_EQ(TcpStateName(4), "fin_wait1");
  EXPECT_EQ(TcpStateName(5), "fin_wait2");
  EXPECT_EQ(TcpStateName(6), "time_wait");
  EXPECT_EQ(TcpStateName(7), "close");
  EXPECT_EQ(TcpStateName(8), "close_wait");
  EXPECT_EQ(TcpStateName(9), "last_ack");
  EXPECT_EQ(TcpStateName(10), "listen");
  EXPECT_EQ(TcpStateName(11), "closing");
  EXPECT_EQ(TcpStateName(0), "unknown");
  EXPECT_EQ(TcpStateName(12), "unknown");
}

}  // namespace

namespace testing {
namespace {

TEST(UdpQueuesCollectorTest, SumsQueuesPerFamily) {
  Families fams = RunCollector("udp_queues");
  ASSERT_EQ(fams.size(), 1u);
  EXPECT_EQ(fams[0].help,
            "Number of allocated memory in the kernel for UDP datagrams in "
            "bytes.");
  EXPECT_EQ(fams[0].type, prometheus::MetricType::Gauge);
  EXPECT_EQ(fams[0].metric.size(), 4u);
  EXPECT_EQ(FindValue(fams, "node_udp_queues", {{"ip", "v4"}, {"queue", "tx"}}),
            0x300);
  EXPECT_EQ(FindValue(fams, "node_udp_queues", {{"ip", "v4"}, {"queue", "rx"}}),
            0x1200 + 0x40 + 0x2a00);
  EXPECT_EQ(FindValue(fams, "node_udp_queues", {{"ip", "v6"}, {"queue", "tx"}}),
            0x500);
  EXPECT_EQ(FindValue(fams, "node_udp_queues", {{"ip", "v6"}, {"queue", "rx"}}),
            0xa00);
}

TEST(UdpQueuesCollectorTest, AbsentFamiliesAreSkipped) {
  TempRoot tmp;
  const std::string root = tmp.dir();
  std::filesystem::create_directories(root + "/proc/net");
  EXPECT_TRUE(RunCollector("udp_queues", {}, FixturePaths(root)).empty());
  std::ofstream(root + "/proc/net/udp") << kUdpHeader;
  Families fams = RunCollector("udp_queues", {}, FixturePaths(root));
  ASSERT_EQ(fams.size(), 1u);
  EXPECT_EQ(fams[0].metric.size(), 2u);
  EXPECT_EQ(FindValue(fams, "node_udp_queues", {{"ip", "v4"}, {"queue", "rx"}}),
            0);
  std::ofstream(root + "/proc/net/udp6") << kUdpHeader << "garbage\n";
  EXPECT_THROW(RunCollector("udp_queues", {}, FixturePaths(root)),
               CollectError);
}

TEST(TcpstatCollectorTest, StatesAndQueuesFromFixtureFiles) {
  Families fams = RunCollector("tcpstat");
  ASSERT_EQ(fams.size(), 1u);
  const auto& f = fams[0];
  EXPECT_EQ(f.name, "node_tcp_connection_states");
  EXPECT_EQ(f.help, "Number of connection states.");
  EXPECT_EQ(f.type, prometheus::MetricType::Gauge);
  auto state = [&](const std::string& s) {
    return FindValue(fams, "node_tcp_connection_states", {{"state", s}});
  };
  // net/tcp and net/tcp6 together.
  EXPECT_EQ(state("established"), 3);
  EXPECT_EQ(state("listen"), 3);
  EXPECT_EQ(state("time_wait"), 2);
  EXPECT_EQ(state("close_wait"), 1);
  EXPECT_EQ(state("syn_sent"), 1);
  EXPECT_EQ(state("last_ack"), 1);
  EXPECT_EQ(state("rx_queued_bytes"), 3 + 0x5b4 + 0x11 + 0x80);
  EXPECT_EQ(state("tx_queued_bytes"), 0x24 + 1 + 0x10);
  EXPECT_FALSE(state("closing"));
  EXPECT_EQ(f.metric.size(), 8u);
}

TEST(TcpstatCollectorTest, Tcp6IsOptionalTcpIsNot) {
  TempRoot tmp;
  const std::string root = tmp.dir();
  std::filesystem::create_directories(root + "/proc/net");
  EXPECT_THROW(RunCollector("tcpstat", {}, FixturePaths(root)), CollectError);
  std::ofstream(root + "/proc/net/tcp")
      << kUdpHeader
      << "   0: 00000000:0016 00000000:0000 0A 00000000:00000002 00:00000000 "
         "00000000     0        0 20001 1 0000000000000000 100 0 0 10 0\n";
  Families fams = RunCollector("tcpstat", {}, FixturePaths(root));
  EXPECT_EQ(
      FindValue(fams, "node_tcp_connection_states", {{"state", "listen"}}), 1);
  EXPECT_EQ(FindValue(fams, "node_tcp_connection_states",
                      {{"state", "rx_queued_bytes"}}),
            2);
  // No sockets at all: no series, as node_exporter.
  std::ofstream(root + "/proc/net/tcp") << kUdpHeader;
  EXPECT_TRUE(RunCollector("tcpstat", {}, FixturePaths(root)).empty());
}

TEST(TcpstatCollectorTest, LiveProcUsesSockDiag) {
  // A listener of our own on loopback: there is at least one TCP socket,
  // and sock_diag reports its backlog limit as its send queue, which
  // /proc/net/tcp does not. /proc/sys is a procfs mount without net/tcp:
  // there only sock_diag can answer (the file fallback fails).
  struct stat st;
  if (::stat("/proc/sys", &st) != 0) GTEST_SKIP() << "no /proc here";
  ScopedFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_GE(fd.get(), 0) << std::strerror(errno);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // port 0: any free one
  ASSERT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr),
            0)
      << std::strerror(errno);
  constexpr int kBacklog = 97;
  ASSERT_EQ(::listen(fd.get(), kBacklog), 0) << std::strerror(errno);

  HostPaths live;
  live.procfs = "/proc/sys";
  Families fams;
  ASSERT_NO_THROW(fams = RunCollector("tcpstat", {}, live));
  ASSERT_EQ(fams.size(), 1u);
  EXPECT_GE(FindValue(fams, "node_tcp_connection_states", {{"state", "listen"}})
                .value_or(0),
            1);
  EXPECT_GE(FindValue(fams, "node_tcp_connection_states",
                      {{"state", "tx_queued_bytes"}})
                .value_or(0),
            kBacklog);
  EXPECT_TRUE(FindValue(fams, "node_tcp_connection_states",
                        {{"state", "rx_queued_bytes"}}));
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
