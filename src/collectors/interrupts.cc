// interrupts: node_interrupts_total{cpu,type,info,devices} from
// /proc/interrupts, one series per interrupt and CPU (node_exporter 1.5),
// with node_exporter 1.9's name filters and include-zeros switch.
#include "parse/interrupts.h"

#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::interrupts {
namespace {

class InterruptsCollector : public Collector {
 public:
  explicit InterruptsCollector(const CollectorOptions& o)
      : names_(o, "collector.interrupts.name-",
               NameFilter::Both::kRefusedOnceCompiled),
        include_zeros_(o.GetBool("collector.interrupts.include-zeros")) {}

  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    const std::string path = paths.Proc("interrupts");
    auto irqs = Unwrap(parse::ParseInterrupts(ReadFile(path)), path);
    auto& total = out.Counter("node_interrupts_total", "Interrupt details.");
    for (const parse::Interrupt& irq : irqs) {
      if (!names_.Keeps(irq.name)) continue;
      for (size_t cpu = 0; cpu < irq.per_cpu.size(); ++cpu) {
        if (!include_zeros_ && irq.per_cpu[cpu] == 0) continue;
        total.Add({{"cpu", std::to_string(cpu)},
                   {"type", irq.name},
                   {"info", irq.info},
                   {"devices", irq.devices}},
                  irq.per_cpu[cpu]);
      }
    }
    return out.Take();
  }

 private:
  NameFilter names_;
  bool include_zeros_;
};

}  // namespace

CollectorSpec Spec() {
  return {"interrupts",
          false,
          "Exposes detailed interrupts statistics from /proc/interrupts.",
          {
              {"collector.interrupts.name-include", "",
               "Regexp of interrupts name to include (mutually exclusive to "
               "--collector.interrupts.name-exclude)."},
              {"collector.interrupts.name-exclude", "",
               "Regexp of interrupts name to exclude (mutually exclusive to "
               "--collector.interrupts.name-include)."},
              {"collector.interrupts.include-zeros", "true",
               "Include interrupts that have a zero value", false, true},
          },
          &MakeCollector<InterruptsCollector>};
}

}  // namespace host_exporter::collectors::interrupts
