// /proc/net/dev parser, address-info helpers, and the netdev collector on
// the fixture root.
#include "parse/netdev.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

#include "collectors/toolkit.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::kRxBytes;
using parse::kRxDrop;
using parse::kTxBytes;
using parse::kTxCompressed;
using parse::ParseNetDev;

constexpr char kHeader[] =
    "Inter-|   Receive                                                |  "
    "Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes"
    "    packets errs drop fifo colls carrier compressed\n";

// ---- parser --------------------------------------------------------------

TEST(ParseNetDevTest, CurrentKernelFormat) {
  auto r = ParseNetDev(std::string(kHeader) +
                       "    lo:   62996      63    0    0    0     0        "
                       "  0         0    62996      63    0    0    0     0 "
                       "      0          0\n"
                       "  eth0: 66236946    1573    1    2    3     4      "
                       "    5         6    65707     816    7    8    9    10"
                       "      11         12\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].name, "lo");
  EXPECT_EQ(r.value[0].values[kRxBytes], 62996u);
  EXPECT_EQ(r.value[1].name, "eth0");
  const std::array<uint64_t, 16> want = {66236946, 1573, 1, 2, 3, 4,  5,  6,
                                         65707,    816,  7, 8, 9, 10, 11, 12};
  EXPECT_EQ(r.value[1].values, want);
}

TEST(ParseNetDevTest, OldKernelFormatWithoutSpaceAfterColon) {
  // 2.6 kernels printed "%6s:%8lu", so wide counters touch the colon.
  auto r = ParseNetDev(std::string(kHeader) +
                       "  eth0:1234567890 2345678    0    0    0     0     "
                       "     0         0 987654321 1234567    0    0    0    "
                       " 0       0          0\n"
                       "veth0a1b2c3:98765 4 0 0 0 0 0 0 43210 5 0 0 0 0 0 0\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].name, "eth0");
  EXPECT_EQ(r.value[0].values[kRxBytes], 1234567890u);
  EXPECT_EQ(r.value[0].values[kTxBytes], 987654321u);
  EXPECT_EQ(r.value[1].name, "veth0a1b2c3");
  EXPECT_EQ(r.value[1].values[kRxBytes], 98765u);
  EXPECT_EQ(r.value[1].values[kTxBytes], 43210u);
}

TEST(ParseNetDevTest, NameEndsAtTheLastColon) {
  auto r = ParseNetDev(std::string(kHeader) +
                       " eth0:1: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
                       "a:b:c:17 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].name, "eth0:1");
  EXPECT_EQ(r.value[0].values[kRxBytes], 1u);
  EXPECT_EQ(r.value[1].name, "a:b:c");
  EXPECT_EQ(r.value[1].values[kRxBytes], 17u);
}

TEST(ParseNetDevTest, ExtraColumnsBlankLinesAndTabsAreTolerated) {
  auto r = ParseNetDev(std::string(kHeader) +
                       "\n"
                       "eth0:\t1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18\n"
                       "   \n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 1u);
  EXPECT_EQ(r.value[0].values[kTxCompressed], 16u);
}

TEST(ParseNetDevTest, EmptyFileAndHeaderOnlyGiveNoInterfaces) {
  auto empty = ParseNetDev("");
  ASSERT_TRUE(empty.ok()) << empty.error;
  EXPECT_TRUE(empty.value.empty());
  auto header = ParseNetDev(kHeader);
  ASSERT_TRUE(header.ok()) << header.error;
  EXPECT_TRUE(header.value.empty());
}

TEST(ParseNetDevTest, TruncatedLines) {
  EXPECT_EQ(ParseNetDev(std::string(kHeader) +
                        "  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n")
                .error,
            "line 3: expected 16 counters after 'eth0:', got 15");
  EXPECT_EQ(ParseNetDev(std::string(kHeader) + "  eth0:\n").error,
            "line 3: expected 16 counters after 'eth0:', got 0");
  EXPECT_EQ(ParseNetDev("Inter-|   Receive |  Transmit\n").error,
            "line 2: missing header line");
}

TEST(ParseNetDevTest, Linux20FormatIsRejected) {
  // Linux 2.0 had no byte counters: 5 receive and 6 transmit columns.
  EXPECT_EQ(ParseNetDev("Inter-|   Receive                  |  Transmit\n"
                        " face |packets errs drop fifo frame|packets errs drop "
                        "fifo colls carrier\n"
                        "    lo:     12    0    0    0    0       12    0    0"
                        "    0    0    0\n")
                .error,
            "line 3: expected 16 counters after 'lo:', got 11");
}

TEST(ParseNetDevTest, HugeNumbers) {
  auto max = ParseNetDev(std::string(kHeader) +
                         "eth0: 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 "
                         "0 0 0\n");
  ASSERT_TRUE(max.ok()) << max.error;
  EXPECT_EQ(max.value[0].values[kRxBytes], 18446744073709551615u);
  EXPECT_EQ(ParseNetDev(std::string(kHeader) +
                        "eth0: 0 0 0 18446744073709551616 0 0 0 0 0 0 0 0 0 0 "
                        "0 0\n")
                .error,
            "line 3: counter 4 of 'eth0' is not an unsigned 64-bit integer: "
            "'18446744073709551616'");
  EXPECT_FALSE(ParseNetDev(std::string(kHeader) +
                           "eth0: -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n")
                   .ok());
}

TEST(ParseNetDevTest, Garbage) {
  EXPECT_EQ(ParseNetDev("hello world\n").error,
            "line 1: not a /proc/net/dev header line");
  EXPECT_EQ(ParseNetDev(std::string(kHeader) + "eth0 1 2 3\n").error,
            "line 3: missing ':' after the interface name");
  EXPECT_EQ(ParseNetDev(std::string(kHeader) +
                        "  : 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n")
                .error,
            "line 3: empty interface name");
  EXPECT_EQ(ParseNetDev(std::string(kHeader) +
                        "eth0: 1 2 x 4 5 6 7 8 9 10 11 12 13 14 15 16\n")
                .error,
            "line 3: counter 3 of 'eth0' is not an unsigned 64-bit integer: "
            "'x'");
  // A drop count that isn't plain decimal.
  EXPECT_FALSE(ParseNetDev(std::string(kHeader) +
                           "eth0: 1 2 3 0x4 5 6 7 8 9 10 11 12 13 14 15 16\n")
                   .ok());
  EXPECT_EQ(ParseNetDev(std::string(kHeader) +
                        "eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n")
                .value[0]
                .values[kRxDrop],
            4u);
}

TEST(ParseSysfsCounterTest, Values) {
  EXPECT_EQ(parse::ParseSysfsCounter("42\n").value, 42u);
  EXPECT_EQ(parse::ParseSysfsCounter("0").value, 0u);
  EXPECT_EQ(parse::ParseSysfsCounter("18446744073709551615\n").value,
            18446744073709551615u);
  EXPECT_EQ(parse::ParseSysfsCounter("").error, "empty file");
  EXPECT_EQ(parse::ParseSysfsCounter("18446744073709551616\n").error,
            "line 1: not an unsigned 64-bit integer: '18446744073709551616'");
  EXPECT_EQ(parse::ParseSysfsCounter("1\n2\n").error,
            "line 2: expected a single line");
  EXPECT_EQ(parse::ParseSysfsCounter("n/a\n").error,
            "line 1: not an unsigned 64-bit integer: 'n/a'");
}

// ---- address-info helpers ------------------------------------------------

parse::RawIfAddr V4(std::array<uint8_t, 4> a, std::array<uint8_t, 4> m) {
  parse::RawIfAddr raw;
  raw.device = "eth0";
  std::copy(a.begin(), a.end(), raw.addr.begin());
  std::copy(m.begin(), m.end(), raw.netmask.begin());
  return raw;
}

parse::RawIfAddr V6(std::array<uint16_t, 8> groups, int prefix) {
  parse::RawIfAddr raw;
  raw.device = "eth0";
  raw.ipv6 = true;
  for (int i = 0; i < 8; ++i) {
    raw.addr[2 * i] = static_cast<uint8_t>(groups[i] >> 8);
    raw.addr[2 * i + 1] = static_cast<uint8_t>(groups[i] & 0xff);
  }
  for (int bit = 0; bit < prefix; ++bit) {
    raw.netmask[bit / 8] |= static_cast<uint8_t>(0x80 >> (bit % 8));
  }
  return raw;
}

TEST(AddressInfoTest, IPv4) {
  auto a = parse::MakeAddressInfo(V4({192, 168, 7, 10}, {255, 255, 255, 0}));
  EXPECT_EQ(a.device, "eth0");
  EXPECT_EQ(a.address, "192.168.7.10");
  EXPECT_EQ(a.netmask, "24");
  EXPECT_EQ(a.scope, "global");  // Go calls private addresses global
  a = parse::MakeAddressInfo(V4({127, 0, 0, 1}, {255, 0, 0, 0}));
  EXPECT_EQ(a.address, "127.0.0.1");
  EXPECT_EQ(a.netmask, "8");
  EXPECT_EQ(a.scope, "link-local");
  EXPECT_EQ(
      parse::MakeAddressInfo(V4({169, 254, 3, 4}, {255, 255, 0, 0})).scope,
      "link-local");
  EXPECT_EQ(
      parse::MakeAddressInfo(V4({224, 0, 0, 251}, {255, 255, 255, 255})).scope,
      "link-local");
  EXPECT_EQ(parse::MakeAddressInfo(V4({239, 1, 2, 3}, {255, 0, 0, 0})).scope,
            "");
  EXPECT_EQ(parse::MakeAddressInfo(V4({0, 0, 0, 0}, {0, 0, 0, 0})).scope, "");
  EXPECT_EQ(parse::MakeAddressInfo(V4({10, 1, 2, 3}, {0, 0, 0, 0})).netmask,
            "0");
  // Not a CIDR mask: Go's IPMask.Size() answers 0.
  EXPECT_EQ(parse::MakeAddressInfo(V4({10, 1, 2, 3}, {255, 0, 255, 0})).netmask,
            "0");
}

TEST(AddressInfoTest, IPv6) {
  auto a = parse::MakeAddressInfo(V6({0, 0, 0, 0, 0, 0, 0, 1}, 128));
  EXPECT_EQ(a.address, "::1");
  EXPECT_EQ(a.netmask, "128");
  EXPECT_EQ(a.scope, "link-local");
  a = parse::MakeAddressInfo(
      V6({0xfe80, 0, 0, 0, 0x1c2b, 0x3aff, 0xfe4d, 0x5e6f}, 64));
  EXPECT_EQ(a.address, "fe80::1c2b:3aff:fe4d:5e6f");
  EXPECT_EQ(a.netmask, "64");
  EXPECT_EQ(a.scope, "link-local");
  a = parse::MakeAddressInfo(V6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x1}, 48));
  EXPECT_EQ(a.address, "2001:db8::1");
  EXPECT_EQ(a.netmask, "48");
  EXPECT_EQ(a.scope, "global");
  EXPECT_EQ(
      parse::MakeAddressInfo(V6({0xff01, 0, 0, 0, 0, 0, 0, 1}, 128)).scope,
      "interface-local");
  EXPECT_EQ(
      parse::MakeAddressInfo(V6({0xff02, 0, 0, 0, 0, 0, 0, 1}, 128)).scope,
      "link-local");
  EXPECT_EQ(
      parse::MakeAddressInfo(V6({0xff05, 0, 0, 0, 0, 0, 0, 2}, 128)).scope, "");
  a = parse::MakeAddressInfo(V6({0, 0, 0, 0, 0, 0, 0, 0}, 0));
  EXPECT_EQ(a.address, "::");
  EXPECT_EQ(a.scope, "");
}

TEST(AddressInfoTest, IPv6TextIsCanonical) {
  // The first of two equally long zero runs is compressed.
  EXPECT_EQ(
      parse::MakeAddressInfo(V6({0x2001, 0xdb8, 0, 0, 1, 0, 0, 1}, 64)).address,
      "2001:db8::1:0:0:1");
  // The longer run wins; a single zero group is never compressed.
  EXPECT_EQ(
      parse::MakeAddressInfo(V6({0x2001, 0xdb8, 0, 1, 0, 0, 0, 1}, 64)).address,
      "2001:db8:0:1::1");
  EXPECT_EQ(
      parse::MakeAddressInfo(V6({0x2001, 0xdb8, 1, 2, 3, 4, 0, 5}, 64)).address,
      "2001:db8:1:2:3:4:0:5");
  EXPECT_EQ(
      parse::MakeAddressInfo(V6({0xfd00, 0, 0, 0, 0, 0, 0, 0}, 8)).address,
      "fd00::");
  EXPECT_EQ(parse::MakeAddressInfo(
                V6({0xABCD, 0x0ef0, 0x00a0, 0x000b, 0x1, 0x2, 0x3, 0x4}, 64))
                .address,
            "abcd:ef0:a0:b:1:2:3:4");
}

TEST(AddressInfoTest, IPv4MappedIPv6PrintsAsIPv4) {
  auto a =
      parse::MakeAddressInfo(V6({0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001}, 128));
  EXPECT_EQ(a.address, "10.0.0.1");
  EXPECT_EQ(a.scope, "global");
}

// ---- collector -----------------------------------------------------------

using testing::FindFamily;
using testing::FindValue;
using testing::FixturePaths;
using testing::RunCollector;

CollectorOptions Opts(
    std::initializer_list<std::pair<std::string, std::string>> kv) {
  CollectorOptions o;
  for (const auto& [k, v] : kv) o.Set("collector.netdev." + k, {v});
  return o;
}

std::set<std::string> Devices(const Families& fams, std::string_view name) {
  std::set<std::string> out;
  const auto* f = FindFamily(fams, name);
  if (f == nullptr) return out;
  for (const auto& m : f->metric) {
    for (const auto& l : m.label) {
      if (l.name == "device") out.insert(l.value);
    }
  }
  return out;
}

std::set<std::string> Names(const Families& fams) {
  std::set<std::string> out;
  for (const auto& f : fams) out.insert(f.name);
  return out;
}

TEST(NetdevCollectorTest, DefaultFamiliesMatchNodeExporter) {
  Families fams = RunCollector("netdev");
  const std::set<std::string> want = {
      "node_network_receive_bytes_total",
      "node_network_receive_compressed_total",
      "node_network_receive_drop_total",
      "node_network_receive_errs_total",
      "node_network_receive_fifo_total",
      "node_network_receive_frame_total",
      "node_network_receive_multicast_total",
      "node_network_receive_nohandler_total",
      "node_network_receive_packets_total",
      "node_network_transmit_bytes_total",
      "node_network_transmit_carrier_total",
      "node_network_transmit_colls_total",
      "node_network_transmit_compressed_total",
      "node_network_transmit_drop_total",
      "node_network_transmit_errs_total",
      "node_network_transmit_fifo_total",
      "node_network_transmit_packets_total",
  };
  EXPECT_EQ(Names(fams), want);
  const auto* f = FindFamily(fams, "node_network_receive_errs_total");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->help, "Network device statistic receive_errs.");
  EXPECT_EQ(f->type, prometheus::MetricType::Counter);
  const std::set<std::string> all = {"lo", "eth0", "wlan0", "br-5f2c0e1a9b7d"};
  EXPECT_EQ(Devices(fams, "node_network_receive_bytes_total"), all);
}

TEST(NetdevCollectorTest, FixtureValues) {
  Families fams = RunCollector("netdev");
  auto eth0 = [&](const char* name) {
    return FindValue(fams, name, {{"device", "eth0"}});
  };
  EXPECT_EQ(eth0("node_network_receive_bytes_total"), 98765432101.0);
  EXPECT_EQ(eth0("node_network_receive_packets_total"), 123456789.0);
  EXPECT_EQ(eth0("node_network_receive_errs_total"), 17.0);
  EXPECT_EQ(eth0("node_network_receive_drop_total"), 242.0);
  EXPECT_EQ(eth0("node_network_receive_fifo_total"), 3.0);
  EXPECT_EQ(eth0("node_network_receive_frame_total"), 12.0);
  EXPECT_EQ(eth0("node_network_receive_compressed_total"), 0.0);
  EXPECT_EQ(eth0("node_network_receive_multicast_total"), 4321.0);
  EXPECT_EQ(eth0("node_network_transmit_bytes_total"), 12345678901.0);
  EXPECT_EQ(eth0("node_network_transmit_packets_total"), 23456789.0);
  EXPECT_EQ(eth0("node_network_transmit_errs_total"), 6.0);
  EXPECT_EQ(eth0("node_network_transmit_drop_total"), 7.0);
  EXPECT_EQ(eth0("node_network_transmit_fifo_total"), 8.0);
  EXPECT_EQ(eth0("node_network_transmit_colls_total"), 9.0);
  EXPECT_EQ(eth0("node_network_transmit_carrier_total"), 48.0);
  EXPECT_EQ(eth0("node_network_transmit_compressed_total"), 0.0);
  EXPECT_EQ(eth0("node_network_receive_nohandler_total"), 42.0);
  EXPECT_EQ(FindValue(fams, "node_network_receive_bytes_total",
                      {{"device", "br-5f2c0e1a9b7d"}}),
            31337.0);
  EXPECT_EQ(FindValue(fams, "node_network_receive_nohandler_total",
                      {{"device", "wlan0"}}),
            7.0);
  // No sysfs statistics for these two in the fixture: no rx_nohandler.
  EXPECT_EQ(Devices(fams, "node_network_receive_nohandler_total"),
            (std::set<std::string>{"eth0", "wlan0"}));
}

// --collector.netdev.label-ifalias (node_exporter 1.9): the sysfs ifalias
// as a label of every device statistic; a device without sysfs directory
// has none.
TEST(NetdevCollectorTest, LabelIfAlias) {
  CollectorOptions o;
  o.Set("collector.netdev.label-ifalias", {"true"});
  Families fams = RunCollector("netdev", o);
  EXPECT_EQ(
      FindValue(fams, "node_network_receive_bytes_total",
                {{"device", "eth0"}, {"ifalias", "uplink to core switch"}}),
      98765432101.0);
  EXPECT_TRUE(FindValue(fams, "node_network_receive_bytes_total",
                        {{"device", "lo"}, {"ifalias", ""}})
                  .has_value());
  EXPECT_TRUE(FindValue(fams, "node_network_receive_bytes_total",
                        {{"device", "br-5f2c0e1a9b7d"}})
                  .has_value());
  // Off by default: the labels of node_exporter 1.5.
  EXPECT_EQ(FindValue(RunCollector("netdev"),
                      "node_network_receive_bytes_total", {{"device", "eth0"}}),
            98765432101.0);
}

TEST(NetdevCollectorTest, WithoutNetlinkOnlyProcNetDev) {
  Families fams = RunCollector("netdev", Opts({{"netlink", "false"}}));
  EXPECT_EQ(fams.size(), 16u);
  EXPECT_EQ(FindFamily(fams, "node_network_receive_nohandler_total"), nullptr);
  EXPECT_EQ(
      FindValue(fams, "node_network_receive_drop_total", {{"device", "eth0"}}),
      242.0);
}

TEST(NetdevCollectorTest, ExcludeAndIncludeFilters) {
  Families fams = RunCollector("netdev", Opts({{"device-exclude", "^lo$"}}));
  EXPECT_EQ(Devices(fams, "node_network_transmit_bytes_total"),
            (std::set<std::string>{"eth0", "wlan0", "br-5f2c0e1a9b7d"}));
  // Unanchored, as Go's MatchString.
  fams = RunCollector("netdev", Opts({{"device-include", "eth|wlan"}}));
  EXPECT_EQ(Devices(fams, "node_network_transmit_bytes_total"),
            (std::set<std::string>{"eth0", "wlan0"}));
  EXPECT_EQ(Devices(fams, "node_network_receive_nohandler_total"),
            (std::set<std::string>{"eth0", "wlan0"}));
  // Everything excluded: no families at all.
  fams = RunCollector("netdev", Opts({{"device-exclude", "."}}));
  EXPECT_TRUE(fams.empty());
}

TEST(NetdevCollectorTest, DeprecatedFilterFlagsStillWork) {
  Families fams = RunCollector("netdev", Opts({{"device-blacklist", "^br-"}}));
  EXPECT_EQ(Devices(fams, "node_network_receive_bytes_total"),
            (std::set<std::string>{"lo", "eth0", "wlan0"}));
  fams = RunCollector("netdev", Opts({{"device-whitelist", "^lo$"}}));
  EXPECT_EQ(Devices(fams, "node_network_receive_bytes_total"),
            (std::set<std::string>{"lo"}));
}

TEST(NetdevCollectorTest, ConflictingFlagsFailAtConstruction) {
  auto expect_error = [](const CollectorOptions& o, const std::string& what) {
    try {
      RunCollector("netdev", o);
      ADD_FAILURE() << "expected std::invalid_argument: " << what;
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()), what);
    }
  };
  expect_error(Opts({{"device-include", "eth"}, {"device-exclude", "lo"}}),
               "--collector.netdev.device-include and "
               "--collector.netdev.device-exclude are mutually exclusive");
  expect_error(Opts({{"device-include", "eth"}, {"device-whitelist", "lo"}}),
               "--collector.netdev.device-whitelist and "
               "--collector.netdev.device-include are mutually exclusive");
  expect_error(Opts({{"device-exclude", "eth"}, {"device-blacklist", "lo"}}),
               "--collector.netdev.device-blacklist and "
               "--collector.netdev.device-exclude are mutually exclusive");
  expect_error(Opts({{"device-whitelist", "eth"}, {"device-exclude", "lo"}}),
               "--collector.netdev.device-include and "
               "--collector.netdev.device-exclude are mutually exclusive");
  EXPECT_THROW(RunCollector("netdev", Opts({{"device-exclude", "(eth"}})),
               std::invalid_argument);
}

