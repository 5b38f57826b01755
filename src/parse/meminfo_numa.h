// Parsers for the per-NUMA-node files /sys/devices/system/node/nodeN/meminfo
// and /sys/devices/system/node/nodeN/numastat.
#ifndef HOST_EXPORTER_PARSE_MEMINFO_NUMA_H_
#define HOST_EXPORTER_PARSE_MEMINFO_NUMA_H_

#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One field of a node's meminfo, named and scaled as node_exporter 1.5.
struct NumaMeminfoField {
  std::string name;  ///< "MemFree", "Active_anon" (from "Active(anon):")
  std::string node;  ///< the node number printed on the line ("0")
  double value = 0;  ///< bytes for "kB" fields, else the raw number
};

/// Parses "Node 0 MemTotal:  16330252 kB" lines (blank lines skipped). A line
/// with fewer than four fields, a non-numeric value, or a fifth field other
/// than "kB" (or more than five fields) is an error naming the line.
Result<std::vector<NumaMeminfoField>> ParseNumaMeminfo(std::string_view text);

/// One numastat counter.
struct NumastatField {
  std::string name;  ///< "numa_hit"
  double value = 0;
};

/// Parses "numa_hit 1234" lines (blank lines skipped); any line that does
/// not have exactly two fields, or has a non-numeric value, is an error.
Result<std::vector<NumastatField>> ParseNumastat(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_MEMINFO_NUMA_H_
