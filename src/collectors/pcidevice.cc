// pcidevice: node_pcidevice_* per PCI device of /sys/bus/pci/devices
// (default off), as node_exporter 1.10-1.12 reads them (prometheus/procfs'
// sysfs.PciDevices): each entry is a symlink whose target's last two parts
// are the device's location and its parent's (a "pci..." root bus: no
// parent, labels "*"); class, vendor, device, subsystem_vendor,
// subsystem_device and revision must exist; link speed and width,
// numa_node, the SR-IOV and power attributes are optional. As upstream, a
// file that does not exist where one must means no data for the whole
// collector; any other read error or a value that does not parse fails it,
// naming the file. With --collector.pcidevice.names the info series gets
// names from pci.ids (--collector.pcidevice.idsfile, else
// /usr/share/misc/pci.ids or /usr/share/hwdata/pci.ids, read once at
// start-up; no file: the IDs stand for the names).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "collectors/toolkit.h"
#include "parse/pci.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::pcidevice {
namespace {

struct Device {
  parse::PciLocation location;
  std::optional<parse::PciLocation> parent;
  int64_t ids[6] = {};  // class, vendor, device, subsystem vendor and device,
                        // revision
  std::optional<double> max_speed, max_width, current_speed, current_width;
  std::optional<int64_t> numa_node;
  std::optional<bool> sriov_autoprobe;
  std::optional<uint64_t> sriov_numvfs, sriov_totalvfs, sriov_vf_total_msix;
  std::optional<bool> d3cold_allowed;
  std::optional<std::string> power_state;
};

// The families every device has a series in; an absent link attribute is
// -1, an absent SR-IOV or power attribute 0.
const FieldFamily<Device> kGauges[] = {
    {"node_pcidevice_max_link_transfers_per_second",
     "Value of maximum link's transfers per second (T/s)", kGauge,
     [](const Device& d) { return d.max_speed.value_or(-1); }},
    {"node_pcidevice_max_link_width",
     "Value of maximum link's width (number of lanes)", kGauge,
     [](const Device& d) { return d.max_width.value_or(-1); }},
    {"node_pcidevice_current_link_transfers_per_second",
     "Value of current link's transfers per second (T/s)", kGauge,
     [](const Device& d) { return d.current_speed.value_or(-1); }},
    {"node_pcidevice_current_link_width",
     "Value of current link's width (number of lanes)", kGauge,
     [](const Device& d) { return d.current_width.value_or(-1); }},
    {"node_pcidevice_d3cold_allowed",
     "Whether the PCIe device supports D3cold power state (0/1).", kGauge,
     [](const Device& d) {
       return d.d3cold_allowed.value_or(false) ? 1.0 : 0;
     }},
    {"node_pcidevice_sriov_drivers_autoprobe",
     "Whether SR-IOV drivers autoprobe is enabled for the device (0/1).",
     kGauge,
     [](const Device& d) {
       return d.sriov_autoprobe.value_or(false) ? 1.0 : 0;
     }},
    {"node_pcidevice_sriov_numvfs",
     "Number of Virtual Functions (VFs) currently enabled for SR-IOV.", kGauge,
     [](const Device& d) { return ToDouble(d.sriov_numvfs.value_or(0)); }},
    {"node_pcidevice_sriov_totalvfs",
     "Total number of Virtual Functions (VFs) supported by the device.", kGauge,
     [](const Device& d) { return ToDouble(d.sriov_totalvfs.value_or(0)); }},
    {"node_pcidevice_sriov_vf_total_msix",
     "Total number of MSI-X vectors for Virtual Functions.", kGauge,
     [](const Device& d) {
       return ToDouble(d.sriov_vf_total_msix.value_or(0));
     }},
};

constexpr const char* kIdFiles[6] = {
    "class",   "vendor", "device", "subsystem_vendor", "subsystem_device",
    "revision"};

// An optional attribute's trimmed text; nullopt if it does not exist or is
// empty; throws CollectError naming it on another read error.
std::optional<std::string> Optional(const std::string& path) {
  FileRead f = ReadAttr(path);
  if (f.error == ENOENT) return std::nullopt;
  std::string v = std::move(f).Value(path);
  if (v.empty()) return std::nullopt;
  return v;
}

// `v` as Go's strconv.Parse(U)Int(v, base, bits); throws naming `path`.
int64_t Int(const std::string& path, const std::string& v, int base, int bits) {
  const auto n = parse::ParseGoInt(v, base);
  const bool fits = n && (bits == 64 || (*n >= -(int64_t{1} << (bits - 1)) &&
                                         *n < (int64_t{1} << (bits - 1))));
  if (!fits) {
    throw CollectError(path + ": not a " + std::to_string(bits) +
                       "-bit integer: '" + v + "'");
  }
  return *n;
}
uint64_t Uint(const std::string& path, const std::string& v, int base,
              int bits) {
  const auto n = parse::ParseGoUint(v, base);
  if (!n || (bits < 64 && *n >= (uint64_t{1} << bits))) {
    throw CollectError(path + ": not an unsigned " + std::to_string(bits) +
                       "-bit integer: '" + v + "'");
  }
  return *n;
}

// The device of the symlink `dir`, or nullopt if it or one of its ID files
// does not exist (no data here).
std::optional<Device> ReadDevice(const std::string& dir) {
  char buf[4096];
  const ssize_t n = ::readlink(dir.c_str(), buf, sizeof buf);
  if (n < 0) {
    if (errno == ENOENT) return std::nullopt;
    ThrowErrno(dir, errno);
  }
  const std::string target(buf, static_cast<size_t>(n));
  const std::string clean = parse::GoCleanPath(target);
  const size_t slash = clean.rfind('/');
  const std::string base = clean.substr(slash + 1);
  const std::string up = slash == std::string::npos || slash == 0
                             ? (slash == 0 ? "/" : ".")
                             : clean.substr(0, slash);
  const std::string parent = up.substr(up.rfind('/') + 1);
  Device d;
  d.location = Unwrap(parse::ParsePciLocation(base), dir);
  if (!parent.starts_with("pci")) {
    d.parent = Unwrap(parse::ParsePciLocation(parent), dir);
  }
  for (int i = 0; i < 6; ++i) {
    const std::string path = dir + "/" + kIdFiles[i];
    FileRead f = ReadAttr(path);
    if (f.error == ENOENT) return std::nullopt;
    d.ids[i] = Int(path, std::move(f).Value(path), 0, 32);
  }
  const auto speed = [&](const char* file, std::optional<double>* out) {
    const std::string path = dir + "/" + file;
    if (auto v = Optional(path)) {
      *out = Unwrap(parse::ParsePciLinkSpeed(*v), path);
      if (*out) **out *= 1e9;  // GT/s to T/s
    }
  };
  const auto width = [&](const char* file, std::optional<double>* out) {
    const std::string path = dir + "/" + file;
    if (auto v = Optional(path); v && !v->starts_with("Unknown")) {
      *out = ToDouble(Int(path, *v, 10, 64));
    }
  };
  speed("max_link_speed", &d.max_speed);
  width("max_link_width", &d.max_width);
  speed("current_link_speed", &d.current_speed);
  width("current_link_width", &d.current_width);
  if (auto v = Optional(dir + "/numa_node"); v && !v->starts_with("Unknown")) {
    d.numa_node = Int(dir + "/numa_node", *v, 10, 32);
  }
  struct Sriov {
    const char* file;
    int base, bits;
    std::optional<uint64_t>* out;
  };
  if (auto v = Optional(dir + "/sriov_drivers_autoprobe")) {
    d.sriov_autoprobe = Int(dir + "/sriov_drivers_autoprobe", *v, 10, 32) != 0;
  }
  std::optional<uint64_t> unused;
  for (const Sriov& s :
       {Sriov{"sriov_numvfs", 10, 32, &d.sriov_numvfs},
        Sriov{"sriov_offset", 10, 32, &unused},
        Sriov{"sriov_stride", 10, 32, &unused},
        Sriov{"sriov_totalvfs", 10, 32, &d.sriov_totalvfs},
        Sriov{"sriov_vf_device", 16, 32, &unused},
        Sriov{"sriov_vf_total_msix", 10, 64, &d.sriov_vf_total_msix}}) {
    const std::string path = dir + "/" + s.file;
    if (auto v = Optional(path)) *s.out = Uint(path, *v, s.base, s.bits);
  }
  if (auto v = Optional(dir + "/d3cold_allowed")) {
    d.d3cold_allowed = Int(dir + "/d3cold_allowed", *v, 10, 32) != 0;
  }
  d.power_state = Optional(dir + "/power_state");
  return d;
}

std::string HexId(int64_t v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%0*x", width, static_cast<uint32_t>(v));
  return buf;
}

// pci.ids: the flag's file, else the first default path that can be read;
// none: no names (the IDs stand for them), as upstream.
parse::PciIds LoadIds(const std::string& flag) {
  const std::vector<std::string> candidates =
      flag.empty() ? std::vector<std::string>{"/usr/share/misc/pci.ids",
                                              "/usr/share/hwdata/pci.ids"}
                   : std::vector<std::string>{flag};
  for (const std::string& path : candidates) {
    FileRead f = ReadUncached(path);
    if (f.ok()) return parse::PciIds::Parse(f.data);
  }
  return parse::PciIds{};
}

class PcideviceCollector : public Collector {
 public:
  explicit PcideviceCollector(const CollectorOptions& o)
      : names_(o.GetBool("collector.pcidevice.names")) {
    if (names_) ids_ = LoadIds(o.Get("collector.pcidevice.idsfile"));
  }