TEST(NetdevCollectorTest, DetailedMetricsUseNetlinkNames) {
  Families fams =
      RunCollector("netdev", Opts({{"enable-detailed-metrics", "true"}}));
  auto eth0 = [&](const char* name) {
    return FindValue(fams, name, {{"device", "eth0"}});
  };
  // From sysfs statistics/, under node_exporter's netlink names.
  EXPECT_EQ(eth0("node_network_receive_errors_total"), 17.0);
  EXPECT_EQ(eth0("node_network_receive_dropped_total"), 230.0);
  EXPECT_EQ(eth0("node_network_receive_missed_errors_total"), 12.0);
  EXPECT_EQ(eth0("node_network_receive_length_errors_total"), 1.0);
  EXPECT_EQ(eth0("node_network_receive_over_errors_total"), 2.0);
  EXPECT_EQ(eth0("node_network_receive_crc_errors_total"), 5.0);
  EXPECT_EQ(eth0("node_network_receive_frame_errors_total"), 4.0);
  EXPECT_EQ(eth0("node_network_receive_fifo_errors_total"), 3.0);
  EXPECT_EQ(eth0("node_network_multicast_total"), 4321.0);
  EXPECT_EQ(eth0("node_network_collisions_total"), 9.0);
  EXPECT_EQ(eth0("node_network_transmit_errors_total"), 6.0);
  EXPECT_EQ(eth0("node_network_transmit_dropped_total"), 7.0);
  EXPECT_EQ(eth0("node_network_transmit_aborted_errors_total"), 11.0);
  EXPECT_EQ(eth0("node_network_transmit_carrier_errors_total"), 10.0);
  EXPECT_EQ(eth0("node_network_transmit_fifo_errors_total"), 8.0);
  EXPECT_EQ(eth0("node_network_transmit_heartbeat_errors_total"), 14.0);
  EXPECT_EQ(eth0("node_network_transmit_window_errors_total"), 13.0);
  EXPECT_EQ(eth0("node_network_receive_nohandler_total"), 42.0);
  EXPECT_EQ(eth0("node_network_receive_bytes_total"), 98765432101.0);
  EXPECT_EQ(FindFamily(fams, "node_network_receive_errs_total"), nullptr);
  // No sysfs statistics: /proc/net/dev under its unrenamed names.
  EXPECT_EQ(FindValue(fams, "node_network_transmit_dropped_total",
                      {{"device", "br-5f2c0e1a9b7d"}}),
            3.0);
  EXPECT_EQ(FindValue(fams, "node_network_receive_multicast_total",
                      {{"device", "lo"}}),
            0.0);
  EXPECT_EQ(Devices(fams, "node_network_receive_missed_errors_total"),
            (std::set<std::string>{"eth0", "wlan0"}));
}

