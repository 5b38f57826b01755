// Names of RAPL zones in /sys/class/powercap as node_exporter 1.5's rapl
// collector reads them (prometheus/procfs 0.8 GetRaplZones).
#ifndef HOST_EXPORTER_PARSE_POWERCAP_H_
#define HOST_EXPORTER_PARSE_POWERCAP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace host_exporter::parse {

/// A zone's name file split as procfs' getIndexAndName.
struct RaplZoneName {
  std::string name;              ///< "package" for "package-0"
  std::optional<int64_t> index;  ///< 0 for "package-0"; none for "core"
};

/// Splits a trimmed zone name: exactly one '-' followed by a Go int gives
/// (prefix, index); anything else is the whole name without an index.
RaplZoneName SplitRaplZoneName(std::string_view name);

/// node_exporter's SanitizeMetricName: each match of
/// _*[^0-9A-Za-z_]+_* becomes a single '_'.
std::string SanitizeMetricName(std::string_view name);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_POWERCAP_H_
