// Parser for /proc/mdstat (Linux software RAID status), with the same
// reading rules as node_exporter 1.5 (prometheus/procfs MDStat).
#ifndef HOST_EXPORTER_PARSE_MDSTAT_H_
#define HOST_EXPORTER_PARSE_MDSTAT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One md device of /proc/mdstat.
struct MdStat {
  std::string name;  ///< "md0"
  /// The third word of the device line ("active", "inactive", ...), replaced
  /// by "recovering", "resyncing" or "checking" while a sync runs.
  std::string activity_state;
  int64_t disks_active = 0;  ///< the second number of "[total/active]"
  int64_t disks_total = 0;   ///< disks the array needs
  int64_t disks_failed = 0;  ///< members marked "(F)"
  int64_t disks_down = 0;    ///< "_" in the "[UU_]" map
  int64_t disks_spare = 0;   ///< members marked "(S)"
  int64_t blocks_total = 0;  ///< size in 1 KiB blocks
  /// Blocks already in sync: the size when no sync runs, 0 while a sync is
  /// PENDING or DELAYED.
  int64_t blocks_synced = 0;
  double synced_percent = 0;  ///< "= 36.4%" of the sync line
  double finish_minutes = 0;  ///< "finish=112.3min"
  double speed_kib = 0;       ///< "speed=184290K/sec"
};

/// Parses the whole file. Each device takes a device line ("md0 : active
/// raid1 sdb1[1] sda1[0]"), a status line ("1046528 blocks ... [2/2] [UU]"),
/// an optional bitmap line and an optional sync line; the file must go on
/// for at least three lines after a device line. Errors name the line.
Result<std::vector<MdStat>> ParseMdstat(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_MDSTAT_H_
