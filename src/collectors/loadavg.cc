// loadavg: node_load1, node_load5, node_load15 from /proc/loadavg.
#include "parse/loadavg.h"

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::loadavg {
namespace {

class LoadavgCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("loadavg");
    auto load = Unwrap(parse::ParseLoadAvg(ReadFile(path)), path);
    FamilySet out;
    out.Gauge("node_load1", "1m load average.").Add(load.load1);
    out.Gauge("node_load5", "5m load average.").Add(load.load5);
    out.Gauge("node_load15", "15m load average.").Add(load.load15);
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"loadavg",
          true,
          "Exposes load average.",
          {},
          &MakeCollector<LoadavgCollector>};
}

}  // namespace host_exporter::collectors::loadavg
