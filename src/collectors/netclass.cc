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

#include <array>
#include <cerrno>
#include <cstdint>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::netclass {
namespace {

constexpr char kNetclassIgnored[] = "collector.netclass.ignored-devices";
constexpr char kInvalidSpeed[] = "collector.netclass.ignore-invalid-speed";
constexpr char kNetclassNetlink[] = "collector.netclass.netlink";
constexpr char kWithStats[] = "collector.netclass_rtnl.with-stats";

// A numeric attribute file and its family, in node_exporter's order: the
// gauges, then the counters. speed is handled on its own.
struct Property {
  const char* file;
  FamilyDef family;
};
#define NETCLASS_PROPERTY(file, metric, type)                                  \
  {                                                                            \
    file, { "node_network_" metric, "Network device property: " metric, type } \
  }
constexpr Property kProperties[] = {
    NETCLASS_PROPERTY("addr_assign_type", "address_assign_type", kGauge),
    NETCLASS_PROPERTY("carrier", "carrier", kGauge),
    NETCLASS_PROPERTY("dev_id", "device_id", kGauge),
    NETCLASS_PROPERTY("dormant", "dormant", kGauge),
    NETCLASS_PROPERTY("flags", "flags", kGauge),
    NETCLASS_PROPERTY("ifindex", "iface_id", kGauge),
    NETCLASS_PROPERTY("iflink", "iface_link", kGauge),
    NETCLASS_PROPERTY("link_mode", "iface_link_mode", kGauge),
    NETCLASS_PROPERTY("mtu", "mtu_bytes", kGauge),
    NETCLASS_PROPERTY("name_assign_type", "name_assign_type", kGauge),
    NETCLASS_PROPERTY("netdev_group", "net_dev_group", kGauge),
    NETCLASS_PROPERTY("tx_queue_len", "transmit_queue_length", kGauge),
    NETCLASS_PROPERTY("type", "protocol_type", kGauge),
    NETCLASS_PROPERTY("carrier_changes", "carrier_changes_total", kCounter),
    NETCLASS_PROPERTY("carrier_up_count", "carrier_up_changes_total", kCounter),
    NETCLASS_PROPERTY("carrier_down_count", "carrier_down_changes_total",
                      kCounter),
};
#undef NETCLASS_PROPERTY
constexpr size_t kPropertyCount = std::size(kProperties);

// Text attributes node_exporter exposes. (Its procfs library also reads
// addr_len and the phys_* files, then drops them: not read here, a third of
// the collector's system calls.)
constexpr const char* kStringFiles[] = {
    "address", "broadcast", "duplex", "ifalias", "operstate",
};
enum StringAttr { kAddress, kBroadcast, kDuplex, kIfalias, kOperstate };

// The attributes read, numbered: the properties, speed, the text ones.
constexpr size_t kSpeed = kPropertyCount;
constexpr size_t kFirstString = kSpeed + 1;
constexpr size_t kAttrCount = kFirstString + std::size(kStringFiles);
constexpr size_t kFlags = 4;
static_assert(std::string_view(kProperties[kFlags].file) == "flags");
static_assert(kAttrCount <= 32, "Iface::have is a 32-bit mask");

const char* AttrFile(size_t attr) {
  if (attr < kPropertyCount) return kProperties[attr].file;
  if (attr == kSpeed) return "speed";
  return kStringFiles[attr - kFirstString];
}

// The number of an exposed attribute file, or -1.
int AttrOf(std::string_view file) {
  for (size_t a = 0; a < kAttrCount; ++a) {
    if (file == AttrFile(a)) return static_cast<int>(a);
  }
  return -1;
}

// statistics/ file -> family, for --collector.netclass_rtnl.with-stats
// (gauges, as node_exporter 1.5 exposes them).
#define NETCLASS_STAT(file, metric) \
  { file, "node_network_" metric, "Network device property: " metric }
constexpr SourceFamily kStats[] = {
    NETCLASS_STAT("rx_packets", "receive_packets_total"),
    NETCLASS_STAT("tx_packets", "transmit_packets_total"),
    NETCLASS_STAT("rx_bytes", "receive_bytes_total"),
    NETCLASS_STAT("tx_bytes", "transmit_bytes_total"),
    NETCLASS_STAT("rx_errors", "receive_errors_total"),
    NETCLASS_STAT("tx_errors", "transmit_errors_total"),
    NETCLASS_STAT("rx_dropped", "receive_dropped_total"),
    NETCLASS_STAT("tx_dropped", "transmit_dropped_total"),
    NETCLASS_STAT("multicast", "multicast_total"),
    NETCLASS_STAT("collisions", "collisions_total"),
    NETCLASS_STAT("rx_length_errors", "receive_length_errors_total"),
    NETCLASS_STAT("rx_over_errors", "receive_over_errors_total"),
    NETCLASS_STAT("rx_crc_errors", "receive_crc_errors_total"),
    NETCLASS_STAT("rx_frame_errors", "receive_frame_errors_total"),
    NETCLASS_STAT("rx_fifo_errors", "receive_fifo_errors_total"),
    NETCLASS_STAT("rx_missed_errors", "receive_missed_errors_total"),
    NETCLASS_STAT("tx_aborted_errors", "transmit_aborted_errors_total"),
    NETCLASS_STAT("tx_carrier_errors", "transmit_carrier_errors_total"),
    NETCLASS_STAT("tx_fifo_errors", "transmit_fifo_errors_total"),
    NETCLASS_STAT("tx_heartbeat_errors", "transmit_heartbeat_errors_total"),
    NETCLASS_STAT("tx_window_errors", "transmit_window_errors_total"),
    NETCLASS_STAT("rx_compressed", "receive_compressed_total"),
    NETCLASS_STAT("tx_compressed", "transmit_compressed_total"),
    NETCLASS_STAT("rx_nohandler", "receive_nohandler_total"),
};
#undef NETCLASS_STAT
constexpr size_t kStatCount = std::size(kStats);

bool IsNoData(int error) {
  return error == ENOENT || error == EACCES || error == EPERM;
}

// One interface, kept between cycles: its exposed attribute files, with
// their paths, and what they held this cycle. The descriptors stay open
// between cycles in the toolkit's cache (ReadPathStamped): the kernel makes
// an attribute's text again on every read from offset 0, and the open(2)
// and close(2) of a sysfs file cost three times its read. They are valid
// while the interface is the same one (its DirStamp from the kept class
// directory, KeptDir::Stamp: on sysfs its symlink's, elsewhere its
// directory's: a renamed or re-created interface has another one, and in a
// fixture tree a directory where a file was added another change time); the
// directory is listed again then, and every kRelistEvery cycles (a driver
// adding an attribute on sysfs). A cycle then joins no path and makes no
// string but the readers' own.
struct Iface {
  std::string dir;
  DirStamp stamp;
  unsigned cycles = 0;
  bool listed = false;
  uint64_t seen = 0;   // the last cycle the class directory listed it
  std::string device;  // the device label: the name as valid UTF-8
  std::vector<std::pair<uint8_t, std::string>> files;  // attribute, path
  std::vector<std::string> stats;  // statistics/ paths (with-stats only)
  // This cycle's values: those of the attributes in `have` (a bit per
  // attribute) were read; a text attribute not read is empty.
  uint32_t have = 0;
  std::array<int64_t, kFirstString> ints{};
  std::array<std::string, std::size(kStringFiles)> strings;
  bool Has(size_t attr) const { return (have >> attr) & 1; }
};

constexpr unsigned kRelistEvery = 120;

// An attribute's integer: procfs' ValueParser.PInt64 on the trimmed text,
// a value that does not parse kept as 0.
int64_t AttrInt(std::string_view text) {
  return parse::ParseGoInt(parse::GoTrimSpace(text), 0).value_or(0);
}

// *out = Go's strings.ToValidUTF8 of the trimmed text, into the string's
// storage when it is valid already (nearly always).
void AssignText(std::string_view text, std::string* out) {
  text = parse::GoTrimSpace(text);
  if (parse::IsValidUtf8(text)) {
    out->assign(text);
  } else {
    *out = parse::ToValidUtf8(text);
  }
}

// Reads interface `name` of class directory `root` (open as `class_dir`)
// into *k; false for no data (its directory is gone or may not be read).
bool ReadIface(const KeptDir& class_dir, const std::string& root,
               const std::string& name, bool with_stats, Iface* k) {
  DirStamp stamp;
  if (int err = class_dir.Stamp(name, &stamp)) {
    if (IsNoData(err)) return false;
    ThrowErrno(root + "/" + name, err);
  }
  if (!k->listed || !(k->stamp == stamp) || ++k->cycles >= kRelistEvery) {
    const std::string dir = root + "/" + name;
    const auto entries = ListOrNoData(dir, true);
    if (!entries) return false;
    k->files.clear();
    for (const DirEntry& e : *entries) {
      if (e.kind != Kind::kRegular) continue;
      if (const int a = AttrOf(e.name); a >= 0) {
        k->files.emplace_back(static_cast<uint8_t>(a), dir + "/" + e.name);
      }
    }
    k->stats.clear();
    if (with_stats) {
      for (const SourceFamily& s : kStats) {
        k->stats.push_back(dir + "/statistics/" + s.source);
      }
    }
    k->dir = dir;
    k->stamp = stamp;
    k->cycles = 0;
    k->listed = true;
  }
  k->have = 0;
  for (std::string& s : k->strings) s.clear();
  for (const auto& [attr, path] : k->files) {
    const FileRead f = ReadPathStamped(path, stamp, 128);
    if (!f.ok()) {
      if (IsNoData(f.error) || f.error == EOPNOTSUPP || f.error == EINVAL)
        continue;
      ThrowErrno(path, f.error);
    }
    if (attr < kFirstString) {
      k->ints[attr] = AttrInt(f.data);
    } else {
      AssignText(f.data, &k->strings[attr - kFirstString]);
    }
    k->have |= uint32_t{1} << attr;
  }
  return true;
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
    if (root != root_) {
      // Another --path.sysfs (a test's): nothing kept holds.
      Forget([](const Iface&) { return true; });
      root_ = root;
    }
    ++cycle_;
    read_.clear();
    for (const DirEntry& e : *entries) {
      // bonding_masters and other plain files are not interfaces.
      if (e.kind == Kind::kRegular) continue;
      if (!ignored_.active() || ignored_.Excludes(e.name)) continue;
      auto it = ifaces_.find(e.name);
      if (it == ifaces_.end()) {
        it = ifaces_.try_emplace(e.name).first;
        it->second.device = parse::ToValidUtf8(e.name);
      }
      Iface& k = it->second;
      k.seen = cycle_;
      // No data this cycle; what is kept for every interface stays kept.
      if (!ReadIface(class_dir_, root, e.name, with_stats_, &k)) return {};
      read_.push_back(&k);
    }
    // Interfaces gone since the last cycle: their kept files are closed.
    Forget([&](const Iface& k) { return k.seen != cycle_; });
    if (read_.empty()) return {};

    // The handles, each asked for once a cycle, when its first series comes
    // (a family without series is not asked for).
    FamilySet out;
    FamilyBuilder& up = out.Gauge(
        "node_network_up", "Value is 1 if operstate is 'up', 0 otherwise.");
    FamilyBuilder& info = out.Gauge(
        "node_network_info",
        "Non-numeric data from /sys/class/net/<iface>, value is always 1.");
    std::array<FamilyBuilder*, kPropertyCount> properties{};
    FamilyBuilder* speed = nullptr;
    std::array<FamilyBuilder*, kStatCount> stats{};
    for (const Iface* k : read_) {
      const std::string_view device = k->device;
      const auto& text = k->strings;
      up.Add({{"device", device}}, text[kOperstate] == "up" ? 1 : 0);
      if (ne15_) {
        info.Add({{"device", device},
                  {"address", text[kAddress]},
                  {"broadcast", text[kBroadcast]},
                  {"duplex", text[kDuplex]},
                  {"operstate", text[kOperstate]},
                  {"ifalias", text[kIfalias]}},
                 1);
      } else {
        // node_exporter 1.9: IFF_UP of the flags, "unknown" without them.
        const std::string_view admin = !k->Has(kFlags)              ? "unknown"
                                       : (k->ints[kFlags] & 1) != 0 ? "up"
                                                                    : "down";
        info.Add({{"device", device},
                  {"address", text[kAddress]},
                  {"broadcast", text[kBroadcast]},
                  {"duplex", text[kDuplex]},
                  {"operstate", text[kOperstate]},
                  {"ifalias", text[kIfalias]},
                  {"adminstate", admin}},
                 1);
      }
      for (size_t p = 0; p < kPropertyCount; ++p) {
        if (!k->Has(p)) continue;
        if (!properties[p]) {
          const FamilyDef& def = kProperties[p].family;
          properties[p] = &out.Family(def.name, def.help, def.type);
        }
        properties[p]->Add({{"device", device}},
                           static_cast<double>(k->ints[p]));
      }
      // Some devices report -1 when the speed is unknown.
      if (k->Has(kSpeed) && (k->ints[kSpeed] >= 0 || !ignore_invalid_speed_)) {
        // Go's int64 arithmetic, which wraps.
        const int64_t megabits_by_million = static_cast<int64_t>(
            static_cast<uint64_t>(k->ints[kSpeed]) * 1000 * 1000);
        if (!speed) {
          speed = &out.Gauge("node_network_speed_bytes",
                             "Network device property: speed_bytes");
        }
        speed->Add({{"device", device}},
                   static_cast<double>(megabits_by_million / 8));
      }
      if (with_stats_) AddNetclassStats(*k, &stats, &out);
    }
    return out.Take();
  }

