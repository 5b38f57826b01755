// Parser for /proc/slabinfo (format version 2.1, Linux >= 2.6.10).
#ifndef HOST_EXPORTER_PARSE_SLABINFO_H_
#define HOST_EXPORTER_PARSE_SLABINFO_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One slab cache's line: "<name> <active_objs> <num_objs> <objsize>
/// <objperslab> <pagesperslab> : tunables <limit> <batchcount>
/// <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>".
struct Slab {
  std::string name;
  int64_t active_objects = 0, objects = 0, object_size = 0;
  int64_t objects_per_slab = 0, pages_per_slab = 0;
  int64_t limit = 0, batch = 0, shared_factor = 0;
  int64_t active_slabs = 0, slabs = 0, shared_avail = 0;
};

/// Parses /proc/slabinfo as prometheus/procfs does: lines containing
/// "slabinfo -" (the version line) or "# name" (the header) are skipped;
/// every other line, with its runs of white space made single spaces, must
/// split into exactly 16 words (so an empty line, or one with leading or
/// trailing white space, is an error too), of which the numbers are base-10
/// integers. Errors name the line.
Result<std::vector<Slab>> ParseSlabinfo(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_SLABINFO_H_
