// Parsers for cgroup control files (Documentation/admin-guide/cgroup-v2.rst
// "Interface Files" conventions, and the v1 controllers cpuacct, memory,
// blkio and pids). The pressure files (cpu|memory|io.pressure) have the
// /proc/pressure format: parse/pressure.h.
#ifndef HOST_EXPORTER_PARSE_CGROUP_H_
#define HOST_EXPORTER_PARSE_CGROUP_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// "Flat keyed" files: one "<key> <value>" per line (v2 cpu.stat,
/// memory.stat, memory.events; v1 cpuacct.stat, cpu.stat, memory.stat,
/// memory.oom_control).
using CgroupKeyed = std::map<std::string, uint64_t, std::less<>>;

/// Parses a flat keyed file. Blank lines are skipped; a line that is not
/// exactly a key and an unsigned integer is an error naming the line.
Result<CgroupKeyed> ParseCgroupKeyed(std::string_view text);

/// A single-value file (memory.current, pids.max, cpuacct.usage, ...):
/// the number, or nullopt for "max" (no limit). Anything else is an error.
Result<std::optional<uint64_t>> ParseCgroupValue(std::string_view text);

/// One device's line of v2 io.stat ("8:0 rbytes=1 wbytes=2 rios=3 wios=4
/// dbytes=0 dios=0"), or the v1 blkio totals gathered per device.
struct CgroupIoDevice {
  std::string device;  ///< "major:minor"
  uint64_t rbytes = 0, wbytes = 0, rios = 0, wios = 0, dbytes = 0, dios = 0;
};

/// Parses v2 io.stat ("nested keyed"). Unknown keys are ignored (newer
/// kernels add some, e.g. cost.* with io.cost); a line without a
/// major:minor device or with a malformed key=value is an error.
Result<std::vector<CgroupIoDevice>> ParseCgroupIoStat(std::string_view text);

/// Which of a device's fields a v1 blkio file fills: bytes
/// (blkio.throttle.io_service_bytes*) or operations (io_serviced*).
enum class BlkioKind { kBytes, kOps };

/// Merges a v1 blkio.throttle.io_service_bytes(_recursive) or
/// io_serviced(_recursive) file ("8:0 Read 4096" ... "Total 8192") into
/// `devices` (added in the order first seen). Read/Write/Discard are kept;
/// Sync, Async and the per-device and grand Total lines are ignored.
Result<bool> MergeCgroupBlkio(std::string_view text, BlkioKind kind,
                              std::vector<CgroupIoDevice>* devices);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_CGROUP_H_
