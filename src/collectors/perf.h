// Internal interface of the perf collector, so tests can replace
// perf_event_open(2) with a fake counter source and check the parts that do
// not need the kernel: the CPU list, the profiler selection, the series.
#ifndef HOST_EXPORTER_COLLECTORS_PERF_H_
#define HOST_EXPORTER_COLLECTORS_PERF_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host_exporter/collector.h"
#include "host_exporter/paths.h"

namespace host_exporter {

/// A perf event: perf_event_attr's type and config.
struct PerfEvent {
  uint32_t type = 0;
  uint64_t config = 0;
  bool operator==(const PerfEvent&) const = default;
};

/// perf_event_attr types (<linux/perf_event.h>).
inline constexpr uint32_t kPerfTypeHardware = 0;
inline constexpr uint32_t kPerfTypeSoftware = 1;
inline constexpr uint32_t kPerfTypeTracepoint = 2;
inline constexpr uint32_t kPerfTypeHwCache = 3;

/// One counter family the configuration asks for, opened on every CPU.
struct PerfCounterDef {
  std::string family;  ///< "node_perf_cpucycles_total"
  std::string help;
  PerfEvent event;  ///< type kPerfTypeTracepoint: config is resolved later
  std::string tracepoint;  ///< "subsystem:event" for a tracepoint, else ""
};

/// Opens and reads counters.
class PerfSource {
 public:
  virtual ~PerfSource() = default;
  /// Opens a counter of `event` counting every process on `cpu`: an id for
  /// Read(), or the errno of the refusal.
  struct Opened {
    int id = -1;
    int error = 0;
  };
  virtual Opened Open(const PerfEvent& event, int cpu) = 0;
  /// The counter's value, or nullopt if it cannot be read.
  virtual std::optional<uint64_t> Read(int id) = 0;
  /// The id of tracepoint `subsystem:event` (tracefs'
  /// events/<subsystem>/<event>/id under `paths`), or nullopt.
  virtual std::optional<uint64_t> TracepointId(const HostPaths& paths,
                                               const std::string& subsystem,
                                               const std::string& event) = 0;
};

/// Makes the source; called once, on the first collection.
using PerfSourceFactory = std::function<std::unique_ptr<PerfSource>()>;

/// The real source: perf_event_open(2) with pid -1 (every process) per CPU;
/// the descriptors are closed with the source.
std::unique_ptr<PerfSource> NewPerfEventSource();

/// --collector.perf.cpus: a comma-separated list of CPUs and ranges
/// "a-b", optionally with a stride "a-b:s" (a, a+s, ... up to b), as
/// node_exporter parses it. Throws std::invalid_argument naming the flag and
/// the bad element.
std::vector<int> ParsePerfCpus(const std::string& value);

/// The counter families the options ask for, in node_exporter's order:
/// the hardware, software and cache profilers (all of each kind, or those
/// its *-profilers flag lists; none with its disable-* flag), then the
/// tracepoints ("subsystem:event" each). Throws std::invalid_argument
/// naming the flag for an unknown profiler or a malformed tracepoint.
std::vector<PerfCounterDef> SelectPerfCounters(const CollectorOptions& options);

/// Creates the perf collector over the source `factory` makes.
std::unique_ptr<Collector> NewPerfCollector(const CollectorOptions& options,
                                            PerfSourceFactory factory);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_COLLECTORS_PERF_H_