TEST(NetdevCollectorTest, DetailedMetricsWithoutNetlinkAreProcNames) {
  Families fams = RunCollector(
      "netdev",
      Opts({{"enable-detailed-metrics", "true"}, {"netlink", "false"}}));
  EXPECT_EQ(fams.size(), 16u);
  EXPECT_EQ(FindValue(fams, "node_network_receive_dropped_total",
                      {{"device", "eth0"}}),
            242.0);
  EXPECT_EQ(FindValue(fams, "node_network_transmit_carrier_total",
                      {{"device", "eth0"}}),
            48.0);
  EXPECT_EQ(FindFamily(fams, "node_network_receive_missed_errors_total"),
            nullptr);
}

TEST(NetdevCollectorTest, MissingAndMalformedFilesNameThePath) {
  testing::TempRoot s;
  try {
    RunCollector("netdev", {}, FixturePaths(s.dir()));
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              s.dir() + "/proc/net/dev: No such file or directory");
  }
  s.Write("proc/net/dev", std::string(kHeader) + "eth0: 1 2 3\n");
  try {
    RunCollector("netdev", {}, FixturePaths(s.dir()));
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              s.dir() +
                  "/proc/net/dev: line 3: expected 16 counters after "
                  "'eth0:', got 3");
  }
  s.Write("proc/net/dev", std::string(kHeader) +
                              "eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n");
  s.Write("sys/class/net/eth0/statistics/rx_nohandler", "lots\n");
  try {
    RunCollector("netdev", {}, FixturePaths(s.dir()));
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              s.dir() +
                  "/sys/class/net/eth0/statistics/rx_nohandler: line 1: not "
                  "an unsigned 64-bit integer: 'lots'");
  }
}

