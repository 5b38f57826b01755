// Parsers for the process_top collector: the fields of /proc/<pid>/stat it
// ranks by, /proc/<pid>/io, the systemd unit in /proc/<pid>/cgroup, and the
// cgroup accounting files that count a unit's exited processes (cgroup v2
// cpu.stat and io.stat, v1 cpuacct.stat and blkio.throttle.io_service_bytes).
// The per-process ones never allocate on success: the collector calls them
// once per process and cycle.
#ifndef HOST_EXPORTER_PARSE_PROCESS_TOP_H_
#define HOST_EXPORTER_PARSE_PROCESS_TOP_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The fields of "pid (comm) state ppid ..." that process_top uses (proc(5)
/// numbering in the comments).
struct PidStatFields {
  std::string_view comm;    ///< (2) between the first '(' and the last ')'
  char state = '?';         ///< (3)
  int64_t ppid = 0;         ///< (4)
  uint64_t utime = 0;       ///< (14) clock ticks in user mode
  uint64_t stime = 0;       ///< (15) clock ticks in kernel mode
  int64_t num_threads = 0;  ///< (20)
  uint64_t starttime = 0;   ///< (22) clock ticks after boot
  int64_t rss_pages = 0;    ///< (24) resident set size in pages
};

/// Parses the first 24 fields of a /proc/<pid>/stat line without
/// allocating; `comm` points into `text`. False with `*error` set (naming the
/// field) when the line is malformed.
bool ParsePidStatFields(std::string_view text, PidStatFields* out,
                        std::string* error);

/// read_bytes and write_bytes of /proc/<pid>/io (storage I/O, proc(5)).
struct PidIoBytes {
  uint64_t read_bytes = 0;
  uint64_t write_bytes = 0;
};

/// Parses /proc/<pid>/io without allocating. False with `*error` set when
/// read_bytes or write_bytes is missing or not a number.
bool ParsePidIo(std::string_view text, PidIoBytes* out, std::string* error);

/// A process' systemd unit from /proc/<pid>/cgroup.
struct PidUnit {
  /// The cgroup path down to and including the unit ("/" for the root).
  std::string_view path;
  /// The deepest path component that is a systemd unit (".service",
  /// ".scope", ".slice", ".socket", ".mount", ".swap"), "-.slice" for the
  /// root cgroup and for paths without a unit component.
  std::string_view unit;
};

/// The unit of a process: from the "name=systemd" hierarchy (cgroup v1 and
/// the hybrid layout) if there is one, else from the unified "0::" line
/// (cgroup v2). Never allocates; nothing in `text` is an error (an empty or
/// odd file gives the root, "-.slice").
PidUnit ParsePidUnit(std::string_view text);

/// True for unit names whose cgroup holds no other unit (".service",
/// ".scope"): their cgroup's accounting is theirs alone.
bool IsLeafUnit(std::string_view unit);

/// CPU and I/O a cgroup has accounted, exited processes included.
struct CgroupUsage {
  double user_seconds = 0;
  double system_seconds = 0;
};

/// cgroup v2 cpu.stat: user_usec and system_usec (both required).
Result<CgroupUsage> ParseCgroupCpuStat(std::string_view text);

/// cgroup v1 cpuacct.stat: "user N" and "system N" in clock ticks
/// (USER_HZ), divided by `ticks_per_second`.
Result<CgroupUsage> ParseCpuacctStat(std::string_view text,
                                     double ticks_per_second);

/// Bytes read and written on all devices.
struct CgroupIoBytes {
  double read_bytes = 0;
  double write_bytes = 0;
};

/// cgroup v2 io.stat: the sum of rbytes= and wbytes= over the device lines
/// (parsed by the cgroup collector's ParseCgroupIoStat). An empty file (no
/// I/O yet) is zero.
Result<CgroupIoBytes> ParseCgroupIoTotals(std::string_view text);

/// cgroup v1 blkio.throttle.io_service_bytes: the sum of the "MAJ:MIN Read
/// N" and "MAJ:MIN Write N" lines (the "Total" line is not added twice).
Result<CgroupIoBytes> ParseBlkioServiceBytes(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_PROCESS_TOP_H_
