// The InfluxDB sink: the `database` block turned into a PushSink that writes
// line protocol to InfluxDB 1.x (/write) or 2.x (/api/v2/write).
#ifndef HOST_EXPORTER_SINKS_INFLUXDB_SINK_H_
#define HOST_EXPORTER_SINKS_INFLUXDB_SINK_H_

#include <string>

#include "sinks/line_protocol.h"
#include "sinks/push_sink.h"
#include "sinks/sink_config.h"
#include "sinks/system_metrics.h"

namespace host_exporter::sinks {

/// The database a 1.x write goes to when neither the URL (db=) nor the
/// `database` key names one (the script-era config shape has neither).
inline constexpr char kDefaultInfluxDatabase[] = "host_exporter";

/// Where and how points are written.
struct InfluxTarget {
  std::string write_url;  ///< full URL with query parameters
  bool v2 = false;        ///< /api/v2/write with a token
  std::string database;   ///< 1.x database, or 2.x bucket (for messages)
};

/// Builds the write URL from database.url: a 1.x "/write?db=…" URL or a base
/// URL plus `database` (db, rp, precision added unless the URL has them), or
/// for 2.x (a /api/v2/write URL, or org/bucket/token set) the base URL plus
/// org, bucket, precision. False with *error naming the key.
bool BuildInfluxTarget(const DatabaseConfig& d, InfluxTarget* out,
                       std::string* error);

/// Percent-encodes a query parameter value (RFC 3986 unreserved kept).
std::string QueryEscape(std::string_view s);

/// The PushSink settings for `d`: `password` (1.x basic auth with
/// d.username) and `token` (2.x, "Authorization: Token …") already
/// resolved; `tags` are added to every point. With d.format
/// "system_metrics", `script` says which of the script's points are written
/// (its precision and tags are taken from `d` and `tags`).
PushSinkOptions InfluxSinkOptions(const DatabaseConfig& d,
                                  const InfluxTarget& target,
                                  const std::string& password,
                                  const std::string& token, KeyValues tags,
                                  SystemMetricsOptions script = {});

}  // namespace host_exporter::sinks

#endif  // HOST_EXPORTER_SINKS_INFLUXDB_SINK_H_
