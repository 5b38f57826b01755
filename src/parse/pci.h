// Parsers for the PCI devices of /sys/bus/pci/devices as node_exporter 1.10
// reads them (prometheus/procfs' sysfs.PciDevices): device locations
// ("0000:00:02.1"), the link speed attributes ("8.0 GT/s PCIe"), and the
// pci.ids database (vendor, device, subsystem and class names) its
// --collector.pcidevice.names reads.
#ifndef HOST_EXPORTER_PARSE_PCI_H_
#define HOST_EXPORTER_PARSE_PCI_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// A device's place: segment (domain), bus, device and function.
struct PciLocation {
  int64_t segment = 0, bus = 0, device = 0, function = 0;
  /// The four label values: "%04x", "%02x", "%02x", "%x".
  std::array<std::string, 4> Strings() const;
};

/// "<segment>:<bus>:<device>.<function>", each part hexadecimal (a 32-bit
/// Go int): the location, or "invalid location '<text>'".
Result<PciLocation> ParsePciLocation(std::string_view text);

/// A link speed attribute ("8.0 GT/s PCIe") in GT/s; nullopt for "" and
/// "Unknown..." (the kernel's pci_speed_string for an unknown speed); an
/// error for another unit or a number that does not parse.
Result<std::optional<double>> ParsePciLinkSpeed(std::string_view value);

/// The names of pci.ids (the hwdata/pciutils database).
class PciIds {
 public:
  /// Reads the database text: vendors ("<vvvv>  name"), their devices (one
  /// tab) and subsystems (two tabs, "<svvv> <sddd>  name"), and classes
  /// ("C <cc>  name"), their subclasses (one tab) and programming
  /// interfaces (two tabs). Lines it does not know are skipped.
  static PciIds Parse(std::string_view text);

  /// The lookups of node_exporter's pcidevice collector; the arguments are
  /// its "0x..." label values. Unknown IDs give the ID without "0x", an
  /// unknown class "Unknown class (<id>)".
  std::string Vendor(std::string_view vendor_id) const;
  std::string Device(std::string_view vendor_id,
                     std::string_view device_id) const;
  std::string Subsystem(std::string_view vendor_id, std::string_view device_id,
                        std::string_view subsystem_vendor_id,
                        std::string_view subsystem_device_id) const;
  /// The programming interface's name, else the subclass's, else the base
  /// class's.
  std::string Class(std::string_view class_id) const;

  size_t vendors() const { return vendors_.size(); }

 private:
  std::map<std::string, std::string, std::less<>> vendors_;
  std::map<std::string, std::string, std::less<>> devices_;     // "vvvv:dddd"
  std::map<std::string, std::string, std::less<>> subsystems_;  // 4 IDs
  std::map<std::string, std::string, std::less<>> classes_;  // "cc", "ccss"..
};

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_PCI_H_
