// Internal: the time collector with an injectable clock, for tests.
#ifndef HOST_EXPORTER_COLLECTORS_TIME_H_
#define HOST_EXPORTER_COLLECTORS_TIME_H_

#include <chrono>
#include <functional>
#include <memory>

#include "host_exporter/collector.h"

namespace host_exporter {

/// Returns the current wall-clock time.
using WallClock = std::function<std::chrono::system_clock::time_point()>;

/// The time collector, reading the time from `clock` and the time zone of
/// the process (TZ, else /etc/localtime), read once here as Go does at
/// start-up.
std::unique_ptr<Collector> NewTimeCollector(WallClock clock);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_COLLECTORS_TIME_H_
