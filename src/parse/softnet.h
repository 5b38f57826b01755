// Parser for /proc/net/softnet_stat.
#ifndef HOST_EXPORTER_PARSE_SOFTNET_H_
#define HOST_EXPORTER_PARSE_SOFTNET_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The first three counters of one line (one online CPU).
struct SoftnetStat {
  uint32_t processed = 0;
  uint32_t dropped = 0;
  uint32_t time_squeezed = 0;
};

/// Parses the file: one line per online CPU of at least 9 hex columns
/// (kernels since 2.6 print 9 to 13); the first three are read as 32-bit
/// hex numbers, as Go's procfs 0.8 does.
Result<std::vector<SoftnetStat>> ParseSoftnetStat(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_SOFTNET_H_
