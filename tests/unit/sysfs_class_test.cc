// The sysfs class collectors (bonding, cpufreq, dmi, edac, fibrechannel,
// netclass, nvme, powersupplyclass, tapestats, thermal_zone) on the fixture
// root, and the error rules of all hw collectors on scratch trees: what
// node_exporter 1.5 treats as "no such hardware" gives no families, what it
// treats as an error is a CollectError naming the file.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "parse/sysfs_attr.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

// A scratch root (a TempRoot) whose paths are relative to its sys/.
class SysfsRoot {
 public:
  /// Writes <root>/sys/<rel>, creating directories.
  void Write(const std::string& rel, const std::string& content) const {
    root_.Write("sys/" + rel, content);
  }
  /// Creates the symlink <root>/sys/<rel> -> target.
  void Link(const std::string& rel, const std::string& target) const {
    const std::filesystem::path p = Sys(rel);
    std::filesystem::create_directories(p.parent_path());
    std::filesystem::create_symlink(target, p);
  }
  std::string Sys(const std::string& rel) const {
    return root_.dir() + "/sys/" + rel;
  }
  HostPaths Paths() const { return root_.paths(); }

 private:
  TempRoot root_;
};

// The CollectError message of running `name` on `root`, or "" if none.
std::string ErrorOf(std::string_view name, const SysfsRoot& root,
                    const CollectorOptions& options = {}) {
  try {
    RunCollector(name, options, root.Paths());
  } catch (const CollectError& e) {
    return e.what();
  }
  return "";
}

CollectorOptions Opt(const std::string& key, const std::string& value) {
  return CollectorOptions(
      std::map<std::string, std::vector<std::string>>{{key, {value}}});
}

TEST(SysfsClassCollectorsTest, AbsentHardwareGivesNoFamilies) {
  for (const char* name :
       {"bcache", "bonding", "cpufreq", "dmi", "edac", "fibrechannel", "hwmon",
        "infiniband", "netclass", "nvme", "powersupplyclass", "rapl",
        "tapestats", "thermal_zone"}) {
    EXPECT_TRUE(RunCollector(name, {}, FixturePaths("/nonexistent")).empty())
        << name;
  }
}

TEST(BondingCollectorTest, ReadsFixture) {
  Families fams = RunCollector("bonding");
  EXPECT_EQ(FindValue(fams, "node_bonding_slaves", {{"master", "bond0"}}), 2);
  EXPECT_EQ(FindValue(fams, "node_bonding_active", {{"master", "bond0"}}), 1);
}

TEST(BondingCollectorTest, OldSlavePrefixAndMissingFiles) {
  SysfsRoot root;
  root.Write("class/net/bonding_masters", "bond0 bond1\n");
  root.Write("class/net/bond0/bonding/slaves", "eth0\n");
  root.Write("class/net/bond0/slave_eth0/bonding_slave/mii_status", "up\n");
  root.Write("class/net/bond1/bonding/slaves", "\n");
  Families fams = RunCollector("bonding", {}, root.Paths());
  EXPECT_EQ(FindValue(fams, "node_bonding_active", {{"master", "bond0"}}), 1);
  EXPECT_EQ(FindValue(fams, "node_bonding_slaves", {{"master", "bond1"}}), 0);
  // A slave without mii_status: node_exporter's ErrNoData.
  root.Write("class/net/bond1/bonding/slaves", "eth9\n");
  EXPECT_TRUE(RunCollector("bonding", {}, root.Paths()).empty());
}

TEST(CpufreqCollectorTest, ReadsFixture) {
  Families fams = RunCollector("cpufreq");
  EXPECT_EQ(FindValue(fams, "node_cpu_frequency_hertz", {{"cpu", "0"}}), 1.8e9);
  EXPECT_EQ(FindValue(fams, "node_cpu_frequency_max_hertz", {{"cpu", "3"}}),
            3.9e9);
  EXPECT_EQ(FindValue(fams, "node_cpu_scaling_frequency_hertz", {{"cpu", "1"}}),
            1811110000.0);
  EXPECT_EQ(
      FindValue(fams, "node_cpu_scaling_frequency_min_hertz", {{"cpu", "2"}}),
      1.2e9);
  // cpu3 has no cpuinfo_cur_freq (as with intel_pstate).
  EXPECT_FALSE(FindValue(fams, "node_cpu_frequency_hertz", {{"cpu", "3"}}));
  EXPECT_EQ(fams.size(), 6u);
}