TEST(NetdevCollectorTest, DuplicateNameKeepsTheLastLine) {
  testing::TempRoot s;
  s.Write("proc/net/dev",
          std::string(kHeader) +
              "eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n"
              "eth0: 99 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n");
  Families fams = RunCollector("netdev", {}, FixturePaths(s.dir()));
  const auto* f = FindFamily(fams, "node_network_receive_bytes_total");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->metric.size(), 1u);
  EXPECT_EQ(
      FindValue(fams, "node_network_receive_bytes_total", {{"device", "eth0"}}),
      99.0);
}

// One collector over cycles whose /proc/net/dev changes: the devices it
// keeps (their order by name, their sysfs paths) follow the file, a name
// listed twice still by its last line, a device gone no longer reported.
TEST(NetdevCollectorTest, DevicesFollowProcNetDevAcrossCycles) {
  testing::TempRoot s;
  auto c = testing::MakeCollector("netdev");
  auto line = [](const std::string& name, int bytes) {
    return name + ": " + std::to_string(bytes) +
           " 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n";
  };
  auto bytes = [&](const Families& fams) {
    std::map<std::string, double> out;
    const auto* f = FindFamily(fams, "node_network_receive_bytes_total");
    if (f == nullptr) return out;
    for (const auto& m : f->metric) out[m.label[0].value] = m.counter.value;
    return out;
  };
  using Bytes = std::map<std::string, double>;
  s.Write("proc/net/dev", std::string(kHeader) + line("lo", 1) +
                              line("eth0", 2) + line("eth10", 3) +
                              line("eth2", 4));
  s.Write("sys/class/net/eth2/statistics/rx_nohandler", "7\n");
  EXPECT_EQ(bytes(c->Collect(s.paths())),
            (Bytes{{"lo", 1}, {"eth0", 2}, {"eth10", 3}, {"eth2", 4}}));
  EXPECT_EQ(bytes(c->Collect(s.paths())),  // the same, from kept state
            (Bytes{{"lo", 1}, {"eth0", 2}, {"eth10", 3}, {"eth2", 4}}));
  // Reordered, one device twice (its last line counts), one gone.
  s.Write("proc/net/dev", std::string(kHeader) + line("eth2", 5) +
                              line("lo", 6) + line("eth2", 8));
  EXPECT_EQ(bytes(c->Collect(s.paths())), (Bytes{{"lo", 6}, {"eth2", 8}}));
  // As many lines as devices kept last cycle, other names: nothing of the
  // order kept before is taken for them.
  s.Write("proc/net/dev",
          std::string(kHeader) + line("veth1", 9) + line("veth0", 10));
  EXPECT_EQ(bytes(c->Collect(s.paths())), (Bytes{{"veth0", 10}, {"veth1", 9}}));
  EXPECT_EQ(CountKeptUnder(s.dir() + "/sys/class/net/eth2"), 0u);
  s.Write("proc/net/dev", std::string(kHeader) + line("eth2", 11));
  const Families fams = c->Collect(s.paths());
  EXPECT_EQ(bytes(fams), (Bytes{{"eth2", 11}}));
  EXPECT_EQ(FindValue(fams, "node_network_receive_nohandler_total",
                      {{"device", "eth2"}}),
            7.0);
}

