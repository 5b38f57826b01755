// Parser for /proc/cgroups: the cgroup (v1) controllers built into the
// kernel.
#ifndef HOST_EXPORTER_PARSE_PROC_CGROUPS_H_
#define HOST_EXPORTER_PARSE_PROC_CGROUPS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One "subsys_name hierarchy num_cgroups enabled" line.
struct CgroupController {
  std::string name;
  int64_t hierarchy = 0;
  int64_t cgroups = 0;
  int64_t enabled = 0;
};

/// Parses /proc/cgroups as prometheus/procfs does: lines starting with '#'
/// (the header) are skipped; every other line (an empty one too) needs at
/// least four words, the last three base-10 integers. Errors name the line.
Result<std::vector<CgroupController>> ParseProcCgroups(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_PROC_CGROUPS_H_
