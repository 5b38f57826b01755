// softnet: per-CPU packet processing counters from /proc/net/softnet_stat,
// node_softnet_{processed,dropped,times_squeezed}_total{cpu}, and as in
// node_exporter 1.9 node_softnet_{cpu_collision,received_rps,
// flow_limit_count}_total and node_softnet_backlog_len, with "cpu" the
// kernel's CPU id column (Linux 5.14; the line number before). With
// --compat.node-exporter=1.5: the first three only, "cpu" the line number.
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
// node_exporter 1.9's additions.
constexpr FieldFamily<SoftnetStat> kCpuFamilies19[] = {
    {"node_softnet_cpu_collision_total",
     "Number of collision occur while obtaining device lock while "
     "transmitting",
     kCounter, FieldOf<&SoftnetStat::cpu_collision>},
    {"node_softnet_received_rps_total",
     "Number of times cpu woken up received_rps", kCounter,
     FieldOf<&SoftnetStat::received_rps>},
    {"node_softnet_flow_limit_count_total",
     "Number of times flow limit has been reached", kCounter,
     FieldOf<&SoftnetStat::flow_limit_count>},
    {"node_softnet_backlog_len", "Softnet backlog status", kGauge,
     FieldOf<&SoftnetStat::backlog_len>},
};

class SoftnetCollector : public Collector {
 public:
  explicit SoftnetCollector(const CollectorOptions& o)
      : ne15_(o.NodeExporter15()) {}

  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("net/softnet_stat");
    const auto stats = Unwrap(parse::ParseSoftnetStat(ReadFile(path)), path);
    FamilySet out;
    for (size_t line = 0; line < stats.size(); ++line) {
      const Labels cpu = {
          {"cpu", std::to_string(ne15_ ? line : stats[line].index)}};
      AddFields(&out, kCpuFamilies, stats[line], cpu);
      if (!ne15_) AddFields(&out, kCpuFamilies19, stats[line], cpu);
    }
    return out.Take();
  }

 private:
  bool ne15_;
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
