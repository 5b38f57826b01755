// The points of the script this project replaces, for the InfluxDB sink's
// `"format": "system_metrics"`: its users' dashboards query
//
//   system_metrics,host=<h>,metric=cpu value=12.5 <ts>        CPU busy %
//   system_metrics,host=<h>,metric=memory value=41.3 <ts>     memory used %
//   system_metrics,host=<h>,metric=disk value=63.0 <ts>       disk used % of /
//   system_metrics,host=<h>,metric=network bytes_sent=…,bytes_recv=… <ts>
//
// with the values psutil gave the script (cpu_percent(interval=None) between
// two calls, virtual_memory().percent, disk_usage('/').percent, rounded to
// one decimal as psutil rounds them; net_io_counters() summed over every
// interface). The script's own network line was not valid line protocol (two
// `value` fields in one line, separated by ", "): its points never reached
// InfluxDB, so the field names here are new, named after psutil's.
#ifndef HOST_EXPORTER_SINKS_SYSTEM_METRICS_H_
#define HOST_EXPORTER_SINKS_SYSTEM_METRICS_H_

#include <optional>
#include <string>
#include <vector>

#include "host_exporter/collector.h"
#include "sinks/line_protocol.h"

namespace host_exporter::sinks {

/// Which points are written, and how.
struct SystemMetricsOptions {
  bool cpu = true;      ///< from node_cpu_seconds_total
  bool memory = true;   ///< from node_memory_MemTotal/MemAvailable_bytes
  bool disk = true;     ///< statvfs() of `root_path`
  bool network = true;  ///< from node_network_{receive,transmit}_bytes_total
  std::string root_path = "/";  ///< the host's / (--path.rootfs)
  Precision precision = Precision::kMilliseconds;
  KeyValues extra_tags;  ///< e.g. host; sorted by key with `metric`
};

/// CPU times summed over all CPUs, as psutil sums them.
struct CpuTotals {
  double total = 0;  ///< every mode node_cpu_seconds_total has
  double busy = 0;   ///< total less idle and iowait
};

/// The sums of node_cpu_seconds_total, or nothing when it is absent.
std::optional<CpuTotals> SumCpuTimes(const Families& families);

/// psutil's cpu_percent() between two readings: busy over total time, in
/// percent, clamped to [0, 100], rounded to one decimal; nothing when no
/// time passed or the counters went back.
std::optional<double> CpuBusyPercent(const CpuTotals& before,
                                     const CpuTotals& after);

/// psutil's rounding: one decimal.
double RoundPercent(double v);

/// used / (used + available) in percent as psutil's disk_usage(); nothing if
/// statvfs() fails.
std::optional<double> DiskUsedPercent(const std::string& path);

/// Turns snapshots into the script's points. Keeps the previous CPU reading:
/// the first snapshot has no CPU point (psutil's first cpu_percent() call
/// returns a meaningless 0.0, which the script wrote anyway).
class SystemMetricsEncoder {
 public:
  explicit SystemMetricsEncoder(SystemMetricsOptions options);
  void Encode(const Families& families, double unix_seconds,
              std::vector<std::string>* lines);

 private:
  SystemMetricsOptions options_;
  std::optional<CpuTotals> last_cpu_;
};

}  // namespace host_exporter::sinks

#endif  // HOST_EXPORTER_SINKS_SYSTEM_METRICS_H_
