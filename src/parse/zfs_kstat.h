// Parsers for the ZFS on Linux kstat files under /proc/spl/kstat/zfs, with
// node_exporter 1.5's rules: named kstats ("arcstats", "zil", ...), a
// pool's "io" and "objset-*" kstats and its "state" file.
#ifndef HOST_EXPORTER_PARSE_ZFS_KSTAT_H_
#define HOST_EXPORTER_PARSE_ZFS_KSTAT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One named kstat value. Its name is a view into the text parsed (valid
/// while that text is): a cycle makes no string per row.
struct ZfsKstatValue {
  std::string_view name;  ///< "hits", "erpt-dropped"
  uint64_t value = 0;
};

/// Parses a named kstat ("<header>", "name type data", then
/// "<name> <type> <data>" rows). Only rows of type 4 (KSTAT_DATA_UINT64) are
/// read, as by node_exporter 1.5; their data must be an unsigned 64-bit
/// number. A file without the "name type data" line is an error.
Result<std::vector<ZfsKstatValue>> ParseZfsKstat(std::string_view text);
/// ParseZfsKstat into *out (cleared; the capacity it kept from the last call
/// is reused, so a steady cycle grows no vector): "" or the error (*out
/// cleared then).
std::string ParseZfsKstatInto(std::string_view text,
                              std::vector<ZfsKstatValue>* out);

/// Parses a pool's "io" kstat: a column header starting with "nread" (at
/// least 12 columns), then rows of as many unsigned numbers. Returns one
/// value per column per row, named after the column. A file without the
/// header gives no values.
Result<std::vector<ZfsKstatValue>> ParseZfsPoolIo(std::string_view text);
/// ParseZfsPoolIo into *out as ParseZfsKstatInto; *columns (kept by the
/// caller too) gets the header's columns, which the values' names view.
std::string ParseZfsPoolIoInto(std::string_view text,
                               std::vector<std::string_view>* columns,
                               std::vector<ZfsKstatValue>* out);

/// One value of a dataset's "objset-0x..." kstat; views into the text
/// parsed, as ZfsKstatValue's.
struct ZfsObjsetValue {
  /// The "dataset_name" row seen before this value ("" if none yet).
  std::string_view dataset;
  bool after_dataset_name = false;  ///< a "dataset_name" row came before
  std::string_view name;
  uint64_t value = 0;
};

/// Parses an "objset-0x..." kstat: rows of type 4 are values, the row
/// "dataset_name 7 <name>" names the dataset. A file without the
/// "name type data" line is an error.
Result<std::vector<ZfsObjsetValue>> ParseZfsObjset(std::string_view text);
/// ParseZfsObjset into *out as ParseZfsKstatInto.
std::string ParseZfsObjsetInto(std::string_view text,
                               std::vector<ZfsObjsetValue>* out);

/// The pool states node_exporter 1.5 reports, in its order.
inline constexpr std::string_view kZfsPoolStates[] = {
    "online", "degraded", "faulted", "offline", "removed", "unavail"};

/// The state in a pool's "state" file ("ONLINE\n"): its first line, lower
/// case.
std::string ParseZfsPoolState(std::string_view text);
/// Whether ParseZfsPoolState(text) == state, without making the string.
bool ZfsPoolStateIs(std::string_view text, std::string_view state);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_ZFS_KSTAT_H_
