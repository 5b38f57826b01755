// Parsers for /proc/diskstats and for udev database files
// (/run/udev/data/b<major>:<minor>), the two sources of the diskstats
// collector.
#ifndef HOST_EXPORTER_PARSE_DISKSTATS_H_
#define HOST_EXPORTER_PARSE_DISKSTATS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// Indexes into DiskStats::stats, in the kernel's column order (see the
/// kernel's Documentation/admin-guide/iostats.rst).
enum DiskStat : size_t {
  kReadsCompleted = 0,
  kReadsMerged,
  kSectorsRead,
  kReadTicksMs,
  kWritesCompleted,
  kWritesMerged,
  kSectorsWritten,
  kWriteTicksMs,
  kIosInProgress,
  kIoTicksMs,
  kWeightedIoTicksMs,
  // Kernel 4.18 and later.
  kDiscardsCompleted,
  kDiscardsMerged,
  kSectorsDiscarded,
  kDiscardTicksMs,
  // Kernel 5.5 and later.
  kFlushRequests,
  kFlushTicksMs,
  kDiskStatCount,
};

/// One device line of /proc/diskstats.
struct DiskStats {
  uint32_t major = 0;
  uint32_t minor = 0;
  std::string name;
  /// The counters after the device name, indexed by DiskStat.
  std::array<uint64_t, kDiskStatCount> stats{};
  /// How many leading entries of `stats` the kernel printed: 11 (before
  /// 4.18), 15 (4.18+, discards), 17 (5.5+, flushes); anything in between
  /// for odd kernels. Columns beyond the 17th are ignored.
  size_t count = 0;
};

/// Parses /proc/diskstats: "major minor name" followed by 11, 15 or 17
/// counters. As node_exporter 1.5 (procfs) does, a line with fewer than 14
/// fields is skipped rather than rejected (kernels before 2.6.25 printed
/// partitions with 4 counters), and columns after the 20th are ignored
/// unread. A non-numeric or out-of-range value in the first 20 columns is an
/// error naming the line. An empty file gives no devices.
Result<std::vector<DiskStats>> ParseDiskstats(std::string_view text);
/// ParseDiskstats() into *out, whose entries and their names' storage are
/// reused (a steady cycle allocates nothing): "" or the error ("line N: ...";
/// *out is then unspecified).
std::string ParseDiskstatsInto(std::string_view text,
                               std::vector<DiskStats>* out);

/// Device properties of a udev database file, by name (ID_MODEL, DM_NAME...).
using UdevProperties = std::map<std::string, std::string, std::less<>>;

/// Parses a udev database file: keeps the "E:NAME=value" lines (everything
/// after the first '=' is the value) and ignores every other line, as
/// node_exporter does. Never fails; the Result is for uniformity.
Result<UdevProperties> ParseUdevProperties(std::string_view text);

/// The files below sysfs block/<device>/queue/ that prometheus/procfs'
/// SysBlockDeviceQueueStats reads (all of them, or it fails): unsigned
/// integers, signed integers and text.
inline constexpr const char* kQueueUnsignedFiles[] = {"add_random",
                                                      "dax",
                                                      "discard_granularity",
                                                      "discard_max_hw_bytes",
                                                      "discard_max_bytes",
                                                      "hw_sector_size",
                                                      "io_poll",
                                                      "io_timeout",
                                                      "iostats",
                                                      "logical_block_size",
                                                      "max_hw_sectors_kb",
                                                      "max_integrity_segments",
                                                      "max_sectors_kb",
                                                      "max_segments",
                                                      "max_segment_size",
                                                      "minimum_io_size",
                                                      "nomerges",
                                                      "nr_requests",
                                                      "optimal_io_size",
                                                      "physical_block_size",
                                                      "read_ahead_kb",
                                                      "rotational",
                                                      "rq_affinity",
                                                      "write_same_max_bytes",
                                                      "nr_zones",
                                                      "chunk_sectors",
                                                      "fua",
                                                      "max_discard_segments",
                                                      "write_zeroes_max_bytes"};
inline constexpr const char* kQueueSignedFiles[] = {"io_poll_delay",
                                                    "wbt_lat_usec"};
inline constexpr const char* kQueueTextFiles[] = {"write_cache", "zoned",
                                                  "scheduler"};

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_DISKSTATS_H_
