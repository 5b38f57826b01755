// Pure helpers of the ethtool collector: decoding the ETHTOOL_GSTRINGS buffer
// and turning driver statistic names into node_exporter 1.5's metric names.
#ifndef HOST_EXPORTER_PARSE_ETHTOOL_H_
#define HOST_EXPORTER_PARSE_ETHTOOL_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// Splits the data of an ETHTOOL_GSTRINGS reply into `count` names of
/// ETH_GSTRING_LEN (32) bytes each, each ending at its first NUL. Fails if
/// `data` is shorter than count * 32 bytes.
Result<std::vector<std::string>> ParseEthtoolStrings(std::string_view data,
                                                     size_t count);

/// node_exporter's Prometheus-safe form of a name: every run of characters
/// outside [0-9A-Za-z_], with the underscores next to it, becomes one '_'
/// (Go: regexp `_*[^0-9A-Za-z_]+_*` replaced by "_").
std::string SanitizeEthtoolStatName(std::string_view name);

/// The metric name node_exporter 1.5 gives an ethtool statistic: sanitized,
/// lower-cased, leading '_' removed, the words "rx"/"tx" spelled
/// "received"/"transmitted", prefixed with "node_ethtool_"
/// ("rx_queue_0_packets" -> "node_ethtool_received_queue_0_packets").
std::string EthtoolMetricName(std::string_view stat);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_ETHTOOL_H_
