// Parser for /proc/vmstat ("name value" per line).
#ifndef HOST_EXPORTER_PARSE_VMSTAT_H_
#define HOST_EXPORTER_PARSE_VMSTAT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// Parses every "name value" line, in file order. As node_exporter, every
/// value must be a number (even of fields that are later filtered out): a
/// line with fewer than two fields or a non-numeric value is an error naming
/// the line. Extra fields are ignored.
Result<std::vector<std::pair<std::string, double>>> ParseVmstat(
    std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_VMSTAT_H_
