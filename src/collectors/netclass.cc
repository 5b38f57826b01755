// netclass: node_network_up, node_network_info and one
// node_network_<property> family per numeric attribute of
// /sys/class/net/<iface>/ (mtu_bytes, speed_bytes, carrier, flags, ...), as
// node_exporter 1.5 reads them (prometheus/procfs 0.8 NetClass); 1.9's
// node_network_info adds "adminstate" (IFF_UP of flags), left out with
// --compat.node-exporter=1.5.
//
// Attributes the driver refuses to report (EINVAL for carrier or speed on
// a link that is down, EOPNOTSUPP) are left out; a numeric attribute that
// does not parse reads 0, as there. speed is in Mb/s, exposed in bytes/s;
// -1 (unknown) gives -125000 unless --collector.netclass.ignore-invalid-
// speed. No /sys/class/net: no families.
//
// --collector.netclass.netlink: node_exporter 1.5 then asks the kernel over
// rtnetlink and ethtool netlink instead of sysfs. This collector reads sysfs
// in both modes: the kernel fills those files from the same net_device, so
// the families and values are the ones of the sysfs mode. With it,
// --collector.netclass_rtnl.with-stats adds the 24 interface counters
// (node_network_receive_bytes_total, ... exposed as gauges, as 1.5 does),
// read from /sys/class/net/<iface>/statistics/, which holds the same
// rtnl_link_stats64 values netlink returns.
#include <sys/stat.h>

