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
#include <vector>

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

// --- The same files as rows viewed in their text --------------------------
//
// For a reader that parses the files every cycle: each parser below clears
// *rows and appends the rows of `text` in file order, their keys viewed in
// `text` (valid while it is), and returns "" or the error the map parser
// above returns for the same text. Once *rows has grown, nothing is
// allocated. Each row carries its line, so that sorting by (key, line) puts
// a repeated key's last row (the map's entry) at the end of its run.

/// A row of compression_stats, errors, btree_write_stats or io_errors.
template <typename V>
struct BcachefsRow {
  std::string_view key;
  V value;
  size_t line;
};

/// ParseBcachefsCompression()'s rows.
std::string ParseBcachefsCompressionRows(
    std::string_view text, std::vector<BcachefsRow<BcachefsCompression>>* rows);

/// ParseBcachefsErrors()'s rows.
std::string ParseBcachefsErrorRows(
    std::string_view text, std::vector<BcachefsRow<BcachefsError>>* rows);

/// ParseBcachefsBtreeWrites()'s rows.
std::string ParseBcachefsBtreeWriteRows(
    std::string_view text, std::vector<BcachefsRow<BcachefsBtreeWrite>>* rows);

/// A row of io_done: the bytes of a data type in an operation's section.
struct BcachefsIoDoneRow {
  std::string_view operation;  ///< "read" or "write"
  std::string_view data_type;
  uint64_t bytes = 0;
  size_t line = 0;
};

/// ParseBcachefsIoDone()'s rows (an operation without rows has none here).
std::string ParseBcachefsIoDoneRows(std::string_view text,
                                    std::vector<BcachefsIoDoneRow>* rows);

/// ParseBcachefsIoErrors()'s rows.
std::string ParseBcachefsIoErrorRows(std::string_view text,
                                     std::vector<BcachefsRow<uint64_t>>* rows);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_BCACHEFS_H_
