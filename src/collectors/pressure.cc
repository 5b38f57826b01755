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

class PressureCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    for (const char* resource : {"cpu", "io", "memory"}) {
      const std::string path = paths.Proc(std::string("pressure/") + resource);
      auto text = ReadFileIfExists(path);
      if (!text) break;
      const parse::PsiStats psi = Unwrap(parse::ParsePressure(*text), path);
      const std::string r = resource;
      if (r == "cpu") {
        out.Counter("node_pressure_cpu_waiting_seconds_total",
                    "Total time in seconds that processes have "
                    "waited for CPU time")
            .Add(Seconds(psi.some, "some", path));
      } else if (r == "io") {
        out.Counter("node_pressure_io_waiting_seconds_total",
                    "Total time in seconds that processes have "
                    "waited due to IO congestion")
            .Add(Seconds(psi.some, "some", path));
        out.Counter("node_pressure_io_stalled_seconds_total",
                    "Total time in seconds no process could make "
                    "progress due to IO congestion")
            .Add(Seconds(psi.full, "full", path));
      } else {
        out.Counter("node_pressure_memory_waiting_seconds_total",
                    "Total time in seconds that processes have "
                    "waited for memory")
            .Add(Seconds(psi.some, "some", path));
        out.Counter("node_pressure_memory_stalled_seconds_total",
                    "Total time in seconds no process could make "
                    "progress due to memory congestion")
            .Add(Seconds(psi.full, "full", path));
      }
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
          [](const CollectorOptions&) -> std::unique_ptr<Collector> {
            return std::make_unique<PressureCollector>();
          }};
}

}  // namespace host_exporter::collectors::pressure

namespace host_exporter {

CollectorSpec PressureCollectorSpec() { return collectors::pressure::Spec(); }

}  // namespace host_exporter
