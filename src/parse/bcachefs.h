// Parsers for the files of /sys/fs/bcachefs/<uuid>/ as node_exporter 1.11
// reads them (prometheus/procfs' bcachefs package): sizes in the kernel's
// human-readable form ("2.05G", "28.2k", "720"), compression_stats, errors,
// counters/<name>, btree_write_stats and, per device dev-<N>/, io_done and
// io_errors.
#ifndef HOST_EXPORTER_PARSE_BCACHEFS_H_
#define HOST_EXPORTER_PARSE_BCACHEFS_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// A size such as "2.05G", "512k" or "720": a Go float with an optional
/// unit k, m, g, t, p or e (either case, powers of 1024), as uint64(value *
/// unit). Surrounding white space is ignored; empty text is an error.
Result<uint64_t> ParseBcachefsBytes(std::string_view s);

/// One line of compression_stats.
struct BcachefsCompression {
  uint64_t compressed = 0;
  uint64_t uncompressed = 0;
  uint64_t average_extent = 0;
};

/// compression_stats: a header line, then "<algorithm>[:] <compressed>
/// <uncompressed> [<average extent size>]" (sizes as ParseBcachefsBytes);
/// lines with fewer than three fields are skipped.
Result<std::map<std::string, BcachefsCompression>> ParseBcachefsCompression(
    std::string_view text);

/// One line of errors: "<error type> <count> [<time>]".
struct BcachefsError {
  uint64_t count = 0;
  uint64_t timestamp = 0;
};

/// errors: lines with fewer than two fields are skipped.
Result<std::map<std::string, BcachefsError>> ParseBcachefsErrors(
    std::string_view text);

/// A counters/<name> file.
struct BcachefsCounter {
  uint64_t since_mount = 0;
  uint64_t since_creation = 0;
};

/// counters/<name>: "since mount: <n>" and "since filesystem creation: <n>"
/// (n as ParseBcachefsBytes); a file with neither line is an error.
Result<BcachefsCounter> ParseBcachefsCounter(std::string_view text);

/// One line of btree_write_stats.
struct BcachefsBtreeWrite {
  uint64_t count = 0;
  uint64_t size = 0;
};

/// btree_write_stats: a header line, then "<type>: <count> <size>"; lines
/// with fewer than three fields are skipped.
Result<std::map<std::string, BcachefsBtreeWrite>> ParseBcachefsBtreeWrites(
    std::string_view text);

/// dev-<N>/io_done: "read:" and "write:" start a section of
/// "<data type> : <bytes>" lines; lines before the first section or without
/// a colon are skipped. {operation: {data type: bytes}}.
Result<std::map<std::string, std::map<std::string, uint64_t>>>
ParseBcachefsIoDone(std::string_view text);

/// dev-<N>/io_errors: the "<type>: <count>" lines of the section "IO errors
/// since filesystem creation" (the next "IO errors since ..." ends it).
Result<std::map<std::string, uint64_t>> ParseBcachefsIoErrors(
    std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_BCACHEFS_H_
