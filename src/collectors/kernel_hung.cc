// kernel_hung: node_kernel_hung_tasks_total from
// /proc/sys/kernel/hung_task_detect_count (node_exporter 1.11, default on;
// the file exists with CONFIG_DETECT_HUNG_TASK). No file: no series and no
// error, as 1.11.1.
#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::kernel_hung {
namespace {

class KernelHungCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("sys/kernel/hung_task_detect_count");
    auto text = ReadFileIfExists(path);
    if (!text) return {};
    FamilySet out;
    out.Counter("node_kernel_hung_tasks_total",
                "Total number of tasks that have been detected as hung since "
                "the system booted.")
        .Add(ToDouble(Unwrap(parse::ParseUintFile(*text), path)));
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"kernel_hung",
          true,
          "Exposes number of tasks that have been detected as hung from "
          "/proc/sys/kernel/hung_task_detect_count (node_exporter 1.11; "
          "follows upstream's changelog, no 1.11 binary here to compare).",
          {},
          &MakeCollector<KernelHungCollector>};
}

}  // namespace host_exporter::collectors::kernel_hung
