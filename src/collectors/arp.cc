// arp: node_arp_entries{device}, the number of IPv4 neighbour entries per
// interface in /proc/net/arp, as node_exporter 1.5 counts them (1.5 reads
// the file; netlink came in 1.6).
#include "parse/arp.h"

#include <map>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::arp {
namespace {

class ArpCollector : public Collector {
 public:
  // node_exporter 1.5 accepts both patterns together (a device must match
  // the include and not the exclude), despite the flags' help text.
  explicit ArpCollector(const CollectorOptions& o)
      : devices_(o, "collector.arp.device-") {}

  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    const std::string path = paths.Proc("net/arp");
    auto entries = Unwrap(parse::ParseArp(ReadFile(path)), path);
    std::map<std::string, double> per_device;
    for (const parse::ArpEntry& e : entries) per_device[e.device] += 1;

    auto& family = out.Gauge("node_arp_entries", "ARP entries by device");
    for (const auto& [device, count] : per_device) {
      if (!devices_.Keeps(device)) continue;
      family.Add({{"device", device}}, count);
    }
    return out.Take();
  }

 private:
  NameFilter devices_;
};

}  // namespace

CollectorSpec Spec() {
  return {
      "arp",
      true,
      "Exposes ARP statistics from /proc/net/arp.",
      {
          {"collector.arp.device-include", "",
           "Regexp of arp devices to include (mutually exclusive to "
           "device-exclude)."},
          {"collector.arp.device-exclude", "",
           "Regexp of arp devices to exclude (mutually exclusive to "
           "device-include)."},
          {"collector.arp.netlink", "true",
           "Use netlink to gather stats instead of /proc/net/arp.", false, true,
           "the same series either way; host_exporter reads "
           "/proc/net/arp"},
      },
      &MakeCollector<ArpCollector>};
}

}  // namespace host_exporter::collectors::arp
