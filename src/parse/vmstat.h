// Parser for /proc/vmstat ("name value" per line).
#ifndef HOST_EXPORTER_PARSE_VMSTAT_H_
#define HOST_EXPORTER_PARSE_VMSTAT_H_

#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// Appends every "name value" line to *out, in file order, as a counter
/// without a group viewed in `text` (nothing allocated per line). As
/// node_exporter, every value must be a number (even of fields that are
/// later filtered out): a line with fewer than two fields or a non-numeric
/// value is an error naming the line ("line N: ...", returned; "" if none).
/// Extra fields are ignored.
std::string ParseVmstat(std::string_view text, std::vector<CounterView>* out);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_VMSTAT_H_