TEST(NetdevCollectorTest, AddressInfoOnTheLiveHost) {
  // getifaddrs(3) answers for the live host whatever the paths say, so this
  // only checks the shape of what it finds.
  Families fams = RunCollector("netdev", Opts({{"address-info", "true"}}));
  EXPECT_NE(FindFamily(fams, "node_network_receive_bytes_total"), nullptr);
  const auto* f = FindFamily(fams, "node_network_address_info");
  if (f == nullptr) GTEST_SKIP() << "no interface addresses on this host";
  EXPECT_EQ(f->help, "node network address by device");
  EXPECT_EQ(f->type, prometheus::MetricType::Gauge);
  for (const auto& m : f->metric) {
    std::set<std::string> names;
    for (const auto& l : m.label) {
      names.insert(l.name);
      if (l.name == "netmask") {
        int bits = std::stoi(l.value);
        EXPECT_GE(bits, 0);
        EXPECT_LE(bits, 128);
      }
      if (l.name == "device") {
        EXPECT_EQ(l.value.find(':'), std::string::npos);
      }
    }
    EXPECT_EQ(names,
              (std::set<std::string>{"device", "address", "netmask", "scope"}));
    EXPECT_EQ(m.gauge.value, 1.0);
  }
  // Off by default.
  EXPECT_EQ(FindFamily(RunCollector("netdev"), "node_network_address_info"),
            nullptr);
}

