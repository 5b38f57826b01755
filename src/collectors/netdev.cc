// netdev: node_network_<statistic>_total{device} from /proc/net/dev, as
// node_exporter 1.5 names them, and node_network_address_info from
// getifaddrs(3) with --collector.netdev.address-info.
//
// node_exporter 1.5 reads the counters over rtnetlink by default
// (--collector.netdev.netlink=true). The classic counters of /proc/net/dev
// are the kernel's own sums of the netlink ones (net/core/net-procfs.c), the
// same sums node_exporter's legacy() makes, so they are read from there. The
// counters that only netlink has (rx_nohandler; every detailed error counter
// with --collector.netdev.enable-detailed-metrics) are read from sysfs
// class/net/<device>/statistics/, which the kernel fills from the same
// rtnl_link_stats64. With --collector.netdev.netlink=false the output is
// exactly node_exporter's /proc/net/dev path.
#include "parse/netdev.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::netdev {
namespace {

constexpr char kInclude[] = "collector.netdev.device-include";
constexpr char kExclude[] = "collector.netdev.device-exclude";
constexpr char kWhitelist[] = "collector.netdev.device-whitelist";
constexpr char kBlacklist[] = "collector.netdev.device-blacklist";

// Statistic name per /proc/net/dev column, before legacy renaming (the
// names node_exporter gives them with --collector.netdev.netlink=false).
constexpr const char* kProcNames[parse::kNetDevFieldCount] = {
    "receive_bytes",       "receive_packets",   "receive_errors",
    "receive_dropped",     "receive_fifo",      "receive_frame",
    "receive_compressed",  "receive_multicast", "transmit_bytes",
    "transmit_packets",    "transmit_errors",   "transmit_dropped",
    "transmit_fifo",       "transmit_colls",    "transmit_carrier",
    "transmit_compressed",
};

// The same columns after node_exporter's legacy() renaming (the default).
constexpr const char* kLegacyNames[parse::kNetDevFieldCount] = {
    "receive_bytes",       "receive_packets",   "receive_errs",
    "receive_drop",        "receive_fifo",      "receive_frame",
    "receive_compressed",  "receive_multicast", "transmit_bytes",
    "transmit_packets",    "transmit_errs",     "transmit_drop",
    "transmit_fifo",       "transmit_colls",    "transmit_carrier",
    "transmit_compressed",
};

// node_exporter's netlink statistic names and the sysfs files holding the
// same rtnl_link_stats64 fields.
constexpr std::pair<const char*, const char*> kNetlinkNames[] = {
    {"receive_packets", "rx_packets"},
    {"transmit_packets", "tx_packets"},
    {"receive_bytes", "rx_bytes"},
    {"transmit_bytes", "tx_bytes"},
    {"receive_errors", "rx_errors"},
    {"transmit_errors", "tx_errors"},
    {"receive_dropped", "rx_dropped"},
    {"transmit_dropped", "tx_dropped"},
    {"multicast", "multicast"},
    {"collisions", "collisions"},
    {"receive_length_errors", "rx_length_errors"},
    {"receive_over_errors", "rx_over_errors"},
    {"receive_crc_errors", "rx_crc_errors"},
    {"receive_frame_errors", "rx_frame_errors"},
    {"receive_fifo_errors", "rx_fifo_errors"},
    {"receive_missed_errors", "rx_missed_errors"},
    {"transmit_aborted_errors", "tx_aborted_errors"},
    {"transmit_carrier_errors", "tx_carrier_errors"},
    {"transmit_fifo_errors", "tx_fifo_errors"},
    {"transmit_heartbeat_errors", "tx_heartbeat_errors"},
    {"transmit_window_errors", "tx_window_errors"},
    {"receive_compressed", "rx_compressed"},
    {"transmit_compressed", "tx_compressed"},
    {"receive_nohandler", "rx_nohandler"},
};

class NetdevCollector : public Collector {
 public:
  explicit NetdevCollector(const CollectorOptions& o)
      : address_info_(o.GetBool("collector.netdev.address-info")),
        detailed_(o.GetBool("collector.netdev.enable-detailed-metrics")),
        netlink_(o.GetBool("collector.netdev.netlink")),
        label_ifalias_(o.GetBool("collector.netdev.label-ifalias")) {
    // The deprecated aliases are folded in as node_exporter's
    // NewNetDevCollector does.
    const auto [include, include_flag] =
        FilterPattern(o, kInclude, kWhitelist, "");
    const auto [exclude, exclude_flag] =
        FilterPattern(o, kExclude, kBlacklist, "");
    if (!include.empty() && !exclude.empty()) {
      throw std::invalid_argument(std::string("--") + kInclude + " and --" +
                                  kExclude + " are mutually exclusive");
    }
    include_ = Filter(include_flag, include);
    exclude_ = Filter(exclude_flag, exclude);
    // The statistics this mode can report, each family's name and help
    // made once.
    const auto& names = detailed_ ? kProcNames : kLegacyNames;
    for (size_t f = 0; f < parse::kNetDevFieldCount; ++f) {
      proc_stats_[f] = StatOf(names[f]);
    }
    nohandler_stat_ = StatOf("receive_nohandler");
    for (size_t i = 0; i < std::size(kNetlinkNames); ++i) {
      netlink_stats_[i] = StatOf(kNetlinkNames[i].first);
    }
  }

  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("net/dev");
    if (std::string error = parse::ParseNetDevInto(ReadFile(path), &lines_);
        !error.empty()) {
      throw CollectError(path + ": " + error);
    }
    SortByName();
    ++cycle_;
    // sysfs, through the devices kept by name (paths joined once).
    const bool sysfs = netlink_ || label_ifalias_;
    const std::string root = sysfs ? paths.Sys("class/net") : std::string();
    if (root != root_) {
      // Another --path.sysfs (a test's): no kept path holds.
      for (const auto& [name, d] : devices_) {
        if (d.kept) ForgetKeptUnder(d.dir);
      }
      devices_.clear();
      root_ = root;
    }
    // The devices are stamped through the kept class directory.
    if (netlink_) class_dir_.Refresh(root);