  Families Collect(const HostPaths& paths) override {
    const std::string root = paths.Sys("bus/pci/devices");
    const auto entries = ListOrNoData(root);
    if (!entries) return {};
    std::vector<Device> devices;
    for (const DirEntry& e : *entries) {
      auto d = ReadDevice(root + "/" + e.name);
      if (!d) return {};
      devices.push_back(std::move(*d));
    }
    FamilySet out;
    auto& info = out.Gauge("node_pcidevice_info",
                           "Non-numeric data from /sys/bus/pci/devices/"
                           "<location>, value is always 1.");
    for (const Device& d : devices) Add(d, &info, &out);
    return out.Take();
  }

 private:
  void Add(const Device& d, FamilyBuilder* info, FamilySet* out) const {
    static constexpr const char* kLoc[4] = {"segment", "bus", "device",
                                            "function"};
    const auto loc = d.location.Strings();
    Labels where;
    for (int i = 0; i < 4; ++i) where.push_back({kLoc[i], loc[i]});
    Labels l = where;
    const auto parent = d.parent
                            ? d.parent->Strings()
                            : std::array<std::string, 4>{"*", "*", "*", "*"};
    for (int i = 0; i < 4; ++i) {
      l.push_back({std::string("parent_") + kLoc[i], parent[i]});
    }
    const std::string class_id = HexId(d.ids[0], 6);
    const std::string vendor = HexId(d.ids[1], 4);
    const std::string device = HexId(d.ids[2], 4);
    const std::string sub_vendor = HexId(d.ids[3], 4);
    const std::string sub_device = HexId(d.ids[4], 4);
    l.insert(l.end(), {{"class_id", class_id},
                       {"vendor_id", vendor},
                       {"device_id", device},
                       {"subsystem_vendor_id", sub_vendor},
                       {"subsystem_device_id", sub_device},
                       {"revision", HexId(d.ids[5], 2)}});
    if (names_) {
      l.insert(
          l.end(),
          {{"vendor_name", parse::ToValidUtf8(ids_.Vendor(vendor))},
           {"device_name", parse::ToValidUtf8(ids_.Device(vendor, device))},
           {"subsystem_vendor_name",
            parse::ToValidUtf8(ids_.Vendor(sub_vendor))},
           {"subsystem_device_name",
            parse::ToValidUtf8(
                ids_.Subsystem(vendor, device, sub_vendor, sub_device))},
           {"class_name", parse::ToValidUtf8(ids_.Class(class_id))}});
    }
    info->Add(l, 1);
    AddFields(out, kGauges, d, where);
    if (d.power_state) {
      auto& power = out->Gauge("node_pcidevice_power_state",
                               "PCIe device power state, one of: D0, D1, D2, "
                               "D3hot, D3cold, unknown or error.");
      for (const char* s :
           {"D0", "D1", "D2", "D3hot", "D3cold", "unknown", "error"}) {
        Labels ls = where;
        ls.push_back({"state", s});
        power.Add(ls, *d.power_state == s ? 1 : 0);
      }
    }
    if (d.numa_node && *d.numa_node != -1) {
      out->Gauge("node_pcidevice_numa_node",
                 "NUMA node number for the PCI device. -1 indicates unknown or "
                 "not available.")
          .Add(where, ToDouble(*d.numa_node));
    }
  }

  bool names_;
  parse::PciIds ids_;
};

}  // namespace

CollectorSpec Spec() {
  return {"pcidevice",
          false,
          "Exposes PCI devices' link, power, NUMA and SR-IOV attributes from "
          "/sys/bus/pci/devices (node_exporter 1.10; follows upstream's "
          "changelog, no 1.10 binary here to compare).",
          {{"collector.pcidevice.idsfile", "",
            "Path to pci.ids file to use for PCI device identification."},
           {"collector.pcidevice.names", "false",
            "Enable PCI device name resolution (requires pci.ids file).", false,
            true}},
          &MakeCollector<PcideviceCollector>};
}

}  // namespace host_exporter::collectors::pcidevice
