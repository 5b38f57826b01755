// Parsers for single-value sysfs attribute files, with the exact rules of
// the Go library node_exporter 1.5 reads them with (prometheus/procfs 0.8:
// util.ReadUintFromFile, util.SysReadFile, util.ValueParser), and the few
// Go conversions whose corner cases show in its output (strconv.ParseFloat,
// float64 to uint64; strings.ToValidUTF8 is in parse/utf8.h,
// path.Clean in parse/parse_util.h).
#ifndef HOST_EXPORTER_PARSE_SYSFS_ATTR_H_
#define HOST_EXPORTER_PARSE_SYSFS_ATTR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"
#include "parse/utf8.h"  // ToValidUtf8, Utf8RuneLength

namespace host_exporter::parse {

/// Go's strings.TrimSpace: strips Unicode white space (ASCII \t \n \v \f \r
/// and space, and the UTF-8 encoded White_Space runes) from both ends.
std::string_view GoTrimSpace(std::string_view s);

/// Go's strings.Fields: the runs of non-white-space (as GoTrimSpace counts
/// white space; newlines included).
std::vector<std::string_view> GoFields(std::string_view s);

/// The next of GoFields(*rest), taken off its front (with the white space
/// before it); "" when none is left. Nothing is allocated: for a parser that
/// walks a line's fields in place, every cycle.
std::string_view NextGoField(std::string_view* rest);

/// Go's strconv.ParseUint(s, base, 64) for base 0 or 2 to 36. Base 0 reads the
/// prefixes 0x, 0o, 0b and a leading 0 (octal), and allows '_' between
/// digits. No sign, no white space; nullopt on syntax or range errors.
std::optional<uint64_t> ParseGoUint(std::string_view s, int base);

/// Go's strconv.ParseInt(s, base, 64) for base 0 or 2 to 36 (an optional sign,
/// then as ParseGoUint).
std::optional<int64_t> ParseGoInt(std::string_view s, int base);

/// Go's strconv.ParseFloat(s, 64): decimal or hexadecimal (with a 'p'
/// exponent) numbers, an optional sign, "inf"/"infinity"/"nan" in any case,
/// '_' between digits. nullopt on syntax errors and on overflow (Go returns
/// an error there too).
std::optional<double> ParseGoFloat(std::string_view s);

/// Go's uint64(f) on amd64, defined for every input: values at or above
/// 2^63 subtract 2^63 and set the top bit, negative values wrap through
/// int64, NaN and out-of-range values give 2^63.
uint64_t GoFloatToUint64(double f);

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
