// InfluxDB line protocol: escaping and the mapping of a snapshot to points.
// Pure functions, no I/O.
//
//   <measurement>[,<tag>=<value>...] <field>=<value>[,...] <timestamp>
//
// Mapping (see docs/push.md): one measurement per series name (the family
// name; histograms and summaries add _bucket/_sum/_count as in the text
// exposition), labels as tags, the sample as the float field `value`, the
// timestamp of the collection cycle. With the script-era compatibility
// mapping, families of the cpu, memory, disk and network groups go to the
// measurements `cpu`, `memory`, `disk` and `network` with the series name as
// the field key.
#ifndef HOST_EXPORTER_SINKS_LINE_PROTOCOL_H_
#define HOST_EXPORTER_SINKS_LINE_PROTOCOL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host_exporter/collector.h"

namespace host_exporter::sinks {

/// Timestamp precision of the written points (the `precision` query
/// parameter of /write and /api/v2/write).
enum class Precision { kNanoseconds, kMicroseconds, kMilliseconds, kSeconds };

/// Parses "ns", "us", "ms" or "s".
bool ParsePrecision(std::string_view s, Precision* out);

/// The query-parameter spelling of `p` ("ns", "us", "ms", "s").
std::string_view PrecisionName(Precision p);

/// Escapes a measurement name: comma and space get a backslash.
std::string EscapeMeasurement(std::string_view s);

/// Escapes a tag key, tag value or field key: comma, equals sign and space
/// get a backslash. Line protocol has no newline: "\n", "\r" and "\t" are
/// written as the two characters backslash-n, backslash-r, backslash-t.
/// Other backslashes are written as they are (InfluxDB unescapes only the
/// special characters), except trailing ones: they would escape the separator
/// that follows and there is no escaped form, so they are dropped (as
/// Telegraf does). The same holds for EscapeMeasurement().
std::string EscapeKey(std::string_view s);

/// Escapes a string field value (without the surrounding double quotes):
/// double quote and backslash get a backslash.
std::string EscapeStringField(std::string_view s);

/// Formats a float field value: the shortest text that reads back as the
/// same double ("1", "0.25", "1.5e+20"). Returns "" for NaN and ±Inf, which
/// line protocol cannot carry.
std::string FormatFloatField(double v);

/// Converts Unix seconds to an integer timestamp at precision `p`.
int64_t ToPrecision(double unix_seconds, Precision p);

/// Tag or field key/value pairs.
using KeyValues = std::vector<std::pair<std::string, std::string>>;

/// One point as a line (with the trailing newline). `tags` are written in the
/// order given (callers sort them by key, as InfluxDB recommends), except
/// those whose escaped key or value is empty (InfluxDB rejects them); `fields`
/// values are written verbatim (already formatted, e.g. FormatFloatField).
std::string FormatLine(std::string_view measurement, const KeyValues& tags,
                       const KeyValues& fields, int64_t timestamp);

/// The script-era measurement of a series name: "cpu" (node_cpu_*,
/// node_load1/5/15), "memory" (node_memory_*), "disk" (node_disk_*,
/// node_filesystem_*), "network" (node_network_*), or "" for the rest.
std::string_view LegacyMeasurement(std::string_view series_name);

/// How a snapshot becomes points.
struct PointOptions {
  Precision precision = Precision::kMilliseconds;
  /// Script-era measurements cpu/memory/disk/network (field key = series
  /// name) instead of one measurement per series name (field `value`).
  bool legacy_measurements = false;
  /// Tags added to every point (e.g. host); a series label of the same name
  /// wins.
  KeyValues extra_tags;
};

/// Encodes every series of `families` as one line, timestamped `unix_seconds`
/// (or the series' own timestamp). Series whose value is NaN or ±Inf are
/// skipped (line protocol has no such floats); returns how many were.
size_t EncodePoints(const Families& families, double unix_seconds,
                    const PointOptions& options,
                    std::vector<std::string>* lines);

}  // namespace host_exporter::sinks

#endif  // HOST_EXPORTER_SINKS_LINE_PROTOCOL_H_
