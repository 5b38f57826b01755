// Parsers for the files of /sys/fs/bcache/<uuid>/ as node_exporter 1.5
// reads them (prometheus/procfs 0.8, package bcache): numbers in the
// kernel's bch_hprint() format, writeback_rate_debug and priority_stats.
#ifndef HOST_EXPORTER_PARSE_BCACHE_H_
#define HOST_EXPORTER_PARSE_BCACHE_H_

#include <cstdint>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// A bch_hprint() number ("17", "2.0M", "104.5k") as procfs' dehumanize
/// reads it: with a unit suffix (k M G T P E Z Y, powers of 1024; any other
/// letter multiplies by 0) the digit after the point counts 1/10.24 units;
/// without one the text is a Go float, truncated to an integer.
Result<uint64_t> Dehumanize(std::string_view s);

/// Dehumanize() with an optional leading '-' ("-790.0k").
Result<int64_t> DehumanizeSigned(std::string_view s);

/// One single-value file as procfs' readValue takes it: its last byte (the
/// newline) is dropped, then the rest is dehumanized. An empty file is an
/// error.
Result<uint64_t> ParseBcacheValue(std::string_view content);

/// The values of <bdev>/writeback_rate_debug.
struct WritebackRateDebug {
  uint64_t rate = 0;  ///< bytes per second
  uint64_t dirty = 0;
  uint64_t target = 0;
  int64_t proportional = 0;
  int64_t integral = 0;
  int64_t change = 0;   ///< bytes per second
  int64_t next_io = 0;  ///< milliseconds
};

/// Parses writeback_rate_debug ("rate:\t\t1.1M/sec\n..."). Each known line
/// takes its last field; "/sec" and "ms" suffixes are dropped; other lines
/// are ignored.
Result<WritebackRateDebug> ParseWritebackRateDebug(std::string_view text);

/// The two percentages node_exporter reads from <cache>/priority_stats.
struct PriorityStats {
  uint64_t unused_percent = 0;
  uint64_t metadata_percent = 0;
};

/// Parses priority_stats ("Unused:\t\t99%\n...Metadata:\t0%\n...").
Result<PriorityStats> ParsePriorityStats(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_BCACHE_H_
