// process_top: the processes using the most CPU and memory, and per command
// name and per systemd unit groups (host_process_top_*, host_process_comm_*,
// host_process_unit_*). Off by default. See README, "process_top".
#ifndef HOST_EXPORTER_COLLECTORS_PROCESS_TOP_H_
#define HOST_EXPORTER_COLLECTORS_PROCESS_TOP_H_

#include <functional>
#include <memory>

#include "host_exporter/collector.h"

namespace host_exporter {

/// A monotonic clock in seconds: the CPU ratio of the top-N divides the CPU
/// time of a cycle by the time between two Collect() calls on it.
using ProcessTopClock = std::function<double()>;

/// The collector with an injected clock (tests); the registry's uses
/// std::chrono::steady_clock.
std::unique_ptr<Collector> MakeProcessTopCollector(
    const CollectorOptions& options, ProcessTopClock clock);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_COLLECTORS_PROCESS_TOP_H_
