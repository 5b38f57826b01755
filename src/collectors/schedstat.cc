// schedstat: node_schedstat_* per CPU from /proc/schedstat. A kernel without
// CONFIG_SCHEDSTATS has no such file: no series and no error (node_exporter
// 1.5 returns "no data").
#include "parse/schedstat.h"

#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::schedstat {
namespace {

constexpr double kNsPerSec = 1e9;

using parse::SchedstatCpu;

// A CPU's families.
constexpr FieldFamily<SchedstatCpu> kCpuFamilies[] = {
    {"node_schedstat_running_seconds_total",
     "Number of seconds CPU spent running a process.", kCounter,
     FieldOf<&SchedstatCpu::running_ns>, 1, kNsPerSec},
    {"node_schedstat_waiting_seconds_total",
     "Number of seconds spent by processing waiting for this CPU.", kCounter,
     FieldOf<&SchedstatCpu::waiting_ns>, 1, kNsPerSec},
    {"node_schedstat_timeslices_total", "Number of timeslices executed by CPU.",
     kCounter, FieldOf<&SchedstatCpu::timeslices>},
};

class SchedstatCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("schedstat");
    FamilySet out;
    auto text = ReadFileIfExists(path);
    if (!text) return out.Take();
    auto cpus = Unwrap(parse::ParseSchedstat(*text), path);
    for (const parse::SchedstatCpu& c : cpus) {
      AddFields(&out, kCpuFamilies, c, {{"cpu", c.cpu}});
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"schedstat",
          true,
          "Exposes task scheduler statistics from /proc/schedstat.",
          {},
          &MakeCollector<SchedstatCollector>};
}

}  // namespace host_exporter::collectors::schedstat
