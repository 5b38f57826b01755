// The netclass collector on the fixture root and on scratch sysfs trees.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(NetclassCollectorTest, ReadsFixture) {
  Families fams = RunCollector("netclass");
  const Labels eth0 = {{"device", "eth0"}};
  EXPECT_EQ(FindValue(fams, "node_network_up", eth0), 1);
  EXPECT_EQ(FindValue(fams, "node_network_up", {{"device", "wlan0"}}), 0);
  EXPECT_EQ(FindValue(fams, "node_network_info",
                      {{"device", "eth0"},
                       {"address", "52:54:00:4c:a1:01"},
                       {"broadcast", "ff:ff:ff:ff:ff:ff"},
                       {"duplex", "full"},
                       {"operstate", "up"},
                       {"ifalias", "uplink to core switch"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_network_mtu_bytes", eth0), 1500);
  EXPECT_EQ(FindValue(fams, "node_network_flags", eth0), 4099);  // 0x1003
  EXPECT_EQ(FindValue(fams, "node_network_speed_bytes", eth0), 125000000);
  EXPECT_EQ(FindValue(fams, "node_network_speed_bytes", {{"device", "eth1"}}),
            -125000);  // speed -1
  EXPECT_EQ(FindValue(fams, "node_network_carrier_changes_total", eth0), 11);
  EXPECT_EQ(Family(fams, "node_network_carrier_changes_total").type,
            prometheus::MetricType::Counter);
  EXPECT_EQ(FindValue(fams, "node_network_protocol_type", {{"device", "lo"}}),
            772);
  // bonding_masters is a file, not an interface.
  EXPECT_FALSE(
      FindValue(fams, "node_network_up", {{"device", "bonding_masters"}}));
  EXPECT_EQ(fams.size(), 19u);
}

TEST(NetclassCollectorTest, Flags) {
  Families fams = RunCollector(
      "netclass", Opt("collector.netclass.ignore-invalid-speed", "true"));
  EXPECT_FALSE(
      FindValue(fams, "node_network_speed_bytes", {{"device", "eth1"}}));
  fams = RunCollector("netclass",
                      Opt("collector.netclass.ignored-devices", "^(eth|lo)"));
  EXPECT_EQ(Family(fams, "node_network_up").metric.size(), 2u);
}

TEST(NetclassCollectorTest, NetlinkWithStatsAddsCounters) {
  CollectorOptions o(std::map<std::string, std::vector<std::string>>{
      {"collector.netclass.netlink", {"true"}},
      {"collector.netclass_rtnl.with-stats", {"true"}}});
  Families fams = RunCollector("netclass", o);
  const auto* bytes = FindFamily(fams, "node_network_receive_bytes_total");
  ASSERT_NE(bytes, nullptr);
  EXPECT_EQ(bytes->type, prometheus::MetricType::Gauge);  // as in 1.5
  EXPECT_EQ(bytes->help, "Network device property: receive_bytes_total");
  EXPECT_EQ(Family(fams, "node_network_receive_nohandler_total").metric.size(),
            2u);  // eth0 and wlan0 have statistics/
  EXPECT_EQ(fams.size(), 19u + 24u);
  // with-stats alone does nothing, as in node_exporter.
  fams = RunCollector("netclass",
                      Opt("collector.netclass_rtnl.with-stats", "true"));
  EXPECT_EQ(FindFamily(fams, "node_network_receive_bytes_total"), nullptr);
}

TEST(NetclassCollectorTest, NoDataCycleLeavesTheCacheUsable) {
  // An interface listed but gone (a dangling link) gives no data: the cycle
  // returns nothing. The interfaces read before it in that cycle keep their
  // cached descriptors for the next cycle (they were once left as null
  // pointers, and the next cycle crashed on them).
  SysfsRoot root;
  root.Write("class/net/eth0/mtu", "1500\n");
  const CollectorSpec* spec = FindCollector("netclass");
  ASSERT_NE(spec, nullptr);
  auto collector = spec->create(TestDefaultOptions(*spec));
  const Labels eth0 = {{"device", "eth0"}};
  EXPECT_EQ(FindValue(collector->Collect(root.Paths()),
                      "node_network_mtu_bytes", eth0),
            1500);
  root.Link("class/net/eth9", "../../devices/virtual/net/gone");
  EXPECT_TRUE(collector->Collect(root.Paths()).empty());
  std::filesystem::remove(root.Sys("class/net/eth9"));
  EXPECT_EQ(FindValue(collector->Collect(root.Paths()),
                      "node_network_mtu_bytes", eth0),
            1500);
}

TEST(NetclassCollectorTest, UnparsableNumbersReadZero) {
  SysfsRoot root;
  root.Write("class/net/eth5/mtu", "abc\n");
  root.Write("class/net/eth5/type", "0x10\n");
  root.Write("class/net/eth5/ifalias", std::string(200, 'a') + "\n");
  Families fams = RunCollector("netclass", {}, root.Paths());
  const Labels eth5 = {{"device", "eth5"}};
  EXPECT_EQ(FindValue(fams, "node_network_mtu_bytes", eth5), 0);
  EXPECT_EQ(FindValue(fams, "node_network_protocol_type", eth5), 16);
  EXPECT_EQ(FindValue(fams, "node_network_info",
                      {{"device", "eth5"},
                       {"address", ""},
                       {"broadcast", ""},
                       {"duplex", ""},
                       {"operstate", ""},
                       {"ifalias", std::string(128, 'a')}}),
            1);
}

// The collector keeps attribute files open between cycles: a value
// rewritten in place is read again, an interface whose directory was
// replaced (renamed, re-created) is read from its new files, and one that is
// gone is no longer reported.
TEST(NetclassCollectorTest, KeptFilesFollowChanges) {
  SysfsRoot root;
  root.Write("class/net/eth0/mtu", "1500\n");
  root.Write("class/net/eth1/mtu", "9000\n");
  const CollectorSpec* spec = FindCollector("netclass");
  ASSERT_NE(spec, nullptr);
  auto c = spec->create(TestDefaultOptions(*spec));
  const Labels eth0 = {{"device", "eth0"}}, eth1 = {{"device", "eth1"}};
  Families fams = c->Collect(root.Paths());
  EXPECT_EQ(FindValue(fams, "node_network_mtu_bytes", eth0), 1500);

  root.Write("class/net/eth0/mtu", "1400\n");  // in place, same inode
  fams = c->Collect(root.Paths());
  EXPECT_EQ(FindValue(fams, "node_network_mtu_bytes", eth0), 1400);

  // eth0 and eth1 swap names: each directory is another one now.
  std::filesystem::rename(root.Sys("class/net/eth0"),
                          root.Sys("class/net/tmp"));
  std::filesystem::rename(root.Sys("class/net/eth1"),
                          root.Sys("class/net/eth0"));
  std::filesystem::rename(root.Sys("class/net/tmp"),
                          root.Sys("class/net/eth1"));
  fams = c->Collect(root.Paths());
  EXPECT_EQ(FindValue(fams, "node_network_mtu_bytes", eth0), 9000);
  EXPECT_EQ(FindValue(fams, "node_network_mtu_bytes", eth1), 1400);

  // A file added beside the kept ones makes the directory listed again.
  root.Write("class/net/eth0/tx_queue_len", "1000\n");
  fams = c->Collect(root.Paths());
  EXPECT_EQ(FindValue(fams, "node_network_transmit_queue_length", eth0), 1000);

  std::filesystem::remove_all(root.Sys("class/net/eth1"));
  fams = c->Collect(root.Paths());
  EXPECT_EQ(FindValue(fams, "node_network_mtu_bytes", eth1), std::nullopt);
  EXPECT_EQ(FindValue(fams, "node_network_mtu_bytes", eth0), 9000);

  // The class directory itself replaced under the one the collector keeps
  // open: the interfaces of the new one, listed and stamped there.
  std::filesystem::rename(root.Sys("class/net"), root.Sys("class/net.old"));
  root.Write("class/net/eth5/mtu", "1280\n");
  fams = c->Collect(root.Paths());
  EXPECT_EQ(FindValue(fams, "node_network_mtu_bytes", {{"device", "eth5"}}),
            1280);
  EXPECT_EQ(FindValue(fams, "node_network_mtu_bytes", eth0), std::nullopt);
}

// The attribute files are kept in the toolkit's one cache of open files
// (exposed ones only), and those of an interface that is gone are closed.
TEST(NetclassCollectorTest, KeepsFilesInTheToolkitCache) {
  SysfsRoot root;
  root.Write("class/net/eth0/mtu", "1500\n");
  root.Write("class/net/eth0/operstate", "up\n");
  root.Write("class/net/eth0/uevent", "INTERFACE=eth0\n");  // not exposed
  root.Write("class/net/eth1/mtu", "9000\n");
  const CollectorSpec* spec = FindCollector("netclass");
  ASSERT_NE(spec, nullptr);
  auto c = spec->create(TestDefaultOptions(*spec));
  Families fams = c->Collect(root.Paths());
  EXPECT_EQ(FindValue(fams, "node_network_mtu_bytes", {{"device", "eth0"}}),
            1500);
  EXPECT_EQ(CountKeptUnder(root.Sys("class/net/eth0")), 2u);
  EXPECT_EQ(CountKeptUnder(root.Sys("class/net/eth1")), 1u);

  std::filesystem::remove_all(root.Sys("class/net/eth0"));
  fams = c->Collect(root.Paths());
  EXPECT_EQ(FindValue(fams, "node_network_mtu_bytes", {{"device", "eth1"}}),
            9000);
  EXPECT_EQ(CountKeptUnder(root.Sys("class/net/eth0")), 0u);
  EXPECT_EQ(CountKeptUnder(root.Sys("class/net/eth1")), 1u);
}

}  // namespace
}  // namespace host_exporter::testing