 private:
  // Drops the interfaces `gone` says are, closing their kept files.
  template <typename Gone>
  void Forget(Gone gone) {
    std::erase_if(ifaces_, [&](const auto& kv) {
      if (!gone(kv.second)) return false;
      if (kv.second.listed) ForgetKeptUnder(kv.second.dir);
      return true;
    });
  }

  // The interface counters --collector.netclass_rtnl.with-stats adds.
  static void AddNetclassStats(const Iface& k,
                               std::array<FamilyBuilder*, kStatCount>* handles,
                               FamilySet* out) {
    for (size_t i = 0; i < kStatCount && i < k.stats.size(); ++i) {
      const std::string& path = k.stats[i];
      FileRead f = ReadWhole(path);
      if (!f.ok()) continue;  // a driver without this counter
      FamilyBuilder*& h = (*handles)[i];
      if (!h) h = &out->Gauge(kStats[i].name, kStats[i].help);
      h->Add({{"device", k.device}},
             static_cast<double>(Unwrap(parse::ParseUintFile(f.data), path)));
    }
  }

  // Go's empty regexp matches every name: an empty pattern ignores every
  // device (node_exporter's behaviour), unlike Filter's "no filter".
  const Filter ignored_;
  const bool ignore_invalid_speed_;
  const bool with_stats_;
  const bool ne15_;  // --compat.node-exporter=1.5: no adminstate label
  // By interface name; only the scheduler's one running Collect touches
  // them.
  std::map<std::string, Iface, std::less<>> ifaces_;
  std::string root_;  // the class directory they are in
  uint64_t cycle_ = 0;
  std::vector<const Iface*> read_;  // this cycle's interfaces, by name
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
