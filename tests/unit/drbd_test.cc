// /proc/drbd parsing and the drbd collector.
#include "parse/drbd.h"

#include <gtest/gtest.h>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseDrbd;

TEST(DrbdParseTest, WordsAfterAMinorBelongToItsDevice) {
  const auto devs = ParseDrbd(
      "version: 8.4.3 (api:1/proto:86-101)\n"
      " 1: cs:Connected ro:Primary/Secondary C r-----\n"
      "    ns:17 a:b:c\n"
      "7: oos:3\n");
  ASSERT_EQ(devs.size(), 3u);
  // "version:" splits into a key and an empty value; "(api:1/proto:86-101)"
  // has two colons and is skipped.
  EXPECT_EQ(devs[0].name, "unknown");
  ASSERT_EQ(devs[0].fields.size(), 1u);
  EXPECT_EQ(devs[0].fields[0].key, "version");
  EXPECT_EQ(devs[1].name, "drbd1");
  ASSERT_EQ(devs[1].fields.size(), 3u);
  EXPECT_EQ(devs[1].fields[1].key, "ro");
  EXPECT_EQ(devs[1].fields[1].value, "Primary/Secondary");
  EXPECT_EQ(devs[1].fields[2].key, "ns");
  EXPECT_EQ(devs[1].fields[2].line, 2u);
  EXPECT_EQ(devs[2].name, "drbd7");
  EXPECT_TRUE(ParseDrbd("").empty());
}

}  // namespace

namespace testing {
namespace {

TEST(DrbdCollectorTest, ReadsFixture) {
  Families fams = RunCollector("drbd");
  const Labels d0 = {{"device", "drbd0"}};
  const Labels d1 = {{"device", "drbd1"}};
  // Kibibytes become bytes, except "nr" (as node_exporter).
  EXPECT_EQ(FindValue(fams, "node_drbd_network_sent_bytes_total", d0),
            17324442.0 * 1024);
  EXPECT_EQ(FindValue(fams, "node_drbd_network_received_bytes_total", d0),
            10961011);
  EXPECT_EQ(FindValue(fams, "node_drbd_disk_read_bytes_total", d1),
            2048.0 * 1024);
  EXPECT_EQ(FindValue(fams, "node_drbd_out_of_sync_bytes", d1), 1024.0 * 1024);
  EXPECT_EQ(FindValue(fams, "node_drbd_remote_unacknowledged", d0), 12347);
  EXPECT_EQ(FindValue(fams, "node_drbd_epochs", d0), 1);
  EXPECT_EQ(FindValue(fams, "node_drbd_node_role_is_primary",
                      {{"device", "drbd0"}, {"node", "local"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_drbd_node_role_is_primary",
                      {{"device", "drbd0"}, {"node", "remote"}}),
            0);
  EXPECT_EQ(FindValue(fams, "node_drbd_disk_state_is_up_to_date",
                      {{"device", "drbd1"}, {"node", "local"}}),
            0);
  EXPECT_EQ(FindValue(fams, "node_drbd_connected", d0), 1);
  EXPECT_EQ(FindValue(fams, "node_drbd_connected", d1), 0);
  EXPECT_EQ(FindValue(fams, "node_drbd_connected", {{"device", "drbd2"}}), 0);
  // drbd2 is unconfigured: only its connection state.
  EXPECT_EQ(Family(fams, "node_drbd_epochs").metric.size(), 2u);
  EXPECT_EQ(Family(fams, "node_drbd_disk_written_bytes_total").type,
            prometheus::MetricType::Counter);
  EXPECT_EQ(Family(fams, "node_drbd_local_pending").help,
            "Number of open requests to the local I/O sub-system.");
  EXPECT_EQ(fams.size(), 15u);
}

TEST(DrbdCollectorTest, NoFileIsNoData) {
  TempRoot tmp;
  EXPECT_TRUE(RunCollector("drbd", {}, tmp.paths()).empty());
}

TEST(DrbdCollectorTest, BadValueIsAnErrorNamingFileAndLine) {
  TempRoot tmp;
  tmp.Write("proc/drbd", "version: 8.4.3\n 0: cs:Connected\n    ns:12x\n");
  try {
    RunCollector("drbd", {}, tmp.paths());
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              tmp.dir() + "/proc/drbd: line 3: ns is not a number: '12x'");
  }
  tmp.Write("proc/drbd", " 0: ro:Primary\n");
  try {
    RunCollector("drbd", {}, tmp.paths());
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              tmp.dir() +
                  "/proc/drbd: line 1: ro is not a local/remote pair: "
                  "'Primary'");
  }
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
