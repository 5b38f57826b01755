// interrupts: node_interrupts_total{cpu,type,info,devices} from
// /proc/interrupts, one series per interrupt and CPU (node_exporter 1.5).
#include "parse/interrupts.h"

#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::interrupts {
namespace {

class InterruptsCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    const std::string path = paths.Proc("interrupts");
    auto irqs = Unwrap(parse::ParseInterrupts(ReadFile(path)), path);
    auto& total = out.Counter("node_interrupts_total", "Interrupt details.");
    for (const parse::Interrupt& irq : irqs) {
      for (size_t cpu = 0; cpu < irq.per_cpu.size(); ++cpu) {
        total.Add({{"cpu", std::to_string(cpu)},
                   {"type", irq.name},
                   {"info", irq.info},
                   {"devices", irq.devices}},
                  irq.per_cpu[cpu]);
      }
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"interrupts",
          false,
          "Exposes detailed interrupts statistics from /proc/interrupts.",
          {},
          [](const CollectorOptions&) -> std::unique_ptr<Collector> {
            return std::make_unique<InterruptsCollector>();
          }};
}

}  // namespace host_exporter::collectors::interrupts

namespace host_exporter {

CollectorSpec InterruptsCollectorSpec() {
  return collectors::interrupts::Spec();
}

}  // namespace host_exporter
