// softnet: per-CPU packet processing counters from /proc/net/softnet_stat,
// node_softnet_{processed,dropped,times_squeezed}_total{cpu}. As in
// node_exporter 1.5, "cpu" is the line number (the file has one line per
// online CPU), not the kernel's CPU id column.
#include "parse/softnet.h"

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::softnet {
namespace {

class SoftnetCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    const std::string path = paths.Proc("net/softnet_stat");
    auto stats = Unwrap(parse::ParseSoftnetStat(ReadFile(path)), path);
    auto& processed = out.Counter("node_softnet_processed_total",
                                  "Number of processed packets");
    auto& dropped =
        out.Counter("node_softnet_dropped_total", "Number of dropped packets");
    auto& squeezed =
        out.Counter("node_softnet_times_squeezed_total",
                    "Number of times processing packets ran out of "
                    "quota");
    for (size_t cpu = 0; cpu < stats.size(); ++cpu) {
      const Labels labels = {{"cpu", std::to_string(cpu)}};
      processed.Add(labels, stats[cpu].processed);
      dropped.Add(labels, stats[cpu].dropped);
      squeezed.Add(labels, stats[cpu].time_squeezed);
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
          [](const CollectorOptions&) -> std::unique_ptr<Collector> {
            return std::make_unique<SoftnetCollector>();
          }};
}

}  // namespace host_exporter::collectors::softnet

namespace host_exporter {

CollectorSpec SoftnetCollectorSpec() { return collectors::softnet::Spec(); }

}  // namespace host_exporter
