// pressure: node_pressure_* from /proc/pressure/{cpu,io,memory}. Kernels
// without PSI (before 4.20, or CONFIG_PSI off) have no such files: no series
// and no error, as node_exporter 1.5 (which stops at the first missing
// resource).
#include "parse/pressure.h"

#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::pressure {
namespace {

// A PSI total in µs as seconds; a line the file must have but lacks is an
// error naming the file (node_exporter 1.5 would crash on it).
double Seconds(const std::optional<parse::PsiLine>& line, const char* kind,
               const std::string& path) {
  if (!line) throw CollectError(path + ": no \"" + kind + "\" line");
  return static_cast<double>(line->total_us) / 1000.0 / 1000.0;
}

// A resource and the words of its families' help: the "some" line's total
// is <name>_waiting_seconds_total, the "full" line's (none for cpu)
// <name>_stalled_seconds_total, as node_exporter 1.5 names them.
struct Resource {
  const char* name;
  const char* waited;   // "Total time in seconds that processes have waited "
  const char* stalled;  // "... no process could make progress due to "
};
constexpr Resource kResources[] = {
    {"cpu", "for CPU time", nullptr},
    {"io", "due to IO congestion", "IO congestion"},
    {"memory", "for memory", "memory congestion"},
};

class PressureCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    for (const Resource& res : kResources) {
      const std::string path = paths.Proc(std::string("pressure/") + res.name);
      auto text = ReadFileIfExists(path);
      if (!text) break;
      const parse::PsiStats psi = Unwrap(parse::ParsePressure(*text), path);
      const std::string family = std::string("node_pressure_") + res.name;
      out.Counter(family + "_waiting_seconds_total",
                  std::string("Total time in seconds that processes have "
                              "waited ") +
                      res.waited)
          .Add(Seconds(psi.some, "some", path));
      if (res.stalled == nullptr) continue;
      out.Counter(family + "_stalled_seconds_total",
                  std::string("Total time in seconds no process could make "
                              "progress due to ") +
                      res.stalled)
          .Add(Seconds(psi.full, "full", path));
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"pressure",
          true,
          "Exposes pressure stall statistics from /proc/pressure/.",
          {},
          &MakeCollector<PressureCollector>};
}

}  // namespace host_exporter::collectors::pressure
