// The /proc/net/{tcp,udp}{,6} parser.
#include "parse/net_socket.h"

#include <gtest/gtest.h>

#include <string>

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
}  // namespace host_exporter