TEST(CpufreqCollectorTest, RequiredAndMalformedFiles) {
  SysfsRoot root;
  const std::string d = "devices/system/cpu/cpu0/cpufreq/";
  for (const char* f : {"scaling_available_governors", "scaling_driver",
                        "scaling_governor", "related_cpus"}) {
    root.Write(d + f, "x\n");
  }
  root.Write(d + "scaling_cur_freq", "1000\n");
  EXPECT_EQ(ErrorOf("cpufreq", root),
            root.Sys(d + "scaling_setspeed") + ": No such file or directory");
  root.Write(d + "scaling_setspeed", "<unsupported>\n");
  EXPECT_EQ(FindValue(RunCollector("cpufreq", {}, root.Paths()),
                      "node_cpu_scaling_frequency_hertz", {{"cpu", "0"}}),
            1e6);
  root.Write(d + "cpuinfo_max_freq", "abc\n");
  EXPECT_EQ(ErrorOf("cpufreq", root),
            root.Sys(d + "cpuinfo_max_freq") +
                ": line 1: not an unsigned integer: 'abc'");
}

TEST(DmiCollectorTest, ReadsFixture) {
  Families fams = RunCollector("dmi");
  ASSERT_EQ(fams.size(), 1u);
  ASSERT_EQ(fams[0].metric.size(), 1u);
  const auto& labels = fams[0].metric[0].label;
  EXPECT_EQ(labels.size(), 20u);  // chassis_type, modalias, uevent left out
  EXPECT_EQ(
      FindValue(fams, "node_dmi_info",
                {{"bios_date", "04/12/2021"},
                 {"bios_release", "1.27"},
                 {"bios_vendor", "Dell Inc."},
                 {"bios_version", "2.10.2"},
                 {"board_asset_tag", "Board-Tag-7"},
                 {"board_name", "07PXPY"},
                 {"board_serial", ".7N62AI2.GRTCL6944100GP."},
                 {"board_vendor", "Dell Inc."},
                 {"board_version", "A01"},
                 {"chassis_asset_tag", "Chassis-Tag-3"},
                 {"chassis_serial", "7N62AI2"},
                 {"chassis_vendor", "Dell Inc."},
                 {"chassis_version", "Rack Chassis"},
                 {"product_family", "PowerEdge"},
                 {"product_name", "PowerEdge R6515"},
                 {"product_serial", "7N62AI2"},
                 {"product_sku", "SKU=NotProvided;ModelName=PowerEdge R6515"},
                 {"product_uuid", "83340ca8-cb49-4474-8c29-d2088ca84dd9"},
                 {"product_version", "to be filled"},
                 {"system_vendor", "Dell Inc."}}),
      1);
}

TEST(DmiCollectorTest, LongAndInvalidValues) {
  SysfsRoot root;
  root.Write("class/dmi/id/board_name", std::string(200, 'x') + "\n");
  root.Write("class/dmi/id/product_name",
             "a\xff"
             "b\n");
  root.Write("class/dmi/id/board_serial", "");
  Families fams = RunCollector("dmi", {}, root.Paths());
  EXPECT_EQ(FindValue(fams, "node_dmi_info",
                      {{"board_name", std::string(128, 'x')},
                       {"board_serial", ""},
                       {"product_name",
                        "a\xEF\xBF\xBD"
                        "b"}}),
            1);
}

