// lnstat: node_lnstat_<column>_total{subsystem,cpu} for every file of
// /proc/net/stat/ (default off), as node_exporter reads them through
// prometheus/procfs' NetStat. No directory: no series.
#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/per_cpu_counters.h"
#include "parse/utf8.h"

namespace host_exporter::collectors::lnstat {
namespace {

// A character a metric name may have after its first.
bool ValidNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == ':' || (c >= '0' && c <= '9');
}

class LnstatCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string dir = paths.Proc("net/stat");
    FamilySet out;
    for (const DirEntry& e : GlobAll(dir)) {
      const std::string path = dir + "/" + e.name;
      const auto columns = Unwrap(parse::ParseLnstat(ReadFile(path)), path);
      const std::string subsystem = parse::ToValidUtf8(e.name);
      for (const parse::PerCpuCounter& c : columns) {
        const std::string name = "node_lnstat_" + c.name + "_total";
        for (char ch : c.name) {
          if (!ValidNameChar(ch)) {
            throw CollectError(path + ": column name '" + c.name +
                               "' makes an invalid metric name");
          }
        }
        auto& f = out.Counter(name, "linux network cache stats");
        for (size_t cpu = 0; cpu < c.per_cpu.size(); ++cpu) {
          f.Add({{"subsystem", subsystem}, {"cpu", std::to_string(cpu)}},
                ToDouble(c.per_cpu[cpu]));
        }
      }
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"lnstat",
          false,
          "Exposes stats from /proc/net/stat/.",
          {},
          &MakeCollector<LnstatCollector>};
}

}  // namespace host_exporter::collectors::lnstat
