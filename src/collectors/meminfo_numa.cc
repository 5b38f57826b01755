// meminfo_numa: node_memory_numa_<Field>{node} (gauges, bytes for kB fields)
// from /sys/devices/system/node/nodeN/meminfo and node_memory_numa_<counter>
// _total{node} from .../nodeN/numastat, as node_exporter 1.5. A host without
// NUMA nodes in sysfs gives no series.
#include "parse/meminfo_numa.h"

#include <map>
#include <string>
#include <vector>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::meminfo_numa {
namespace {

// "node12" -> "12"; "" for names that are not node directories (Go's glob
// node[0-9]* keeps the leading digits, as its regexp does).
std::string NodeNumber(const std::string& name) {
  if (!IsPrefixDigit(name, "node")) return "";
  size_t end = 4;
  while (end < name.size() && name[end] >= '0' && name[end] <= '9') ++end;
  return name.substr(4, end - 4);
}

class MeminfoNumaCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    auto family = [&out](const std::string& name,
                         prometheus::MetricType type) -> FamilyBuilder& {
      return out.Family("node_memory_numa_" + name,
                        "Memory information field " + name + ".", type);
    };

    const std::string base = paths.Sys("devices/system/node");
    for (const std::string& entry : ListDir(base)) {
      const std::string node = NodeNumber(entry);
      if (node.empty()) continue;
      const std::string meminfo_path = base + "/" + entry + "/meminfo";
      for (const auto& f : Unwrap(
               parse::ParseNumaMeminfo(ReadFile(meminfo_path)), meminfo_path)) {
        family(f.name, prometheus::MetricType::Gauge)
            .Add({{"node", f.node}}, f.value);
      }
      const std::string numastat_path = base + "/" + entry + "/numastat";
      for (const auto& f : Unwrap(parse::ParseNumastat(ReadFile(numastat_path)),
                                  numastat_path)) {
        family(f.name + "_total", prometheus::MetricType::Counter)
            .Add({{"node", node}}, f.value);
      }
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"meminfo_numa",
          false,
          "Exposes memory statistics per NUMA node from "
          "/sys/devices/system/node/.",
          {},
          &MakeCollector<MeminfoNumaCollector>};
}

}  // namespace host_exporter::collectors::meminfo_numa