TEST(EdacCollectorTest, ReadsFixture) {
  Families fams = RunCollector("edac");
  EXPECT_EQ(FindValue(fams, "node_edac_correctable_errors_total",
                      {{"controller", "1"}}),
            13);
  EXPECT_EQ(FindValue(fams, "node_edac_uncorrectable_errors_total",
                      {{"controller", "0"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_edac_csrow_correctable_errors_total",
                      {{"controller", "0"}, {"csrow", "unknown"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_edac_csrow_uncorrectable_errors_total",
                      {{"controller", "1"}, {"csrow", "1"}}),
            1);
}

TEST(EdacCollectorTest, MissingCountIsAnError) {
  SysfsRoot root;
  root.Write("devices/system/edac/mc/mc0/ce_count", "1\n");
  EXPECT_EQ(ErrorOf("edac", root),
            "couldn't get ce_noinfo_count: " +
                root.Sys("devices/system/edac/mc/mc0/ce_noinfo_count") +
                ": No such file or directory");
}

TEST(FibrechannelCollectorTest, ReadsFixture) {
  Families fams = RunCollector("fibrechannel");
  const Labels host = {{"fc_host", "host0"}};
  EXPECT_EQ(
      FindValue(fams, "node_fibrechannel_info",
                {{"fc_host", "host0"},
                 {"speed", "16 Gbit"},
                 {"port_state", "Online"},
                 {"port_type", "Point-To-Point (direct nport connection)"},
                 {"port_id", "000002"},
                 {"port_name", "1000e0071bce95f2"},
                 {"fabric_name", "0"},
                 {"symbolic_name",
                  "Emulex SN1100E2P FV12.4.270.3 DV12.4.0.0. HN:gotest. "
                  "OS:Linux"},
                 {"supported_classes", "Class 3"},
                 {"supported_speeds", "4 Gbit, 8 Gbit, 16 Gbit"},
                 {"dev_loss_tmo", "30"}}),
      1);
  EXPECT_EQ(FindValue(fams, "node_fibrechannel_fcp_packet_aborts_total", host),
            19);
  EXPECT_EQ(FindValue(fams, "node_fibrechannel_error_frames_total", host), 0);
  // All ones: not implemented by host0's HBA; host1's has it.
  EXPECT_FALSE(FindValue(fams, "node_fibrechannel_dumped_frames_total", host));
  EXPECT_EQ(FindValue(fams, "node_fibrechannel_dumped_frames_total",
                      {{"fc_host", "host1"}}),
            42);
  EXPECT_EQ(fams.size(), 15u);
}

TEST(FibrechannelCollectorTest, MissingAttributeAndStatistics) {
  SysfsRoot root;
  root.Write("class/fc_host/host1/speed", "8 Gbit\n");
  EXPECT_EQ(ErrorOf("fibrechannel", root),
            root.Sys("class/fc_host/host1/port_state") +
                ": No such file or directory");
  for (const char* f :
       {"port_state", "port_type", "node_name", "port_id", "port_name",
        "fabric_name", "dev_loss_tmo", "symbolic_name", "supported_classes",
        "supported_speeds"}) {
    root.Write(std::string("class/fc_host/host1/") + f, "0x1\n");
  }
  // No statistics/: node_exporter's ErrNoData.
  EXPECT_TRUE(RunCollector("fibrechannel", {}, root.Paths()).empty());
  root.Write("class/fc_host/host1/statistics/rx_frames", "oops\n");
  EXPECT_EQ(ErrorOf("fibrechannel", root),
            root.Sys("class/fc_host/host1/statistics/rx_frames") +
                ": line 1: not an unsigned integer: 'oops'");
}

TEST(NvmeCollectorTest, ReadsFixture) {
  Families fams = RunCollector("nvme");
  EXPECT_EQ(FindValue(fams, "node_nvme_info",
                      {{"device", "nvme0"},
                       {"firmware_revision", "1B2QEXP7"},
                       {"model", "Samsung SSD 970 PRO 512GB"},
                       {"serial", "S680HF8N190894I"},
                       {"state", "live"}}),
            1);
}

TEST(NvmeCollectorTest, MissingFileMeansNoDataAndUtf8IsRepaired) {
  SysfsRoot root;
  root.Write("class/nvme/nvme1/firmware_rev", "1\n");
  root.Write("class/nvme/nvme1/model", "bad\xff\n");
  root.Write("class/nvme/nvme1/serial", "S\n");
  EXPECT_TRUE(RunCollector("nvme", {}, root.Paths()).empty());
  root.Write("class/nvme/nvme1/state", "live\n");
  EXPECT_EQ(FindValue(RunCollector("nvme", {}, root.Paths()), "node_nvme_info",
                      {{"device", "nvme1"},
                       {"firmware_revision", "1"},
                       {"model", "bad\xEF\xBF\xBD"},
                       {"serial", "S"},
                       {"state", "live"}}),
            1);
}

TEST(PowersupplyclassCollectorTest, ReadsFixture) {
  Families fams = RunCollector("powersupplyclass");
  const Labels bat0 = {{"power_supply", "BAT0"}};
  EXPECT_EQ(FindValue(fams, "node_power_supply_capacity", bat0), 98);
  EXPECT_EQ(FindValue(fams, "node_power_supply_energy_watthour", bat0), 49.45);
  EXPECT_EQ(FindValue(fams, "node_power_supply_temp_celsius", bat0), 31.2);
  EXPECT_EQ(FindValue(fams, "node_power_supply_time_to_empty_seconds", bat0),
            36120);
  EXPECT_EQ(
      FindValue(fams, "node_power_supply_online", {{"power_supply", "AC"}}), 1);
  EXPECT_EQ(FindValue(fams, "node_power_supply_info",
                      {{"power_supply", "AC"}, {"type", "Mains"}}),
            1);
  EXPECT_EQ(Family(fams, "node_power_supply_power_watt").help,
            "power_watt value of /sys/class/power_supply/<power_supply>.");
  EXPECT_EQ(fams.size(), 50u);  // every family node_exporter 1.5 has
}

TEST(PowersupplyclassCollectorTest, IgnoredSupplies) {
  Families fams = RunCollector(
      "powersupplyclass",
      Opt("collector.powersupply.ignored-supplies", "^(BAT|hidpp)"));
  EXPECT_EQ(FindFamily(fams, "node_power_supply_capacity"), nullptr);
  EXPECT_EQ(
      FindValue(fams, "node_power_supply_online", {{"power_supply", "AC"}}), 1);
}

TEST(PowersupplyclassCollectorTest, MalformedValueFailsEvenWhenIgnored) {
  SysfsRoot root;
  root.Write("class/power_supply/BAT9/capacity", "0x10\n");
  root.Write("class/power_supply/BAT9/cycle_count", "012\n");
  Families fams = RunCollector("powersupplyclass", {}, root.Paths());
  const Labels bat = {{"power_supply", "BAT9"}};
  EXPECT_EQ(FindValue(fams, "node_power_supply_capacity", bat), 16);
  EXPECT_EQ(FindValue(fams, "node_power_supply_cyclecount", bat), 10);
  root.Write("class/power_supply/BAT9/power_avg", "abc\n");
  const std::string want = root.Sys("class/power_supply/BAT9/power_avg") +
                           ": line 1: not an integer: 'abc'";
  EXPECT_EQ(ErrorOf("powersupplyclass", root), want);
  EXPECT_EQ(ErrorOf("powersupplyclass", root,
                    Opt("collector.powersupply.ignored-supplies", "BAT9")),
            want);
}

TEST(TapestatsCollectorTest, ReadsFixture) {
  Families fams = RunCollector("tapestats");
  const Labels st0 = {{"device", "st0"}};
  EXPECT_EQ(FindValue(fams, "node_tape_io_now", st0), 1);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_tape_io_time_seconds_total", st0),
                   9247.01108772);
  EXPECT_EQ(FindValue(fams, "node_tape_written_bytes_total", st0),
            1496246784000.0);
  EXPECT_EQ(
      FindValue(fams, "node_tape_writes_completed_total", {{"device", "st1"}}),
      31);  // 0x1f
  // nst0 and st0a are other names for st0.
  EXPECT_FALSE(FindValue(fams, "node_tape_io_now", {{"device", "nst0"}}));
  EXPECT_EQ(Family(fams, "node_tape_io_now").metric.size(), 2u);
  EXPECT_EQ(fams.size(), 10u);
}

TEST(TapestatsCollectorTest, IgnoredDevices) {
  Families fams = RunCollector(
      "tapestats", Opt("collector.tapestats.ignored-devices", "^st1$"));
  EXPECT_EQ(Family(fams, "node_tape_io_now").metric.size(), 1u);
}

TEST(ThermalZoneCollectorTest, ReadsFixture) {
  Families fams = RunCollector("thermal_zone");
  EXPECT_EQ(FindValue(fams, "node_thermal_zone_temp",
                      {{"zone", "0"}, {"type", "x86_pkg_temp"}}),
            51);
  EXPECT_EQ(FindValue(fams, "node_thermal_zone_temp",
                      {{"zone", "1"}, {"type", "acpitz"}}),
            -3.5);
  EXPECT_EQ(FindValue(fams, "node_cooling_device_cur_state",
                      {{"name", "1"}, {"type", "intel_powerclamp"}}),
            -1);
  EXPECT_EQ(FindValue(fams, "node_cooling_device_max_state",
                      {{"name", "0"}, {"type", "Processor"}}),
            3);
}

TEST(ThermalZoneCollectorTest, MissingTempIsAnError) {
  SysfsRoot root;
  root.Write("class/thermal/thermal_zone0/type", "acpitz\n");
  root.Write("class/thermal/thermal_zone0/policy", "step_wise\n");
  EXPECT_EQ(ErrorOf("thermal_zone", root),
            root.Sys("class/thermal/thermal_zone0/temp") +
                ": No such file or directory");
  root.Write("class/thermal/thermal_zone0/temp", "41000\n");
  root.Write("class/thermal/thermal_zone0/passive", "x\n");
  EXPECT_EQ(ErrorOf("thermal_zone", root),
            root.Sys("class/thermal/thermal_zone0/passive") +
                ": line 1: not an unsigned integer: 'x'");
}

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
  auto collector = spec->create(DefaultOptions(*spec));
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
  auto c = spec->create(DefaultOptions(*spec));
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
}

TEST(HwCollectorErrorsTest, HwmonDanglingLinkFails) {
  SysfsRoot root;
  root.Write("class/hwmon/hwmon0/temp1_input", "1000\n");
  root.Link("class/hwmon/hwmon9", "nowhere");
  EXPECT_EQ(ErrorOf("hwmon", root),
            root.Sys("class/hwmon/hwmon9") + ": No such file or directory");
}

TEST(HwCollectorErrorsTest, BcacheMalformedValueNamesTheFile) {
  SysfsRoot root;
  const std::string set = "fs/bcache/1-2/";
  root.Write(set + "congested", "x\n");
  EXPECT_EQ(ErrorOf("bcache", root),
            root.Sys(set + "congested") + ": line 1: not a number: ''");
  root.Write(set + "congested", "0\n");
  root.Write(set + "bdev0/dirty_data", "1k\n");  // missing files read 0
  EXPECT_EQ(ErrorOf("bcache", root),
            root.Sys(set + "bdev0/writeback_rate_debug") +
                ": No such file or directory");
}

TEST(HwCollectorErrorsTest, InfinibandMissingFileMeansNoData) {
  SysfsRoot root;
  root.Write("class/infiniband/mlx5_0/fw_ver", "1\n");
  root.Write("class/infiniband/mlx5_0/hca_type", "x\n");
  EXPECT_TRUE(RunCollector("infiniband", {}, root.Paths()).empty());
  root.Write("class/infiniband/mlx5_0/board_id", "b\n");
  root.Write("class/infiniband/mlx5_0/ports/1/state", "x: y\n");
  EXPECT_EQ(ErrorOf("infiniband", root),
            root.Sys("class/infiniband/mlx5_0/ports/1/state") +
                ": line 1: state id is not an unsigned integer: 'x'");
}

TEST(HwCollectorErrorsTest, RaplMissingEnergyFails) {
  SysfsRoot root;
  root.Write("class/powercap/intel-rapl:0/name", "package-0\n");
  root.Write("class/powercap/intel-rapl:0/max_energy_range_uj", "100\n");
  EXPECT_EQ(ErrorOf("rapl", root),
            parse::GoCleanPath(root.Sys("class/powercap/intel-rapl:0")) +
                "/energy_uj: No such file or directory");
  std::filesystem::remove(
      root.Sys("class/powercap/intel-rapl:0/max_energy_range_uj"));
  EXPECT_TRUE(RunCollector("rapl", {}, root.Paths()).empty());
}

}  // namespace
}  // namespace host_exporter::testing