#include <cerrno>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::netclass {
namespace {

constexpr char kNetclassIgnored[] = "collector.netclass.ignored-devices";
constexpr char kInvalidSpeed[] = "collector.netclass.ignore-invalid-speed";
constexpr char kNetclassNetlink[] = "collector.netclass.netlink";
constexpr char kWithStats[] = "collector.netclass_rtnl.with-stats";

// Numeric attribute file -> metric suffix, in node_exporter's order. speed
// is handled on its own.
constexpr std::pair<const char*, const char*> kGauges[] = {
    {"addr_assign_type", "address_assign_type"},
    {"carrier", "carrier"},
    {"dev_id", "device_id"},
    {"dormant", "dormant"},
    {"flags", "flags"},
    {"ifindex", "iface_id"},
    {"iflink", "iface_link"},
    {"link_mode", "iface_link_mode"},
    {"mtu", "mtu_bytes"},
    {"name_assign_type", "name_assign_type"},
    {"netdev_group", "net_dev_group"},
    {"tx_queue_len", "transmit_queue_length"},
    {"type", "protocol_type"},
};

constexpr std::pair<const char*, const char*> kNetclassCounters[] = {
    {"carrier_changes", "carrier_changes_total"},
    {"carrier_up_count", "carrier_up_changes_total"},
    {"carrier_down_count", "carrier_down_changes_total"},
};

// Numeric attributes handled on their own.
constexpr const char* kOtherInts[] = {"speed"};

// Text attributes node_exporter exposes. (Its procfs library also reads
// addr_len and the phys_* files, then drops them: not read here, a third of
// the collector's system calls.)
constexpr const char* kNetclassStrings[] = {
    "address", "broadcast", "duplex", "ifalias", "operstate",
};

// statistics/ file -> metric name, for --collector.netclass_rtnl.with-stats.
constexpr std::pair<const char*, const char*> kStats[] = {
    {"rx_packets", "receive_packets_total"},
    {"tx_packets", "transmit_packets_total"},
    {"rx_bytes", "receive_bytes_total"},
    {"tx_bytes", "transmit_bytes_total"},
    {"rx_errors", "receive_errors_total"},
    {"tx_errors", "transmit_errors_total"},
    {"rx_dropped", "receive_dropped_total"},
    {"tx_dropped", "transmit_dropped_total"},
    {"multicast", "multicast_total"},
    {"collisions", "collisions_total"},
    {"rx_length_errors", "receive_length_errors_total"},
    {"rx_over_errors", "receive_over_errors_total"},
    {"rx_crc_errors", "receive_crc_errors_total"},
    {"rx_frame_errors", "receive_frame_errors_total"},
    {"rx_fifo_errors", "receive_fifo_errors_total"},
    {"rx_missed_errors", "receive_missed_errors_total"},
    {"tx_aborted_errors", "transmit_aborted_errors_total"},
    {"tx_carrier_errors", "transmit_carrier_errors_total"},
    {"tx_fifo_errors", "transmit_fifo_errors_total"},
    {"tx_heartbeat_errors", "transmit_heartbeat_errors_total"},
    {"tx_window_errors", "transmit_window_errors_total"},
    {"rx_compressed", "receive_compressed_total"},
    {"tx_compressed", "transmit_compressed_total"},
    {"rx_nohandler", "receive_nohandler_total"},
};

bool IsNumeric(const std::string& file) {
  for (const auto& [f, m] : kGauges) {
    if (file == f) return true;
  }
  for (const auto& [f, m] : kNetclassCounters) {
    if (file == f) return true;
  }
  for (const char* f : kOtherInts) {
    if (file == f) return true;
  }
  return false;
}

bool IsString(const std::string& file) {
  for (const char* f : kNetclassStrings) {
    if (file == f) return true;
  }
  return false;
}

bool IsNoData(int error) {
  return error == ENOENT || error == EACCES || error == EPERM;
}

// The attributes of one interface that were present and readable.
struct Iface {
  std::map<std::string, int64_t> ints;
  std::map<std::string, std::string> strings;
};

// One interface's exposed attribute files. Their descriptors stay open
// between cycles in the toolkit's cache (ReadPathStamped): the kernel makes
// an attribute's text again on every read from offset 0, and the open(2)
// and close(2) of a sysfs file cost three times its read. They are valid
// while the interface is the same one (its DirStamp from the kept class
// directory, KeptDir::Stamp: on sysfs its symlink's, elsewhere its
// directory's: a renamed or re-created interface has another one, and in a
// fixture tree a directory where a file was added another change time); the
// directory is listed again then, and every kRelistEvery cycles (a driver
// adding an attribute on sysfs).
struct IfaceFiles {
  std::string dir;
  DirStamp stamp;
  unsigned cycles = 0;
  bool listed = false;
  std::vector<std::string> names;
};

constexpr unsigned kRelistEvery = 120;

// Interface `name` of class directory `root` (open as `class_dir`), or
// nullopt for no data (its directory is gone or may not be read).
std::optional<Iface> ReadIface(const KeptDir& class_dir,
                               const std::string& root, const std::string& name,
                               IfaceFiles* k) {
  const std::string dir = root + "/" + name;
  DirStamp stamp;
  if (int err = class_dir.Stamp(name, &stamp)) {
    if (IsNoData(err)) return std::nullopt;
    ThrowErrno(dir, err);
  }
  if (!k->listed || k->dir != dir || !(k->stamp == stamp) ||
      ++k->cycles >= kRelistEvery) {
    const auto entries = ListOrNoData(dir, true);
    if (!entries) return std::nullopt;
    k->names.clear();
    for (const DirEntry& e : *entries) {
      if (e.kind != Kind::kRegular) continue;
      if (IsNumeric(e.name) || IsString(e.name)) k->names.push_back(e.name);
    }
    k->dir = dir;
    k->stamp = stamp;
    k->cycles = 0;
    k->listed = true;
  }
  Iface iface;
  for (const std::string& name : k->names) {
    const std::string path = dir + "/" + name;
    const FileRead f = ReadPathStamped(path, stamp, 128);
    if (!f.ok()) {
      if (IsNoData(f.error) || f.error == EOPNOTSUPP || f.error == EINVAL)
        continue;
      ThrowErrno(path, f.error);
    }
    const std::string_view text = parse::GoTrimSpace(f.data);
    if (IsNumeric(name)) {
      // procfs keeps a value that does not parse, as 0.
      iface.ints[name] = parse::ParseGoInt(text, 0).value_or(0);
    } else {
      iface.strings[name] = parse::ToValidUtf8(std::string(text));
    }
  }
  return iface;
}

class NetclassCollector : public Collector {
 public:
  explicit NetclassCollector(const CollectorOptions& o)
      : ignored_(kNetclassIgnored, o.Get(kNetclassIgnored)),
        ignore_invalid_speed_(o.GetBool(kInvalidSpeed)),
        with_stats_(o.GetBool(kNetclassNetlink) && o.GetBool(kWithStats)),
        ne15_(o.NodeExporter15()) {}

