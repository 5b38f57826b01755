// Parsers for /proc/<pid>/mountstats (per-mount NFS client statistics) and
// /proc/<pid>/mountinfo, with node_exporter 1.5's rules (procfs 0.8).
#ifndef HOST_EXPORTER_PARSE_MOUNTSTATS_H_
#define HOST_EXPORTER_PARSE_MOUNTSTATS_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The "bytes:" line: normal read, normal write, direct read, direct write,
/// server read, server write, read pages, write pages.
using NfsBytes = std::array<uint64_t, 8>;

/// The 27 values of the "events:" line, in kernel order (inode revalidate,
/// dentry revalidate, data invalidate, attribute invalidate, vfs open,
/// lookup, access, update page, read page, read pages, write page, write
/// pages, getdents, setattr, flush, fsync, lock, release, congestion wait,
/// truncation, write extension, silly rename, short read, short write,
/// jukebox delay, pNFS read, pNFS write).
using NfsEvents = std::array<uint64_t, 27>;

/// One line of the "per-op statistics" block.
struct NfsOperationStats {
  std::string operation;  ///< "READ", without the colon
  uint64_t requests = 0;
  uint64_t transmissions = 0;
  uint64_t major_timeouts = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  uint64_t queue_ms = 0;     ///< cumulative queue time
  uint64_t response_ms = 0;  ///< cumulative response time
  uint64_t request_ms = 0;   ///< cumulative total request time
  uint64_t errors = 0;       ///< 9th value, kernels since 5.3
};

/// The "xprt:" line, with UDP's missing connection fields set to 0.
struct NfsTransportStats {
  std::string protocol;  ///< "tcp" or "udp"
  uint64_t port = 0;
  uint64_t bind = 0;
  uint64_t connect = 0;
  uint64_t connect_idle_time = 0;
  uint64_t idle_time_seconds = 0;
  uint64_t sends = 0;
  uint64_t receives = 0;
  uint64_t bad_transaction_ids = 0;
  uint64_t cumulative_active_requests = 0;
  uint64_t cumulative_backlog = 0;
  uint64_t maximum_rpc_slots_used = 0;    ///< statvers 1.1 only
  uint64_t cumulative_sending_queue = 0;  ///< statvers 1.1 only
  uint64_t cumulative_pending_queue = 0;  ///< statvers 1.1 only
};

/// The statistics block of an NFS mount.
struct NfsMountStats {
  std::string stat_version;  ///< "1.1"
  double age_seconds = 0;
  NfsBytes bytes{};
  NfsEvents events{};
  std::vector<NfsOperationStats> operations;
  NfsTransportStats transport;
};

/// One "device ... mounted on ... with fstype ..." entry.
struct MountStatsEntry {
  std::string device;       ///< "server:/export"
  std::string mount_point;  ///< as printed (octal escapes kept)
  std::string fs_type;      ///< "nfs", "nfs4", "ext4"
  bool has_nfs_stats = false;
  NfsMountStats nfs;  ///< valid if has_nfs_stats
};

/// Parses mountstats. Only lines starting with "device" start an entry
/// ("no device mounted on ..." lines are skipped). An entry with a
/// "statvers=" word must be nfs or nfs4 and is followed by its statistics
/// up to a blank line; the "per-op statistics" block then runs to the next
/// blank line. Malformed entries, unknown statistics versions or transport
/// protocols and bad numbers are errors naming the line.
Result<std::vector<MountStatsEntry>> ParseMountStats(std::string_view text);

/// The parts of one /proc/<pid>/mountinfo line node_exporter uses, as views
/// into the text parsed (valid while it is): no string per field.
struct MountInfoEntry {
  std::string_view major_minor;  ///< "8:1", the device of the mount
  std::string_view mount_point;  ///< escaped as the kernel prints it
  std::string_view options;      ///< the per-mount options ("rw,relatime")
  std::string_view fs_type;
  std::string_view source;
  /// The per-superblock options ("rw,addr=10.0.0.9"): MountOptionValue().
  std::string_view super_options;
};

/// Parses mountinfo: space-separated lines of at least 10 fields, with the
/// "-" separator fourth from the end and numeric mount and parent IDs. The
/// entries view `text`.
Result<std::vector<MountInfoEntry>> ParseMountInfo(std::string_view text);

/// The value of option `key` in comma-separated `options` ("addr" in
/// "rw,addr=10.0.0.9" is "10.0.0.9"; an option without "=" has the value
/// ""), the last one if it is repeated; nullopt if absent.
std::optional<std::string_view> MountOptionValue(std::string_view options,
                                                 std::string_view key);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_MOUNTSTATS_H_
