// The exporter's own process metrics, with client_golang's names, so the
// usual "exporter health" panels and alerts work (process_cpu_seconds_total,
// process_resident_memory_bytes, process_open_fds, …).
#ifndef HOST_EXPORTER_PROCESS_METRICS_H_
#define HOST_EXPORTER_PROCESS_METRICS_H_

#include "host_exporter/collector.h"

namespace host_exporter {

/// Reads /proc/self (always this process, whatever --path.procfs says).
/// Families that cannot be read are left out; never throws.
Families ProcessMetrics();

}  // namespace host_exporter

#endif  // HOST_EXPORTER_PROCESS_METRICS_H_
