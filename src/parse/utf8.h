// UTF-8 validation, once for the whole exporter: the collectors (Go's
// strings.ToValidUTF8 on sysfs text), the textfile parser (rejects invalid
// text) and the snapshot (replaces what slipped through) share these rules,
// Go's utf8.DecodeRune ones: no overlong forms, no surrogates, nothing
// above U+10FFFF.
#ifndef HOST_EXPORTER_PARSE_UTF8_H_
#define HOST_EXPORTER_PARSE_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace host_exporter::parse {

/// The byte length of the valid UTF-8 sequence at the start of `s`, or 0 if
/// there is none (an invalid byte, or `s` is empty).
size_t ValidRuneLength(std::string_view s);

/// True if all of `s` is valid UTF-8.
bool IsValidUtf8(std::string_view s);

/// Go's strings.ToValidUTF8(s, "\uFFFD"): every run of bytes that are not
/// valid UTF-8 becomes one U+FFFD.
std::string ToValidUtf8(std::string_view s);

/// The length of the rune at the start of a non-empty s as Go decodes it:
/// the length of a valid UTF-8 sequence, or 1 for a byte that starts none.
size_t Utf8RuneLength(std::string_view s);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_UTF8_H_
