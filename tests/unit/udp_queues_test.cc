// The udp_queues collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "parse/net_socket.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

constexpr char kUdpHeader[] =
    "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
    "retrnsmt   uid  timeout inode ref pointer drops            \n";

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

// The rows are summed without a vector; a bad row fails with the parser's
// own error.
TEST(UdpQueuesCollectorTest, SteadyRunsAlikeAndBadRowsFailAsTheParser) {
  ExpectSteadyRunsAlike("udp_queues");

  TempRoot tmp;
  const std::string root = tmp.dir();
  std::filesystem::create_directories(root + "/proc/net");
  const std::string text =
      std::string(kUdpHeader) +
      "    1: 00000000:0044 00000000:0000 07 00000010:00000020 00:00000000 "
      "00000000     0        0 1 2 0000000000000000 0\n"
      "    2: 00000000:0045 00000000:0000 07 00000000:zz 00:00000000 "
      "00000000     0        0 1 2 0000000000000000 0\n";
  std::ofstream(root + "/proc/net/udp") << text;
  const auto parsed = parse::ParseNetSocketTable(text);
  ASSERT_FALSE(parsed.ok());
  try {
    RunCollector("udp_queues", {}, FixturePaths(root));
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()), root + "/proc/net/udp: " + parsed.error);
  }
}

}  // namespace
}  // namespace host_exporter::testing
