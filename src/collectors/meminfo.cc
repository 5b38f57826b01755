// meminfo: every /proc/meminfo line as node_memory_<Field>[_bytes], named,
// scaled and typed as node_exporter 1.5 does.
#include "parse/meminfo.h"

#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::meminfo {
namespace {

// A field name usable in a metric name: anything outside [A-Za-z0-9_:]
// becomes '_' (no kernel prints such a name today).
std::string Sanitize(std::string name) {
  for (char& c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_' || c == ':';
    if (!ok) c = '_';
  }
  return name;
}

class MeminfoCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("meminfo");
    auto fields = Unwrap(parse::ParseMeminfo(ReadFile(path)), path);
    FamilySet out;
    for (const parse::MeminfoField& f : fields) {
      const std::string name = Sanitize(f.name);
      // node_exporter types a "_total" field as a counter (none on Linux
      // today: HugePages_Total has a capital T) and the rest as gauges.
      out.Family("node_memory_" + name,
                 "Memory information field " + name + ".",
                 name.ends_with("_total") ? prometheus::MetricType::Counter
                                          : prometheus::MetricType::Gauge)
          .Add(f.value);
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"meminfo",
          true,
          "Exposes memory statistics.",
          {},
          &MakeCollector<MeminfoCollector>};
}

}  // namespace host_exporter::collectors::meminfo
