// The exporter's own process metrics, with client_golang's names, so the
// usual "exporter health" panels and alerts work (process_cpu_seconds_total,
// process_resident_memory_bytes, process_open_fds, …).
#ifndef HOST_EXPORTER_PROCESS_METRICS_H_
#define HOST_EXPORTER_PROCESS_METRICS_H_

#include <string>

#include "host_exporter/collector.h"

namespace host_exporter {

/// Reads /proc/self (always this process, whatever --path.procfs says).
/// Families that cannot be read are left out; never throws.
Families ProcessMetrics();

/// This process's start, Unix seconds (process_start_time_seconds): the
/// created time of the exporter's own counters. 0 if unknown.
double ProcessStartTime();

/// The btime of a /proc/stat file (e.g. HostPaths::Proc("stat")): the boot,
/// Unix seconds, from which kernel counters count. 0 if unreadable.
double ReadBootTime(const std::string& proc_stat);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_PROCESS_METRICS_H_
