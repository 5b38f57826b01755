// Go-style durations ("5s", "1m30s", "500ms", "1.5h") as used by
// node_exporter's flags (kingpin's Duration() is Go's time.ParseDuration).
#ifndef HOST_EXPORTER_PARSE_DURATION_H_
#define HOST_EXPORTER_PARSE_DURATION_H_

#include <chrono>
#include <string>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// Parses a duration the way Go's time.ParseDuration does: a sequence of
/// decimal numbers, each with an optional fraction and a unit ("ns", "us",
/// "µs", "μs", "ms", "s", "m", "h"), e.g. "1h2m3.5s"; a lone "0" is zero and
/// a leading '+' is allowed. Unlike Go, negative durations are rejected
/// (no flag of ours accepts one). Errors: empty input, a number without a
/// unit ("5"), an unknown unit ("5x"), anything beyond the int64 nanosecond
/// range (about 292 years).
Result<std::chrono::nanoseconds> ParseDuration(std::string_view s);

/// Formats a duration as Go's time.Duration.String() does: "0s", "1.5µs",
/// "500ms", "5s", "1m30s", "2h0m0s", "-1.5s".
std::string FormatDuration(std::chrono::nanoseconds d);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_DURATION_H_
