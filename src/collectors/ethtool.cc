// ethtool: per-device driver statistics (node_ethtool_*), driver info
// (node_ethtool_info) and link modes (node_network_{supported,advertised}_*,
// node_network_autonegotiate) through the SIOCETHTOOL ioctl, as
// node_exporter 1.5. Devices are listed from <sysfs>/class/net but queried
// on the live kernel by name. A device that does not answer a query (no
// driver support, gone) just lacks those series.
#include "collectors/ethtool.h"

#include <dirent.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/ethtool.h"

namespace host_exporter {
namespace {

constexpr char kMetricsFlag[] = "collector.ethtool.metrics-include";

// Statistics node_exporter 1.5 gives fixed names and help texts.
constexpr SourceFamily kKnownStats[] = {
    {"rx_bytes", "node_ethtool_received_bytes_total",
     "Network interface bytes received"},
    {"rx_dropped", "node_ethtool_received_dropped_total",
     "Number of received frames dropped"},
    {"rx_errors", "node_ethtool_received_errors_total",
     "Number of received frames with errors"},
    {"rx_packets", "node_ethtool_received_packets_total",
     "Network interface packets received"},
    {"tx_bytes", "node_ethtool_transmitted_bytes_total",
     "Network interface bytes sent"},
    {"tx_errors", "node_ethtool_transmitted_errors_total",
     "Number of sent frames with errors"},
    {"tx_packets", "node_ethtool_transmitted_packets_total",
     "Network interface packets sent"},
};

// Link mode bits (enum ethtool_link_mode_bit_indices) node_exporter reads.
constexpr int kAutonegBit = 6;
constexpr int kPauseBit = 13;
constexpr int kAsymPauseBit = 14;

struct PortBit {
  const char* type;
  int bit;
};
constexpr PortBit kPortBits[] = {{"TP", 7},     {"AUI", 8},  {"MII", 9},
                                 {"FIBRE", 10}, {"BNC", 11}, {"Backplane", 16}};

struct SpeedBit {
  uint64_t mbps;
  const char* duplex;
  const char* phy;
  int bit;
};
// node_exporter 1.5's table, in its order. 2500baseT_Full is bit 47, which
// the 32-bit legacy mask can never hold, so (as in node_exporter) it never
// appears.
constexpr SpeedBit kSpeedBits[] = {
    {10, "half", "T", 0},        {10, "full", "T", 1},
    {100, "half", "T", 2},       {100, "full", "T", 3},
    {1000, "half", "T", 4},      {1000, "full", "T", 5},
    {10000, "full", "T", 12},    {2500, "full", "T", 47},
    {1000, "full", "KX", 17},    {10000, "full", "KX4", 18},
    {10000, "full", "KR", 19},   {10000, "full", "R", 20},
    {20000, "full", "MLD2", 21}, {20000, "full", "KR2", 22},
    {40000, "full", "KR4", 23},  {40000, "full", "CR4", 24},
    {40000, "full", "SR4", 25},  {40000, "full", "LR4", 26},
    {56000, "full", "KR4", 27},  {56000, "full", "CR4", 28},
    {56000, "full", "SR4", 29},  {56000, "full", "LR4", 30},
    {25000, "full", "CR", 31},
};

bool HasBit(uint32_t mask, int bit) {
  return bit < 32 && (mask & (uint32_t{1} << bit)) != 0;
}

void AddGauge(FamilySet& fams, const std::string& name, const char* help,
              const Labels& labels, double v) {
  fams.Family(name, help, prometheus::MetricType::Gauge).Add(labels, v);
}

void AddSpeeds(FamilySet& fams, const std::string& prefix,
               const std::string& device, uint32_t modes) {
  const bool supported = prefix == "supported";
  for (const SpeedBit& s : kSpeedBits) {
    if (!HasBit(modes, s.bit)) continue;
    AddGauge(fams, "node_network_" + prefix + "_speed_bytes",
             supported
                 ? "Combination of speeds and features supported by network "
                   "device"
                 : "Combination of speeds and features offered by network "
                   "device",
             {{"device", device},
              {"duplex", s.duplex},
              {"mode", std::to_string(s.mbps) + "base" + s.phy}},
             static_cast<double>(s.mbps) * 1000 * 1000 / 8);
  }
}

void AddCapabilities(FamilySet& fams, const std::string& prefix,
                     const std::string& device, uint32_t modes) {
  const bool supported = prefix == "supported";
  const Labels l = {{"device", device}};
  AddGauge(fams,
           supported ? "node_network_autonegotiate_supported"
                     : "node_network_autonegotiate_advertised",
           supported ? "If this port device supports autonegotiate"
                     : "If this port device offers autonegotiate",
           l, HasBit(modes, kAutonegBit) ? 1 : 0);
  AddGauge(fams,
           supported ? "node_network_pause_supported"
                     : "node_network_pause_advertised",
           supported ? "If this port device supports pause frames"
                     : "If this port device offers pause capability",
           l, HasBit(modes, kPauseBit) ? 1 : 0);
  AddGauge(fams,
           supported ? "node_network_asymmetricpause_supported"
                     : "node_network_asymmetricpause_advertised",
           supported ? "If this port device supports asymmetric pause frames"
                     : "If this port device offers asymmetric pause capability",
           l, HasBit(modes, kAsymPauseBit) ? 1 : 0);
}

// The non-regular-file entries of <sysfs>/class/net (the devices are
// symlinks; bonding_masters is a file), or nullopt if the directory is
// missing or unreadable (node_exporter: no data).
std::optional<std::vector<std::string>> NetDevices(const HostPaths& paths) {
  const std::string dir = paths.Sys("class/net");
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR || err == EACCES || err == EPERM) {
      return std::nullopt;
    }
    throw CollectError(dir + ": " + std::strerror(err));
  }
  std::vector<std::string> out;
  while (struct dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    struct stat st;
    const std::string p = dir + "/" + name;
    if (::lstat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode)) continue;
    out.push_back(name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

class EthtoolCollector : public Collector {
 public:
  EthtoolCollector(const CollectorOptions& o, EthtoolSourceFactory factory)
      : devices_(o, "collector.ethtool.device-"),
        metrics_(Filter(kMetricsFlag, o.Get(kMetricsFlag))),
        factory_(std::move(factory)) {}

  Families Collect(const HostPaths& paths) override {
    auto devices = NetDevices(paths);
    if (!devices) return {};
    if (devices->empty()) throw CollectError("no network devices found");
    if (!source_) source_ = factory_();

    FamilySet fams;
    for (const std::string& device : *devices) {
      if (!devices_.Keeps(device)) continue;
      EthtoolLinkInfo link;
      if (source_->LinkInfo(device, &link) == 0) {
        AddSpeeds(fams, "supported", device, link.supported);
        for (const PortBit& p : kPortBits) {
          if (!HasBit(link.supported, p.bit)) continue;
          AddGauge(fams, "node_network_supported_port_info",
                   "Type of ports or PHYs supported by network device",
                   {{"device", device}, {"type", p.type}}, 1);
        }
        AddCapabilities(fams, "supported", device, link.supported);
        AddSpeeds(fams, "advertised", device, link.advertising);
        AddCapabilities(fams, "advertised", device, link.advertising);
        AddGauge(fams, "node_network_autonegotiate",
                 "If this port is using autonegotiate", {{"device", device}},
                 link.autoneg);
      }
      EthtoolDriverInfo drv;
      if (source_->DriverInfo(device, &drv) == 0) {
        AddGauge(fams, "node_ethtool_info",
                 "A metric with a constant '1' value labeled by bus_info, "
                 "device, driver, expansion_rom_version, firmware_version, "
                 "version.",
                 {{"bus_info", drv.bus_info},
                  {"device", device},
                  {"driver", drv.driver},
                  {"expansion_rom_version", drv.erom_version},
                  {"firmware_version", drv.fw_version},
                  {"version", drv.version}},
                 1);
      }
      std::map<std::string, uint64_t> stats;
      if (source_->Stats(device, &stats) != 0 || stats.empty()) continue;
      AddEthtoolStats(fams, device, stats);
    }
    return fams.Take();
  }

 private:
  void AddEthtoolStats(FamilySet& fams, const std::string& device,
                       const std::map<std::string, uint64_t>& stats) {
    // Sanitizing can map two statistics to one name: node_exporter drops
    // every statistic whose name clashes with another's.
    std::map<std::string, const std::string*> by_name;  // nullptr: clash
    for (const auto& kv : stats) {
      if (!metrics_.Includes(kv.first)) continue;
      auto [it, inserted] =
          by_name.emplace(parse::EthtoolMetricName(kv.first), &kv.first);
      if (!inserted) it->second = nullptr;
    }
    for (const auto& [fq_name, stat] : by_name) {
      if (stat == nullptr) continue;
      std::string name = fq_name;
      std::string help = "Network interface " + *stat;
      for (const SourceFamily& k : kKnownStats) {
        if (*stat == k.source) {
          name = k.name;
          help = k.help;
        }
      }
      fams.Family(name, help, prometheus::MetricType::Untyped)
          .Add({{"device", device}}, static_cast<double>(stats.at(*stat)));
    }
  }

  NameFilter devices_;
  Filter metrics_;
  EthtoolSourceFactory factory_;
  std::unique_ptr<EthtoolSource> source_;
};

// SIOCETHTOOL on a datagram socket, as the ethtool(8) tool does.
class IoctlEthtoolSource : public EthtoolSource {
 public:
  explicit IoctlEthtoolSource(int fd) : fd_(fd) {}
  ~IoctlEthtoolSource() override { ::close(fd_); }

  int LinkInfo(const std::string& device, EthtoolLinkInfo* out) override {
    struct ethtool_cmd cmd;
    std::memset(&cmd, 0, sizeof cmd);
    cmd.cmd = ETHTOOL_GSET;
    if (int err = Ioctl(device, &cmd)) return err;
    out->supported = cmd.supported;
    out->advertising = cmd.advertising;
    out->autoneg = cmd.autoneg;
    return 0;
  }

  int DriverInfo(const std::string& device, EthtoolDriverInfo* out) override {
    struct ethtool_drvinfo d;
    if (int err = GetDrvinfo(device, &d)) return err;
    out->driver = EthtoolCString(d.driver, sizeof d.driver);
    out->version = EthtoolCString(d.version, sizeof d.version);
    out->fw_version = EthtoolCString(d.fw_version, sizeof d.fw_version);
    out->bus_info = EthtoolCString(d.bus_info, sizeof d.bus_info);
    out->erom_version = EthtoolCString(d.erom_version, sizeof d.erom_version);
    return 0;
  }

  int Stats(const std::string& device,
            std::map<std::string, uint64_t>* out) override {
    struct ethtool_drvinfo d;
    if (int err = GetDrvinfo(device, &d)) return err;
    const size_t n = d.n_stats;
    if (n == 0) return 0;
    if (n > kMaxStats) return E2BIG;
    // ethtool_gstrings and ethtool_stats end in flexible arrays.
    std::vector<uint64_t> sbuf(
        (sizeof(ethtool_gstrings) + n * ETH_GSTRING_LEN) / 8 + 1);
    auto* strings = reinterpret_cast<ethtool_gstrings*>(sbuf.data());
    strings->cmd = ETHTOOL_GSTRINGS;
    strings->string_set = ETH_SS_STATS;
    strings->len = static_cast<uint32_t>(n);
    if (int err = Ioctl(device, strings)) return err;
    std::vector<uint64_t> vbuf(sizeof(ethtool_stats) / 8 + n + 1);
    auto* values = reinterpret_cast<ethtool_stats*>(vbuf.data());
    values->cmd = ETHTOOL_GSTATS;
    values->n_stats = static_cast<uint32_t>(n);
    if (int err = Ioctl(device, values)) return err;
    // The driver may report fewer strings than it first said.
    const size_t count = std::min<size_t>({n, strings->len, values->n_stats});
    auto names = parse::ParseEthtoolStrings(
        std::string_view(reinterpret_cast<const char*>(strings->data),
                         count * ETH_GSTRING_LEN),
        count);
    for (size_t i = 0; i < names.value.size(); ++i) {
      if (!names.value[i].empty()) (*out)[names.value[i]] = values->data[i];
    }
    return 0;
  }

 private:
  static constexpr size_t kMaxStats = 1 << 16;

  static std::string EthtoolCString(const char* s, size_t max) {
    return std::string(s, ::strnlen(s, max));
  }

  int GetDrvinfo(const std::string& device, struct ethtool_drvinfo* d) {
    std::memset(d, 0, sizeof *d);
    d->cmd = ETHTOOL_GDRVINFO;
    return Ioctl(device, d);
  }

  int Ioctl(const std::string& device, void* data) {
    struct ifreq ifr;
    std::memset(&ifr, 0, sizeof ifr);
    std::strncpy(ifr.ifr_name, device.c_str(), IFNAMSIZ - 1);
    ifr.ifr_data = static_cast<char*>(data);
    return ::ioctl(fd_, SIOCETHTOOL, &ifr) < 0 ? errno : 0;
  }

  int fd_;
};

}  // namespace

std::unique_ptr<EthtoolSource> NewIoctlEthtoolSource() {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw CollectError(std::string("ethtool: socket(AF_INET, SOCK_DGRAM): ") +
                       std::strerror(errno));
  }
  return std::make_unique<IoctlEthtoolSource>(fd);
}

std::unique_ptr<Collector> NewEthtoolCollector(const CollectorOptions& options,
                                               EthtoolSourceFactory factory) {
  return std::make_unique<EthtoolCollector>(options, std::move(factory));
}

namespace collectors::ethtool {

CollectorSpec Spec() {
  return {"ethtool",
          false,
          "Exposes network interface information and driver statistics "
          "from the SIOCETHTOOL ioctl.",
          {{"collector.ethtool.device-include", "",
            "Regexp of ethtool devices to include (mutually exclusive to "
            "device-exclude)."},
           {"collector.ethtool.device-exclude", "",
            "Regexp of ethtool devices to exclude (mutually exclusive to "
            "device-include)."},
           {kMetricsFlag, ".*", "Regexp of ethtool stats to include."}},
          [](const CollectorOptions& o) -> std::unique_ptr<Collector> {
            return NewEthtoolCollector(o, NewIoctlEthtoolSource);
          }};
}

}  // namespace collectors::ethtool

}  // namespace host_exporter
