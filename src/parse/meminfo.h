// Parser for /proc/meminfo.
#ifndef HOST_EXPORTER_PARSE_MEMINFO_H_
#define HOST_EXPORTER_PARSE_MEMINFO_H_

#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One /proc/meminfo line, viewing the text parsed (no string per line).
struct MeminfoField {
  /// The name as the file gives it, without the colon ("Active(anon)").
  std::string_view key;
  /// Whether the line has a unit (always "kB"): the value is then scaled
  /// by 1024 and node_exporter's name ends in "_bytes" (MeminfoFieldName).
  bool bytes = false;
  /// The value, multiplied by 1024 for a line with a unit.
  double value = 0;
};

/// Parses /proc/meminfo: "Name:  value [kB]" lines, in file order (a name
/// given twice is listed twice). Blank lines are skipped (some CentOS
/// kernels print them). The fields view `text`.
Result<std::vector<MeminfoField>> ParseMeminfo(std::string_view text);

/// node_exporter's name of a field after "node_memory_": its key with "(x)"
/// turned into "_x" ("Active(anon)" -> "Active_anon", MeminfoMetricName),
/// and "_bytes" appended for a line with a unit.
std::string MeminfoFieldName(const MeminfoField& field);

/// node_exporter's name of a meminfo key (its regexp `\((.*)\)` -> "_$1"):
/// the text from the first '(' to the last ')' after it becomes '_' and
/// its inside, e.g. "Active(anon)" -> "Active_anon". Also for the per-node
/// meminfo files of meminfo_numa.
std::string MeminfoMetricName(std::string_view key);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_MEMINFO_H_
