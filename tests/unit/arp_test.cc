// /proc/net/arp parser and the arp collector on the fixture root.
#include "parse/arp.h"

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseArp;

constexpr char kArpHeader[] =
    "IP address       HW type     Flags       HW address            Mask     "
    "Device\n";

TEST(ParseArpTest, EntriesAfterTheHeader) {
  auto r = ParseArp(std::string(kArpHeader) +
                    "192.0.2.1        0x1         0x2         "
                    "02:fc:00:00:00:05     *        eth0\n"
                    "192.0.2.9        0x1         0x0         "
                    "00:00:00:00:00:00     *        eth1\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].ip, "192.0.2.1");
  EXPECT_EQ(r.value[0].hw_address, "02:fc:00:00:00:05");
  EXPECT_EQ(r.value[0].device, "eth0");
  EXPECT_EQ(r.value[1].device, "eth1");
}

TEST(ParseArpTest, EmptyHeaderOnlyAndBlankLines) {
  auto empty = ParseArp("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty.value.empty());
  auto header = ParseArp(kArpHeader);
  ASSERT_TRUE(header.ok());
  EXPECT_TRUE(header.value.empty());
  auto blank = ParseArp(std::string(kArpHeader) +
                        "\n10.0.0.1 0x1 0x2 52:54:00:00:00:01 * wlan0\n\n");
  ASSERT_TRUE(blank.ok()) << blank.error;
  ASSERT_EQ(blank.value.size(), 1u);
  EXPECT_EQ(blank.value[0].device, "wlan0");
}

TEST(ParseArpTest, RejectsTruncatedExtraAndGarbageLines) {
  EXPECT_EQ(
      ParseArp(std::string(kArpHeader) + "10.0.0.1 0x1 0x2 aa:bb *\n").error,
      "line 2: 5 columns were detected, but 6 were expected");
  EXPECT_EQ(
      ParseArp(std::string(kArpHeader) + "10.0.0.1 0x1 0x2 aa:bb * eth0 x\n")
          .error,
      "line 2: 7 columns were detected, but 6 were expected");
  EXPECT_FALSE(ParseArp("garbage\n").ok());
}

TEST(ParseArpTest, HugeValuesAreJustText) {
  // Nothing is converted: a device is counted whatever its entry says.
  auto r = ParseArp("99999999999999999999 0xffffffffffff 0x2 zz * eth0\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value[0].ip, "99999999999999999999");
}

}  // namespace

namespace testing {
namespace {

TEST(ArpCollectorTest, CountsEntriesPerDevice) {
  Families fams = RunCollector("arp");
  ASSERT_EQ(fams.size(), 1u);
  EXPECT_EQ(fams[0].name, "node_arp_entries");
  EXPECT_EQ(fams[0].help, "ARP entries by device");
  EXPECT_EQ(fams[0].type, prometheus::MetricType::Gauge);
  EXPECT_EQ(fams[0].metric.size(), 3u);
  EXPECT_EQ(FindValue(fams, "node_arp_entries", {{"device", "eth0"}}), 3);
  EXPECT_EQ(FindValue(fams, "node_arp_entries", {{"device", "wlan0"}}), 1);
  EXPECT_EQ(
      FindValue(fams, "node_arp_entries", {{"device", "br-5f2c0e1a9b7d"}}), 2);
}

TEST(ArpCollectorTest, IncludeAndExcludeFilters) {
  CollectorOptions include;
  include.Set("collector.arp.device-include", {"^(eth|wlan)"});
  Families fams = RunCollector("arp", include);
  EXPECT_EQ(Family(fams, "node_arp_entries").metric.size(), 2u);
  EXPECT_FALSE(
      FindValue(fams, "node_arp_entries", {{"device", "br-5f2c0e1a9b7d"}}));

  CollectorOptions exclude;
  exclude.Set("collector.arp.device-exclude", {"^br-"});
  fams = RunCollector("arp", exclude);
  EXPECT_EQ(Family(fams, "node_arp_entries").metric.size(), 2u);
  EXPECT_EQ(FindValue(fams, "node_arp_entries", {{"device", "eth0"}}), 3);

  // Both at once, as node_exporter 1.5 allows: included and not excluded.
  CollectorOptions both;
  both.Set("collector.arp.device-include", {"^(eth|wlan)"});
  both.Set("collector.arp.device-exclude", {"^wlan"});
  fams = RunCollector("arp", both);
  ASSERT_EQ(Family(fams, "node_arp_entries").metric.size(), 1u);
  EXPECT_EQ(FindValue(fams, "node_arp_entries", {{"device", "eth0"}}), 3);

  // Everything filtered out: no family at all.
  CollectorOptions none;
  none.Set("collector.arp.device-include", {"^nothing$"});
  EXPECT_TRUE(RunCollector("arp", none).empty());
}

TEST(ArpCollectorTest, BadPatternFailsAtCreation) {
  const CollectorSpec* spec = FindCollector("arp");
  ASSERT_NE(spec, nullptr);
  CollectorOptions o = DefaultOptions(*spec);
  o.Set("collector.arp.device-exclude", {"(unclosed"});
  EXPECT_THROW(spec->create(o), std::invalid_argument);
}

TEST(ArpCollectorTest, MissingFileIsAnError) {
  EXPECT_THROW(RunCollector("arp", {}, FixturePaths("/nonexistent")),
               CollectError);
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