    FamilySet out;
    // A family's handle, asked for once a cycle, with its first series.
    handles_.assign(stats_.size(), nullptr);
    auto add = [&](size_t stat, LabelViews labels, uint64_t value) {
      FamilyBuilder*& h = handles_[stat];
      if (h == nullptr) h = &out.Counter(stats_[stat].name, stats_[stat].help);
      h->Add(labels, static_cast<double>(value));
    };
    for (const uint32_t i : order_) {
      const parse::NetDevLine& line = lines_[i];
      if (Ignored(line.name)) continue;
      Device* device = sysfs ? &DeviceOf(root, line.name) : nullptr;
      Stats(line, device);
      std::optional<std::string> alias;
      if (label_ifalias_) {
        // node_exporter 1.9: the ifalias of a device sysfs has (an empty
        // one is no label).
        alias = ReadFileIfExists(device->ifalias);
        if (alias) {
          while (!alias->empty() &&
                 (alias->back() == '\n' || alias->back() == ' ' ||
                  alias->back() == '\t'))
            alias->pop_back();
        }
      }
      for (const auto& [stat, value] : values_) {
        if (alias) {
          add(stat, {{"device", line.name}, {"ifalias", *alias}}, value);
        } else {
          add(stat, {{"device", line.name}}, value);
        }
      }
    }
    // Devices gone since the last cycle, or no longer stamped: their kept
    // files are closed.
    for (auto it = devices_.begin(); it != devices_.end();) {
      Device& d = it->second;
      const bool stamped = d.stamped == cycle_;
      if (d.kept && !stamped) ForgetKeptUnder(d.dir);
      d.kept = stamped;
      it = d.seen == cycle_ ? std::next(it) : devices_.erase(it);
    }
    if (address_info_) AddAddressInfo(&out);
    return out.Take();
  }

 private:
  // A statistic's family, named once.
  struct Stat {
    std::string key;  // node_exporter's statistic name
    std::string name;
    std::string help;
  };

  // One device's sysfs paths, kept between cycles while /proc/net/dev lists
  // it.
  struct Device {
    std::string dir;  // <sysfs>/class/net/<device>
    std::string statistics;
    std::string nohandler;
    std::vector<std::string> netlink;  // kNetlinkNames' files (detailed)
    std::string ifalias;
    uint64_t seen = 0;     // the last cycle /proc/net/dev listed it
    uint64_t stamped = 0;  // the last cycle its directory was stamped
    bool kept = false;     // stamped the cycle before: files may be kept
  };

  // The number of statistic `key` in stats_, added if new.
  size_t StatOf(std::string_view key) {
    for (size_t i = 0; i < stats_.size(); ++i) {
      if (stats_[i].key == key) return i;
    }
    stats_.push_back({std::string(key),
                      "node_network_" + std::string(key) + "_total",
                      "Network device statistic " + std::string(key) + "."});
    return stats_.size() - 1;
  }

