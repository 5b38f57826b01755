// Parser for /proc/<pid>/stat and /proc/<pid>/task/<tid>/stat.
#ifndef HOST_EXPORTER_PARSE_PROC_PID_STAT_H_
#define HOST_EXPORTER_PARSE_PROC_PID_STAT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The fields of a process or thread stat line that node_exporter uses.
struct ProcPidStat {
  std::string comm;         ///< between the first '(' and the last ')'
  std::string state;        ///< "R", "S", "D", "Z", "T", "t", "X", "I", ...
  int64_t num_threads = 0;  ///< field 20
};

/// Parses "pid (comm) state ppid ...". The command name may contain spaces
/// and parentheses (it ends at the last ')'). As procfs 0.8 (which reads 40
/// fields after the command, up to delayacct_blkio_ticks), fewer fields than
/// that or a non-integer among them is an error; later fields are ignored.
Result<ProcPidStat> ParseProcPidStat(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_PROC_PID_STAT_H_
