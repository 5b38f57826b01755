// Parser for /proc/loadavg.
#ifndef HOST_EXPORTER_PARSE_LOADAVG_H_
#define HOST_EXPORTER_PARSE_LOADAVG_H_

#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The three load averages of /proc/loadavg.
struct LoadAvg {
  double load1 = 0, load5 = 0, load15 = 0;
};

/// Parses "0.50 0.40 0.30 1/123 4567": the first three fields.
Result<LoadAvg> ParseLoadAvg(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_LOADAVG_H_
