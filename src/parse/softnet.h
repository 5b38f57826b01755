// Parser for /proc/net/softnet_stat.
#ifndef HOST_EXPORTER_PARSE_SOFTNET_H_
#define HOST_EXPORTER_PARSE_SOFTNET_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The counters of one line (one online CPU).
struct SoftnetStat {
  uint32_t processed = 0;
  uint32_t dropped = 0;
  uint32_t time_squeezed = 0;
  uint32_t cpu_collision = 0;     ///< column 9
  uint32_t received_rps = 0;      ///< column 10 (Linux 2.6.39)
  uint32_t flow_limit_count = 0;  ///< column 11 (Linux 4.18)
  uint32_t backlog_len = 0;       ///< column 12 (Linux 5.14)
  uint32_t index = 0;  ///< column 13 (Linux 5.14), else the line number
};

/// Parses the file: one line per online CPU of at least 9 hex columns
/// (kernels since 2.6 print 9 to 13), read as 32-bit hex numbers as Go's
/// procfs 0.15 does: columns 1-3 and 9-13 as far as the line has them.
Result<std::vector<SoftnetStat>> ParseSoftnetStat(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_SOFTNET_H_
