// Parser for XFS runtime statistics: /sys/fs/xfs/<device>/stats/stats and
// the host-wide /proc/fs/xfs/stat (same format), with node_exporter 1.5's
// rules (procfs xfs package).
#ifndef HOST_EXPORTER_PARSE_XFS_STATS_H_
#define HOST_EXPORTER_PARSE_XFS_STATS_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The counters node_exporter reads, by line. Lines that are absent read
/// as 0.
struct XfsStats {
  /// "extent_alloc": extents allocated, blocks allocated, extents freed,
  /// blocks freed.
  std::array<uint32_t, 4> extent_alloc{};
  /// "abt" (allocation B-tree): lookups, compares, records inserted,
  /// records deleted.
  std::array<uint32_t, 4> alloc_btree{};
  /// "blk_map": reads, writes, unmaps, extent list insertions, deletions,
  /// lookups, compares.
  std::array<uint32_t, 7> block_map{};
  /// "bmbt" (block map B-tree), as abt.
  std::array<uint32_t, 4> block_map_btree{};
  /// "dir": lookups, creates, removes, getdents.
  std::array<uint32_t, 4> dir{};
  /// "trans": sync, async, empty.
  std::array<uint32_t, 3> trans{};
  /// "ig" (inode get): attempts, found, recycle, missed, duplicate,
  /// reclaims, attribute changes.
  std::array<uint32_t, 7> inode_get{};
  /// "log": writes, blocks, no internal buffers, force, force sleep.
  std::array<uint32_t, 5> log{};
  /// "rw": write calls, read calls (in this order in the kernel).
  std::array<uint32_t, 2> rw{};
  /// "attr": get, set, remove, list.
  std::array<uint32_t, 4> attr{};
  /// "icluster": iflush, flush, flush inode.
  std::array<uint32_t, 3> icluster{};
  /// "vnodes": active, allocate, get, hold, release, reclaim, remove, free
  /// (older kernels print only the first seven).
  std::array<uint32_t, 8> vnodes{};
  /// "buf": get, create, get locked, get locked waited, busy locked, miss
  /// locked, page retries, page found, get read.
  std::array<uint32_t, 9> buf{};
  /// "xpc" (64-bit): flush bytes, write bytes, read bytes.
  std::array<uint64_t, 3> xpc{};
};

/// Parses the stats file. Lines with fewer than two fields are skipped.
/// Every value of every other line must be an unsigned 32-bit number (64-bit
/// on "xpc"), including lines node_exporter does not use, and the known
/// lines must have their exact number of values; otherwise an error names
/// the line.
Result<XfsStats> ParseXfsStats(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_XFS_STATS_H_
