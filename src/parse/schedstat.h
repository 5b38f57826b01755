// Parser for /proc/schedstat (scheduler statistics, CONFIG_SCHEDSTATS).
#ifndef HOST_EXPORTER_PARSE_SCHEDSTAT_H_
#define HOST_EXPORTER_PARSE_SCHEDSTAT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The per-CPU numbers node_exporter exposes (fields 7-9 of a cpuN line).
struct SchedstatCpu {
  std::string cpu;          ///< "0" for the line "cpu0 ..."
  uint64_t running_ns = 0;  ///< time spent running tasks
  uint64_t waiting_ns = 0;  ///< time tasks spent waiting to run
  uint64_t timeslices = 0;  ///< number of timeslices run
};

/// Parses the "cpuN a b c d e f g h i" lines (at least nine numbers; more
/// are ignored). Like node_exporter (procfs 0.8), anything else is skipped
/// -- version, timestamp and domain lines, short or non-numeric cpu lines --
/// and a cpu line whose numbers overflow 64 bits is dropped, so this never
/// fails; an empty file gives no CPUs.
Result<std::vector<SchedstatCpu>> ParseSchedstat(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_SCHEDSTAT_H_
