// Parser for /proc/meminfo.
#ifndef HOST_EXPORTER_PARSE_MEMINFO_H_
#define HOST_EXPORTER_PARSE_MEMINFO_H_

#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One /proc/meminfo line, named and scaled as node_exporter does.
struct MeminfoField {
  /// The field name with "(x)" turned into "_x" ("Active(anon)" ->
  /// "Active_anon") and "_bytes" appended when the line has a unit.
  std::string name;
  /// The value; lines with a unit (always "kB") are multiplied by 1024.
  double value = 0;
};

/// Parses /proc/meminfo: "Name:  value [kB]" lines, in file order. Blank
/// lines are skipped (some CentOS kernels print them); a name seen twice
/// keeps its first position and its last value.
Result<std::vector<MeminfoField>> ParseMeminfo(std::string_view text);

/// node_exporter's name of a meminfo key (its regexp `\((.*)\)` -> "_$1"):
/// the text from the first '(' to the last ')' after it becomes '_' and
/// its inside, e.g. "Active(anon)" -> "Active_anon". Also for the per-node
/// meminfo files of meminfo_numa.
std::string MeminfoMetricName(std::string_view key);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_MEMINFO_H_
