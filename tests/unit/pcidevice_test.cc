// The PCI parsers (locations, link speeds, pci.ids) and the pcidevice
// collector.
#include <gtest/gtest.h>

#include "parse/pci.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using namespace parse;

TEST(PciParseTest, Location) {
  auto l = ParsePciLocation("0000:45:0a.7");
  ASSERT_TRUE(l.ok()) << l.error;
  EXPECT_EQ(l.value.bus, 0x45);
  EXPECT_EQ(l.value.device, 0x0a);
  EXPECT_EQ(l.value.Strings(),
            (std::array<std::string, 4>{"0000", "45", "0a", "7"}));
  EXPECT_EQ(ParsePciLocation("10000:00:01.1").value.Strings()[0], "10000");
  EXPECT_EQ(ParsePciLocation("pci0000:00").error,
            "invalid location 'pci0000:00'");
  EXPECT_EQ(ParsePciLocation("0000:00:01").error,
            "invalid location '0000:00:01'");
  EXPECT_EQ(ParsePciLocation("0000:0g:01.0").error,
            "invalid location '0000:0g:01.0'");
}

TEST(PciParseTest, LinkSpeed) {
  EXPECT_EQ(ParsePciLinkSpeed("8.0 GT/s PCIe").value, 8.0);
  EXPECT_EQ(ParsePciLinkSpeed("2.5 GT/s PCIe").value, 2.5);
  EXPECT_FALSE(ParsePciLinkSpeed("Unknown").value.has_value());
  EXPECT_TRUE(ParsePciLinkSpeed("").ok());
  EXPECT_EQ(ParsePciLinkSpeed("8.0 GB/s").error, "unknown unit '8.0 GB/s'");
  EXPECT_EQ(ParsePciLinkSpeed("8.0").error, "invalid value '8.0'");
  EXPECT_EQ(ParsePciLinkSpeed("x GT/s PCIe").error,
            "not a number: 'x GT/s PCIe'");
}

TEST(PciParseTest, Ids) {
  const PciIds ids = PciIds::Parse(
      "# comment\n"
      "1022  AMD\n"
      "\t1634  Bridge\n"
      "\t\t17aa 5095  ThinkPad bridge\n"
      "8086  Intel\n"
      "C 01  Mass storage controller\n"
      "\t08  Non-Volatile memory controller\n"
      "\t\t02  NVM Express\n"
      "C 06  Bridge\n"
      "\t04  PCI bridge\n");
  EXPECT_EQ(ids.Vendor("0x1022"), "AMD");
  EXPECT_EQ(ids.Vendor("0xABCD"), "abcd");
  EXPECT_EQ(ids.Device("0x1022", "0x1634"), "Bridge");
  EXPECT_EQ(ids.Device("0x8086", "0x1634"), "1634");
  EXPECT_EQ(ids.Subsystem("0x1022", "0x1634", "0x17aa", "0x5095"),
            "ThinkPad bridge");
  EXPECT_EQ(ids.Subsystem("0x1022", "0x1634", "0x17aa", "0x5096"), "5096");
  EXPECT_EQ(ids.Class("0x010802"), "NVM Express");
  EXPECT_EQ(ids.Class("0x010801"), "Non-Volatile memory controller");
  EXPECT_EQ(ids.Class("0x060400"), "PCI bridge");
  EXPECT_EQ(ids.Class("0x068000"), "Bridge");
  EXPECT_EQ(ids.Class("0x0c0330"), "Unknown class (0c0330)");
}

}  // namespace

