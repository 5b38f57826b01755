// Parser for /proc/swaps: the active swap areas.
#ifndef HOST_EXPORTER_PARSE_SWAPS_H_
#define HOST_EXPORTER_PARSE_SWAPS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One swap area: "/dev/dm-1  partition  8388604  1024  -2".
struct SwapArea {
  std::string filename;  ///< as the kernel prints it (octal escapes kept)
  std::string type;      ///< "partition", "file"
  int64_t size_kib = 0;
  int64_t used_kib = 0;
  int64_t priority = 0;
};

/// Parses /proc/swaps as prometheus/procfs does: the first line (the
/// header) is skipped; every other line needs at least five words, of which
/// the third to fifth are base-10 integers. Errors name the line.
Result<std::vector<SwapArea>> ParseSwaps(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_SWAPS_H_
