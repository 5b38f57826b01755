// Parsers for single-value sysfs attribute files, with the exact rules of
// the Go library node_exporter 1.5 reads them with (prometheus/procfs 0.8:
// util.ReadUintFromFile, util.SysReadFile, util.ValueParser), and the few
// Go conversions whose corner cases show in its output (strconv.ParseFloat,
// strings.ToValidUTF8, float64 to uint64, path.Clean).
#ifndef HOST_EXPORTER_PARSE_SYSFS_ATTR_H_
#define HOST_EXPORTER_PARSE_SYSFS_ATTR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// Go's strings.TrimSpace: strips Unicode white space (ASCII \t \n \v \f \r
/// and space, and the UTF-8 encoded White_Space runes) from both ends.
std::string_view GoTrimSpace(std::string_view s);

/// Go's strings.Fields: the runs of non-white-space (as GoTrimSpace counts
/// white space; newlines included).
std::vector<std::string_view> GoFields(std::string_view s);

/// Go's strconv.ParseUint(s, base, 64) for base 10 or 0. Base 0 reads the
/// prefixes 0x, 0o, 0b and a leading 0 (octal), and allows '_' between
/// digits. No sign, no white space; nullopt on syntax or range errors.
std::optional<uint64_t> ParseGoUint(std::string_view s, int base);

/// Go's strconv.ParseInt(s, base, 64) for base 10 or 0 (an optional sign,
/// then as ParseGoUint).
std::optional<int64_t> ParseGoInt(std::string_view s, int base);

/// Go's strconv.ParseFloat(s, 64): decimal or hexadecimal (with a 'p'
/// exponent) numbers, an optional sign, "inf"/"infinity"/"nan" in any case,
/// '_' between digits. nullopt on syntax errors and on overflow (Go returns
/// an error there too).
std::optional<double> ParseGoFloat(std::string_view s);

/// Go's strings.ToValidUTF8(s, "\uFFFD"): every run of bytes that are not
/// valid UTF-8 becomes one U+FFFD.
std::string ToValidUtf8(std::string_view s);

/// The length of the rune at the start of a non-empty s as Go decodes it:
/// the length of a valid UTF-8 sequence, or 1 for a byte that starts none.
size_t Utf8RuneLength(std::string_view s);

/// Go's uint64(f) on amd64, defined for every input: values at or above
/// 2^63 subtract 2^63 and set the top bit, negative values wrap through
/// int64, NaN and out-of-range values give 2^63.
uint64_t GoFloatToUint64(double f);

/// Go's path.Clean: the shortest equivalent path, lexically.
std::string GoCleanPath(std::string_view path);

/// util.ReadUintFromFile: the trimmed file is a base-10 uint64.
Result<uint64_t> ParseUintFile(std::string_view text);

/// util.ReadIntFromFile: the trimmed file is a base-10 int64.
Result<int64_t> ParseIntFile(std::string_view text);

/// ValueParser.PUInt64 on an already trimmed attribute: base 0 uint64
/// ("0x1f", "017", "1_000").
Result<uint64_t> ParseUintAttr(std::string_view value);

/// ValueParser.PInt64 on an already trimmed attribute: base 0 int64.
Result<int64_t> ParseIntAttr(std::string_view value);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_SYSFS_ATTR_H_
