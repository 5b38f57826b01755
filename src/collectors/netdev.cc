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

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>

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

using DeviceStats = std::map<std::string, uint64_t>;

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
  }

  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("net/dev");
    auto lines = Unwrap(parse::ParseNetDev(ReadFile(path)), path);

    // By device name, so a name listed twice keeps its last line (as the
    // map node_exporter builds does).
    std::map<std::string, DeviceStats> devices;
    std::set<std::string> stamped;  // device directories read this cycle
    // The devices are stamped through the kept class directory.
    if (netlink_) class_dir_.Refresh(paths.Sys("class/net"));
    for (const parse::NetDevLine& line : lines) {
      if (Ignored(line.name)) continue;
      devices[line.name] = Stats(paths, line, &stamped);
    }
    // Devices gone since the last cycle: their kept files are closed.
    for (const std::string& dir : stamped_) {
      if (!stamped.count(dir)) ForgetKeptUnder(dir);
    }
    stamped_ = std::move(stamped);

    FamilySet out;
    std::map<std::string, FamilyBuilder*> families;  // by statistic
    for (const auto& [device, stats] : devices) {
      Labels labels = {{"device", device}};
      if (label_ifalias_) {
        // node_exporter 1.9: the ifalias of a device sysfs has (an empty
        // one is no label).
        const std::string alias_path =
            paths.Sys("class/net/" + device + "/ifalias");
        if (auto alias = ReadFileIfExists(alias_path)) {
          while (!alias->empty() &&
                 (alias->back() == '\n' || alias->back() == ' ' ||
                  alias->back() == '\t'))
            alias->pop_back();
          labels.push_back({"ifalias", *alias});
        }
      }
      for (const auto& [key, value] : stats) {
        auto it = families.find(key);
        if (it == families.end()) {
          it = families
                   .emplace(key, &out.Counter(
                                     "node_network_" + key + "_total",
                                     "Network device statistic " + key + "."))
                   .first;
        }
        it->second->Add(labels, static_cast<double>(value));
      }
    }
    if (address_info_) AddAddressInfo(&out);
    return out.Take();
  }

 private:
  // node_exporter's deviceFilter.ignored: excluded, or not included.
  bool Ignored(const std::string& name) const {
    return exclude_.Excludes(name) || !include_.Includes(name);
  }

  // The statistics node_exporter would report for one device. The sysfs
  // counters are read through descriptors kept while the device is the same
  // one (its stamp from the kept class directory and ReadPathStamped, as
  // netclass); the directory goes into *stamped.
  DeviceStats Stats(const HostPaths& paths, const parse::NetDevLine& line,
                    std::set<std::string>* stamped) {
    const std::string device_dir = paths.Sys("class/net/" + line.name);
    const std::string dir = device_dir + "/statistics";
    DeviceStats stats;
    if (!netlink_) {
      const auto& names = detailed_ ? kProcNames : kLegacyNames;
      for (size_t f = 0; f < parse::kNetDevFieldCount; ++f) {
        stats[names[f]] = line.values[f];
      }
      return stats;
    }
    std::optional<DirStamp> stamp;
    bool absent_dir = false;
    DirStamp s;
    if (const int err = class_dir_.Stamp(line.name, &s); err == 0) {
      stamp = s;
      stamped->insert(device_dir);
    } else if (err == ENOENT || err == ENOTDIR) {
      // No device directory (a device sysfs does not show): no file in it.
      absent_dir = true;
    }
    if (detailed_ && !absent_dir && !ListDir(dir).empty()) {
      // Every netlink counter, under node_exporter's netlink names.
      for (const auto& [key, file] : kNetlinkNames) {
        if (auto v = ReadCounter(dir + "/" + file, stamp)) stats[key] = *v;
      }
      return stats;
    }
    const auto& names = detailed_ ? kProcNames : kLegacyNames;
    for (size_t f = 0; f < parse::kNetDevFieldCount; ++f) {
      stats[names[f]] = line.values[f];
    }
    // The one netlink counter /proc/net/dev does not show.
    if (absent_dir) return stats;
    if (auto v = ReadCounter(dir + "/rx_nohandler", stamp)) {
      stats["receive_nohandler"] = *v;
    }
    return stats;
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
  std::set<std::string> stamped_;  // device directories read last cycle
  KeptDir class_dir_;              // /sys/class/net, devices stamped in it
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