  // order_: the lines by name, a name listed twice by its last line (as the
  // map node_exporter builds keeps it). Last cycle's order is checked first:
  // the kernel lists its devices in the same order every time.
  void SortByName() {
    auto less = [&](uint32_t a, uint32_t b) {
      return lines_[a].name < lines_[b].name;
    };
    if (order_.size() == lines_.size() &&
        std::all_of(order_.begin(), order_.end(),
                    [&](uint32_t i) { return i < lines_.size(); }) &&
        std::adjacent_find(order_.begin(), order_.end(),
                           [&](uint32_t a, uint32_t b) {
                             return !less(a, b);
                           }) == order_.end()) {
      return;  // strictly increasing, every line once
    }
    order_.resize(lines_.size());
    for (uint32_t i = 0; i < order_.size(); ++i) order_[i] = i;
    std::stable_sort(order_.begin(), order_.end(), less);
    // Of each run of one name, the last line.
    size_t kept = 0;
    for (size_t i = 0; i < order_.size(); ++i) {
      if (i + 1 < order_.size() &&
          lines_[order_[i]].name == lines_[order_[i + 1]].name)
        continue;
      order_[kept++] = order_[i];
    }
    order_.resize(kept);
  }

  // The kept device `name` under class directory `root`, seen this cycle.
  Device& DeviceOf(const std::string& root, const std::string& name) {
    auto it = devices_.find(name);
    if (it == devices_.end()) it = devices_.try_emplace(name).first;
    Device& d = it->second;
    d.seen = cycle_;
    if (d.dir.empty()) {  // new
      d.dir = root + "/" + name;
      d.statistics = d.dir + "/statistics";
      d.nohandler = d.statistics + "/rx_nohandler";
      d.netlink.clear();
      if (detailed_) {
        for (const auto& [key, file] : kNetlinkNames) {
          d.netlink.push_back(d.statistics + "/" + file);
        }
      }
      d.ifalias = d.dir + "/ifalias";
    }
    return d;
  }

  // node_exporter's deviceFilter.ignored: excluded, or not included.
  bool Ignored(const std::string& name) const {
    return exclude_.Excludes(name) || !include_.Includes(name);
  }

  // values_: the statistics node_exporter would report for one device (its
  // kept sysfs paths in *device with --collector.netdev.netlink). The sysfs
  // counters are read through descriptors kept while the device is the same
  // one (its stamp from the kept class directory and ReadPathStamped, as
  // netclass).
  void Stats(const parse::NetDevLine& line, Device* device) {
    values_.clear();
    auto proc_columns = [&] {
      for (size_t f = 0; f < parse::kNetDevFieldCount; ++f) {
        values_.emplace_back(proc_stats_[f], line.values[f]);
      }
    };
    if (!netlink_) {
      proc_columns();
      return;
    }
    std::optional<DirStamp> stamp;
    bool absent_dir = false;
    DirStamp s;
    if (const int err = class_dir_.Stamp(line.name, &s); err == 0) {
      stamp = s;
      device->stamped = cycle_;
    } else if (err == ENOENT || err == ENOTDIR) {
      // No device directory (a device sysfs does not show): no file in it.
      absent_dir = true;
    }
    if (detailed_ && !absent_dir && !ListDir(device->statistics).empty()) {
      // Every netlink counter, under node_exporter's netlink names.
      for (size_t i = 0; i < std::size(kNetlinkNames); ++i) {
        if (auto v = ReadCounter(device->netlink[i], stamp)) {
          values_.emplace_back(netlink_stats_[i], *v);
        }
      }
      return;
    }
    proc_columns();
    // The one netlink counter /proc/net/dev does not show.
    if (absent_dir) return;
    if (auto v = ReadCounter(device->nohandler, stamp)) {
      values_.emplace_back(nohandler_stat_, *v);
    }
  }

  // A sysfs counter, or nullopt if the file does not exist; read under the
  // device directory's stamp if there is one.
  static std::optional<uint64_t> ReadCounter(
      const std::string& path, const std::optional<DirStamp>& stamp) {
    FileRead r = stamp ? ReadPathStamped(path, *stamp) : ReadPath(path);
    if (r.missing()) return std::nullopt;
    return Unwrap(parse::ParseSysfsCounter(r.Value(path)), path);
  }

