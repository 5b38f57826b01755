// The tcpstat collector on the fixture root (it reads the files there: the
// fixture is not a procfs mount), on scratch roots, and on the live /proc
// (sock_diag).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "collectors/toolkit.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

// The header line of /proc/net/tcp.
constexpr char kTcpHeader[] =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
    "retrnsmt   uid  timeout inode\n";

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
      << kTcpHeader
      << "   0: 00000000:0016 00000000:0000 0A 00000000:00000002 00:00000000 "
         "00000000     0        0 20001 1 0000000000000000 100 0 0 10 0\n";
  Families fams = RunCollector("tcpstat", {}, FixturePaths(root));
  EXPECT_EQ(
      FindValue(fams, "node_tcp_connection_states", {{"state", "listen"}}), 1);
  EXPECT_EQ(FindValue(fams, "node_tcp_connection_states",
                      {{"state", "rx_queued_bytes"}}),
            2);
  // No sockets at all: no series, as node_exporter.
  std::ofstream(root + "/proc/net/tcp") << kTcpHeader;
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
}  // namespace host_exporter::testing
