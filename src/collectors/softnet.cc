// softnet: per-CPU packet processing counters from /proc/net/softnet_stat,
// node_softnet_{processed,dropped,times_squeezed}_total{cpu}. As in
// node_exporter 1.5, "cpu" is the line number (the file has one line per
// online CPU), not the kernel's CPU id column.
#include "parse/softnet.h"

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::softnet {
namespace {

using parse::SoftnetStat;

// A CPU's families.
constexpr FieldFamily<SoftnetStat> kCpuFamilies[] = {
    {"node_softnet_processed_total", "Number of processed packets", kCounter,
     FieldOf<&SoftnetStat::processed>},
    {"node_softnet_dropped_total", "Number of dropped packets", kCounter,
     FieldOf<&SoftnetStat::dropped>},
    {"node_softnet_times_squeezed_total",
     "Number of times processing packets ran out of quota", kCounter,
     FieldOf<&SoftnetStat::time_squeezed>},
};

class SoftnetCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("net/softnet_stat");
    const auto stats = Unwrap(parse::ParseSoftnetStat(ReadFile(path)), path);
    FamilySet out;
    for (size_t cpu = 0; cpu < stats.size(); ++cpu) {
      AddFields(&out, kCpuFamilies, stats[cpu], {{"cpu", std::to_string(cpu)}});
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"softnet",
          true,
          "Exposes statistics from /proc/net/softnet_stat.",
          {},
          &MakeCollector<SoftnetCollector>};
}

}  // namespace host_exporter::collectors::softnet