  // node_network_address_info from getifaddrs(3): the live host's
  // addresses, not --path.procfs/--path.sysfs, and not filtered by device
  // (as in node_exporter, which asks the kernel through net.Interfaces()).
  static void AddAddressInfo(FamilySet* out) {
    struct ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) {
      throw CollectError(std::string("getifaddrs: ") + std::strerror(errno));
    }
    // Interface names; IPv4 addresses carry their label ("eth0:1") instead.
    std::set<std::string> names;
    for (auto* a = list; a != nullptr; a = a->ifa_next) {
      if (a->ifa_addr != nullptr && a->ifa_addr->sa_family == AF_PACKET) {
        names.insert(a->ifa_name);
      }
    }
    auto& family = out->Gauge("node_network_address_info",
                              "node network address by device");
    std::set<Labels> seen;
    for (auto* a = list; a != nullptr; a = a->ifa_next) {
      if (a->ifa_addr == nullptr) continue;
      const int af = a->ifa_addr->sa_family;
      if (af != AF_INET && af != AF_INET6) continue;
      parse::RawIfAddr raw;
      raw.device = a->ifa_name;
      if (!names.count(raw.device)) {
        const std::string base = raw.device.substr(0, raw.device.find(':'));
        if (names.count(base)) raw.device = base;
      }
      raw.ipv6 = af == AF_INET6;
      if (af == AF_INET) {
        const auto* sin = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
        std::memcpy(raw.addr.data(), &sin->sin_addr, 4);
        if (a->ifa_netmask != nullptr) {
          const auto* m = reinterpret_cast<const sockaddr_in*>(a->ifa_netmask);
          std::memcpy(raw.netmask.data(), &m->sin_addr, 4);
        }
      } else {
        const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(a->ifa_addr);
        std::memcpy(raw.addr.data(), &sin6->sin6_addr, 16);
        if (a->ifa_netmask != nullptr) {
          const auto* m = reinterpret_cast<const sockaddr_in6*>(a->ifa_netmask);
          std::memcpy(raw.netmask.data(), &m->sin6_addr, 16);
        }
      }
      const parse::AddressInfo info = parse::MakeAddressInfo(raw);
      Labels labels = {{"device", info.device},
                       {"address", info.address},
                       {"netmask", info.netmask},
                       {"scope", info.scope}};
      if (seen.insert(labels).second) family.Add(labels, 1);
    }
    ::freeifaddrs(list);
  }

  bool address_info_;
  bool detailed_;
  bool netlink_;
  bool label_ifalias_;
  Filter include_;
  Filter exclude_;
  // The statistics' families, and which one each source gives.
  std::vector<Stat> stats_;
  std::array<size_t, parse::kNetDevFieldCount> proc_stats_{};
  size_t nohandler_stat_ = 0;
  std::array<size_t, std::size(kNetlinkNames)> netlink_stats_{};
  // Kept between cycles (their storage reused); only the scheduler's one
  // running Collect touches them.
  std::vector<parse::NetDevLine> lines_;  // /proc/net/dev's
  std::vector<uint32_t> order_;           // lines_ by name (SortByName)
  std::vector<std::pair<size_t, uint64_t>> values_;  // a device's: stat, value
  std::vector<FamilyBuilder*> handles_;              // by stat, this cycle's
  std::map<std::string, Device, std::less<>> devices_;  // by name
  std::string root_;  // the class directory they are in
  uint64_t cycle_ = 0;
  KeptDir class_dir_;  // /sys/class/net, devices stamped in it
};

}  // namespace

CollectorSpec Spec() {
  return {
      "netdev",
      true,
      "Exposes network interface statistics such as bytes transferred.",
      {
          {kInclude, "",
           "Regexp of net devices to include (mutually exclusive to "
           "device-exclude)."},
          {kWhitelist, "", "DEPRECATED: Use collector.netdev.device-include"},
          {kExclude, "",
           "Regexp of net devices to exclude (mutually exclusive to "
           "device-include)."},
          {kBlacklist, "", "DEPRECATED: Use collector.netdev.device-exclude"},
          {"collector.netdev.address-info", "false",
           "Collect address-info for every device (from getifaddrs(3) on the "
           "live host, whatever --path.procfs says)",
           false, true},
          {"collector.netdev.enable-detailed-metrics", "false",
           "Use (incompatible) metric names that provide more detailed stats "
           "on Linux",
           false, true},
          {"collector.netdev.netlink", "true",
           "Use netlink to gather stats instead of /proc/net/dev. "
           "host_exporter always reads /proc/net/dev; when true it adds the "
           "counters only netlink has (receive_nohandler, and the detailed "
           "ones) from sysfs class/net/<device>/statistics, so the output "
           "matches node_exporter's netlink path.",
           false, true},
          {"collector.netdev.label-ifalias", "false",
           "Add ifAlias label (from sysfs class/net/<device>/ifalias)", false,
           true},
      },
      &MakeCollector<NetdevCollector>};
}

}  // namespace host_exporter::collectors::netdev