  Families Collect(const HostPaths& paths) override {
    const std::string root = paths.Sys("class/net");
    const auto entries = class_dir_.ListOrNoData(root, true);
    if (!entries) return {};
    std::map<std::string, Iface> ifaces;
    std::map<std::string, IfaceFiles> files;
    for (const DirEntry& e : *entries) {
      // bonding_masters and other plain files are not interfaces.
      if (e.kind == Kind::kRegular) continue;
      if (!ignored_.active() || ignored_.Excludes(e.name)) continue;
      IfaceFiles& k = files[e.name];
      if (auto it = files_.find(e.name); it != files_.end()) {
        k = std::move(it->second);
        files_.erase(it);
      }
      std::optional<Iface> iface = ReadIface(class_dir_, root, e.name, &k);
      if (!iface) {
        // No data this cycle; what is kept for the interfaces read so far
        // stays kept.
        for (auto& [name, k2] : files) files_[name] = std::move(k2);
        return {};
      }
      ifaces[e.name] = std::move(*iface);
    }
    // Interfaces gone since the last cycle: their kept files are closed.
    for (const auto& [name, k] : files_) {
      if (k.listed) ForgetKeptUnder(k.dir);
    }
    files_ = std::move(files);

    FamilySet out;
    for (const auto& [name, iface] : ifaces) {
      const std::string device = parse::ToValidUtf8(name);
      const Labels labels = {{"device", device}};
      auto text = [&](const char* key) {
        auto it = iface.strings.find(key);
        return it == iface.strings.end() ? std::string() : it->second;
      };
      out.Gauge("node_network_up",
                "Value is 1 if operstate is 'up', 0 otherwise.")
          .Add(labels, text("operstate") == "up" ? 1 : 0);
      Labels info = {{"device", device},
                     {"address", text("address")},
                     {"broadcast", text("broadcast")},
                     {"duplex", text("duplex")},
                     {"operstate", text("operstate")},
                     {"ifalias", text("ifalias")}};
      if (!ne15_) {
        // node_exporter 1.9: IFF_UP of the flags, "unknown" without them.
        auto flags = iface.ints.find("flags");
        info.push_back({"adminstate", flags == iface.ints.end()  ? "unknown"
                                      : (flags->second & 1) != 0 ? "up"
                                                                 : "down"});
      }
      out.Gauge(
             "node_network_info",
             "Non-numeric data from /sys/class/net/<iface>, value is always 1.")
          .Add(info, 1);
      auto property = [&](const char* file, const std::string& metric,
                          prometheus::MetricType type) {
        auto it = iface.ints.find(file);
        if (it == iface.ints.end()) return;
        out.Family("node_network_" + metric,
                   "Network device property: " + metric, type)
            .Add(labels, static_cast<double>(it->second));
      };
      for (const auto& [file, metric] : kGauges) {
        property(file, metric, prometheus::MetricType::Gauge);
      }
      for (const auto& [file, metric] : kNetclassCounters) {
        property(file, metric, prometheus::MetricType::Counter);
      }
      if (auto it = iface.ints.find("speed"); it != iface.ints.end()) {
        // Some devices report -1 when the speed is unknown.
        if (it->second >= 0 || !ignore_invalid_speed_) {
          // Go's int64 arithmetic, which wraps.
          const int64_t megabits_by_million = static_cast<int64_t>(
              static_cast<uint64_t>(it->second) * 1000 * 1000);
          out.Gauge("node_network_speed_bytes",
                    "Network device property: speed_bytes")
              .Add(labels, static_cast<double>(megabits_by_million / 8));
        }
      }
      if (with_stats_)
        AddNetclassStats(root + "/" + name + "/statistics", labels, &out);
    }
    return out.Take();
  }

 private:
  // The interface counters --collector.netclass_rtnl.with-stats adds.
  static void AddNetclassStats(const std::string& dir, const Labels& labels,
                               FamilySet* out) {
    for (const auto& [file, metric] : kStats) {
      const std::string path = dir + "/" + file;
      FileRead f = ReadWhole(path);
      if (!f.ok()) continue;  // a driver without this counter
      out->Gauge(std::string("node_network_") + metric,
                 std::string("Network device property: ") + metric)
          .Add(labels,
               static_cast<double>(Unwrap(parse::ParseUintFile(f.data), path)));
    }
  }

  // Go's empty regexp matches every name: an empty pattern ignores every
  // device (node_exporter's behaviour), unlike Filter's "no filter".
  const Filter ignored_;
  const bool ignore_invalid_speed_;
  const bool with_stats_;
  const bool ne15_;  // --compat.node-exporter=1.5: no adminstate label
  // By interface name; only the scheduler's one running Collect touches it.
  std::map<std::string, IfaceFiles> files_;
  // The class directory, listed and its interfaces stamped through it.
  KeptDir class_dir_;
};

}  // namespace

CollectorSpec Spec() {
  return {
      "netclass",
      true,
      "Exposes network interface info from sysfs such as address, speed "
      "and MTU.",
      {
          {kNetclassIgnored, "^$",
           "Regexp of net devices to ignore for netclass collector."},
          {kInvalidSpeed, "false",
           "Ignore devices where the speed is invalid. This will be the "
           "default behavior in 2.x.",
           false, true},
          {kNetclassNetlink, "false",
           "Use netlink to gather stats instead of /proc/net/dev. "
           "host_exporter reads /sys/class/net in both modes (the same "
           "kernel values); with --collector.netclass_rtnl.with-stats it "
           "adds the interface counters from "
           "/sys/class/net/<iface>/statistics.",
           false, true},
          {kWithStats, "false",
           "Expose the statistics for each network device, replacing netdev "
           "collector. Only with --collector.netclass.netlink.",
           false, true},
      },
      &MakeCollector<NetclassCollector>};
}

}  // namespace host_exporter::collectors::netclass
