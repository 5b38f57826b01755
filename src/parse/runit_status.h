// runsv's supervise/status: the 20-byte binary record runit keeps for each
// service (runit's sv.c and runsv.c write and read it).
#ifndef HOST_EXPORTER_PARSE_RUNIT_STATUS_H_
#define HOST_EXPORTER_PARSE_RUNIT_STATUS_H_

#include <cstdint>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One service's status record.
struct RunitStatus {
  int64_t changed_unix = 0;  ///< when the state last changed, Unix seconds
  uint32_t pid = 0;          ///< the run script's process, 0 when down
  bool paused = false;       ///< stopped with `sv pause`
  int want = 0;              ///< wanted state: 1 up ('u'), 0 otherwise
  int state = 0;             ///< 0 down, 1 run, 2 finish (the finish script)
};

/// Parses the record: bytes 0-7 a TAI64 label (2^62 + 10 + Unix seconds,
/// big-endian), 8-11 its nanoseconds, 12-15 the pid (little-endian), 16 the
/// paused flag, 17 the wanted state ('u' or 'd'), 18 the term flag, 19 the
/// state. Anything but exactly 20 bytes, or a state above 2, is an error.
Result<RunitStatus> ParseRunitStatus(std::string_view bytes);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_RUNIT_STATUS_H_