// rx_nohandler is read through a descriptor kept while the device's
// directory is the same one (a value rewritten is seen), closed once the
// device is gone from /proc/net/dev.
TEST(NetdevCollectorTest, RxNohandlerKeptWhileTheDeviceIs) {
  testing::TempRoot root;
  const std::string eth0_line = "  eth0: 1 2 0 0 0 0 0 0 3 4 0 0 0 0 0 0\n";
  root.Write("proc/net/dev", std::string(kHeader) + eth0_line);
  root.Write("sys/class/net/eth0/statistics/rx_nohandler", "5\n");
  const std::string dir = root.dir() + "/sys/class/net/eth0";
  auto c = testing::MakeCollector("netdev");
  EXPECT_EQ(
      FindValue(c->Collect(root.paths()),
                "node_network_receive_nohandler_total", {{"device", "eth0"}}),
      5.0);
  EXPECT_EQ(CountKeptUnder(dir), 1u);
  root.Write("sys/class/net/eth0/statistics/rx_nohandler", "6\n");
  EXPECT_EQ(
      FindValue(c->Collect(root.paths()),
                "node_network_receive_nohandler_total", {{"device", "eth0"}}),
      6.0);
  EXPECT_EQ(CountKeptUnder(dir), 1u);
  root.Write("proc/net/dev", kHeader);
  EXPECT_EQ(FindFamily(c->Collect(root.paths()),
                       "node_network_receive_nohandler_total"),
            nullptr);
  EXPECT_EQ(CountKeptUnder(dir), 0u);
}

}  // namespace
}  // namespace host_exporter
