// softirqs: node_softirqs_functions_total{cpu,type} from /proc/softirqs
// (node_exporter 1.9, default off).
#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/per_cpu_counters.h"

namespace host_exporter::collectors::softirqs {
namespace {

class SoftirqsCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("softirqs");
    const auto lines = Unwrap(parse::ParseSoftirqs(ReadFile(path)), path);
    FamilySet out;
    auto& f =
        out.Counter("node_softirqs_functions_total", "Softirq counts per CPU.");
    for (const parse::PerCpuCounter& line : lines) {
      for (size_t cpu = 0; cpu < line.per_cpu.size(); ++cpu) {
        f.Add({{"cpu", std::to_string(cpu)}, {"type", line.name}},
              ToDouble(line.per_cpu[cpu]));
      }
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"softirqs",
          false,
          "Exposes detailed softirq statistics from /proc/softirqs.",
          {},
          &MakeCollector<SoftirqsCollector>};
}

}  // namespace host_exporter::collectors::softirqs