namespace testing {
namespace {

const Labels kNvme = {
    {"segment", "0000"}, {"bus", "41"}, {"device", "00"}, {"function", "0"}};
const Labels kNic = {
    {"segment", "0000"}, {"bus", "45"}, {"device", "00"}, {"function", "0"}};

TEST(PcideviceCollectorTest, ReadsFixture) {
  Families fams = RunCollector("pcidevice");
  EXPECT_EQ(FindValue(fams, "node_pcidevice_info",
                      {{"segment", "0000"},
                       {"bus", "40"},
                       {"device", "01"},
                       {"function", "3"},
                       {"parent_segment", "*"},
                       {"parent_bus", "*"},
                       {"parent_device", "*"},
                       {"parent_function", "*"},
                       {"class_id", "0x060400"},
                       {"vendor_id", "0x1022"},
                       {"device_id", "0x1634"},
                       {"subsystem_vendor_id", "0x17aa"},
                       {"subsystem_device_id", "0x5095"},
                       {"revision", "0x00"}}),
            1);
  EXPECT_EQ(
      FindValue(fams, "node_pcidevice_max_link_transfers_per_second", kNvme),
      16e9);
  EXPECT_EQ(FindValue(fams, "node_pcidevice_current_link_width", kNvme), 4);
  EXPECT_EQ(FindValue(fams, "node_pcidevice_sriov_numvfs", kNvme), 4);
  EXPECT_EQ(FindValue(fams, "node_pcidevice_sriov_vf_total_msix", kNvme), 16);
  EXPECT_EQ(FindValue(fams, "node_pcidevice_sriov_drivers_autoprobe", kNvme),
            1);
  Labels d3hot = kNvme;
  d3hot.push_back({"state", "D3hot"});
  EXPECT_EQ(FindValue(fams, "node_pcidevice_power_state", d3hot), 1);
  // numa_node -1 and absent are left out; "Unknown" speed is -1; no
  // power_state: no power series.
  EXPECT_EQ(FindValue(fams, "node_pcidevice_numa_node", kNvme), std::nullopt);
  EXPECT_EQ(FindValue(fams, "node_pcidevice_numa_node", kNic), 0);
  EXPECT_EQ(
      FindValue(fams, "node_pcidevice_current_link_transfers_per_second", kNic),
      -1);
  EXPECT_EQ(Family(fams, "node_pcidevice_power_state").metric.size(), 14u);
  EXPECT_EQ(FindValue(fams, "node_pcidevice_sriov_totalvfs", kNic), 7);
}

TEST(PcideviceCollectorTest, Names) {
  CollectorOptions o;
  o.Set("collector.pcidevice.names", {"true"});
  o.Set("collector.pcidevice.idsfile",
        {std::string(FIXTURE_ROOT) + "/../pci/pci.ids"});
  Families fams = RunCollector("pcidevice", o);
  EXPECT_EQ(
      FindValue(fams, "node_pcidevice_info",
                {{"segment", "0000"},
                 {"bus", "41"},
                 {"device", "00"},
                 {"function", "0"},
                 {"parent_segment", "0000"},
                 {"parent_bus", "40"},
                 {"parent_device", "01"},
                 {"parent_function", "3"},
                 {"class_id", "0x010802"},
                 {"vendor_id", "0xc0a9"},
                 {"device_id", "0x540a"},
                 {"subsystem_vendor_id", "0xc0a9"},
                 {"subsystem_device_id", "0x5021"},
                 {"revision", "0x01"},
                 {"vendor_name", "Micron/Crucial Technology"},
                 {"device_name",
                  "P2 [Nick P2] / P3 / P3 Plus NVMe PCIe SSD (DRAM-less)"},
                 {"subsystem_vendor_name", "Micron/Crucial Technology"},
                 {"subsystem_device_name",
                  "PS5021-E21 PCIe4 NVMe Controller (DRAM-less)"},
                 {"class_name", "NVM Express"}}),
      1);
  // A missing ids file: the IDs stand for the names.
  o.Set("collector.pcidevice.idsfile", {"/nonexistent/pci.ids"});
  fams = RunCollector("pcidevice", o);
  const auto* info = FindFamily(fams, "node_pcidevice_info");
  ASSERT_NE(info, nullptr);
  bool found = false;
  for (const auto& m : info->metric) {
    for (const auto& l : m.label) {
      if (l.name == "vendor_name" && l.value == "8086") found = true;
    }
  }
  EXPECT_TRUE(found);
}

TEST(PcideviceCollectorTest, MissingRequiredFileIsNoDataBadValueFails) {
  SysfsRoot root;
  EXPECT_TRUE(RunCollector("pcidevice", {}, root.Paths()).empty());
  const std::string dev = "devices/pci0000:00/0000:00:01.0/";
  root.Link("bus/pci/devices/0000:00:01.0",
            "../../../devices/pci0000:00/0000:00:01.0");
  for (const char* f :
       {"class", "vendor", "device", "subsystem_vendor", "subsystem_device"}) {
    root.Write(dev + f, "0x0001\n");
  }
  EXPECT_TRUE(RunCollector("pcidevice", {}, root.Paths()).empty());
  root.Write(dev + "revision", "0x01\n");
  root.Write(dev + "max_link_width", "x4\n");
  EXPECT_EQ(ErrorOf("pcidevice", root),
            root.Sys("bus/pci/devices/0000:00:01.0/max_link_width") +
                ": not a 64-bit integer: 'x4'");
  root.Write(dev + "max_link_width", "4\n");
  root.Write(dev + "max_link_speed", "8 GT/s\n");
  EXPECT_EQ(ErrorOf("pcidevice", root),
            root.Sys("bus/pci/devices/0000:00:01.0/max_link_speed") +
                ": unknown unit '8 GT/s'");
  root.Write(dev + "max_link_speed", "8 GT/s PCIe\n");
  EXPECT_EQ(FindValue(RunCollector("pcidevice", {}, root.Paths()),
                      "node_pcidevice_max_link_transfers_per_second",
                      {{"segment", "0000"},
                       {"bus", "00"},
                       {"device", "01"},
                       {"function", "0"}}),
            8e9);
  // Not a symlink: readlink fails with EINVAL.
  root.Write("bus/pci/devices/0000:00:02.0/class", "0x1\n");
  EXPECT_EQ(ErrorOf("pcidevice", root),
            root.Sys("bus/pci/devices/0000:00:02.0") + ": Invalid argument");
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
