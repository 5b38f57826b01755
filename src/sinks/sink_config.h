// The push sinks' part of the config file: the `database` (InfluxDB) and
// `remote_write` (Prometheus remote write) blocks, parsed here and handed
// over by core's config parser as ConfigBlockParsers.
#ifndef HOST_EXPORTER_SINKS_SINK_CONFIG_H_
#define HOST_EXPORTER_SINKS_SINK_CONFIG_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "host_exporter/config.h"

namespace host_exporter::sinks {

/// The `disk_queue` object of a push block: buffered points also kept in
/// segment files, replayed after a restart (src/sinks/disk_queue.h).
struct DiskQueueConfig {
  bool enabled = false;
  std::string directory;  ///< "" = /var/lib/host_exporter/queue/<sink>
  uint64_t max_bytes = uint64_t{256} << 20;
  bool operator==(const DiskQueueConfig&) const = default;
};
inline constexpr uint64_t kMinDiskQueueBytes = 65536;

/// The push target of the `database` block (used by the InfluxDB sink).
struct DatabaseConfig {
  bool enabled = false;
  std::string type;  ///< "influxdb"
  std::string url;
  std::string username;
  std::string password;
  std::string password_file;
  std::string database;
  std::string retention_policy;
  std::string precision = "ms";
  std::string org;
  std::string bucket;
  std::string token;
  std::string token_file;
  int batch_size = 5000;
  std::chrono::milliseconds flush_interval{10000};
  std::chrono::milliseconds timeout{5000};
  size_t max_buffer_points = 100000;
  bool gzip = false;
  /// Script-era measurement names (cpu, memory, disk, network).
  bool legacy_measurements = false;
  /// "node": one measurement per metric family (field `value`);
  /// "system_metrics": the script's points (measurement system_metrics, tag
  /// metric=cpu|memory|disk|network).
  std::string format = "node";
  /// How the password keys were spelled in the file (`database.password` or
  /// the script's `database.auth.password`), for messages.
  std::string password_key = "database.password";
  std::string password_file_key = "database.password_file";
  /// Tags added to every point, over the default {"host": <hostname>}; an
  /// empty value removes a default tag.
  std::map<std::string, std::string> tags;
  std::chrono::milliseconds min_backoff{500};    ///< first retry delay
  std::chrono::milliseconds max_backoff{30000};  ///< retry delay cap
  DiskQueueConfig disk_queue;
  bool operator==(const DatabaseConfig&) const = default;
};

/// The `remote_write` block: push to a Prometheus remote-write 1.0 receiver
/// (src/sinks). Key names follow Prometheus' remote_write configuration.
struct RemoteWriteConfig {
  bool enabled = false;
  std::string url;
  std::string username;       ///< basic_auth.username
  std::string password;       ///< basic_auth.password
  std::string password_file;  ///< basic_auth.password_file
  std::string bearer_token;
  std::string bearer_token_file;
  size_t capacity = 100000;            ///< queue.capacity (samples buffered)
  size_t max_samples_per_send = 2000;  ///< queue.max_samples_per_send
  std::chrono::milliseconds batch_send_deadline{5000};  ///< queue.*
  std::chrono::milliseconds min_backoff{30};            ///< queue.*
  std::chrono::milliseconds max_backoff{5000};          ///< queue.*
  std::chrono::milliseconds remote_timeout{30000};
  /// Labels added to every series that lacks them, over the defaults
  /// {"instance": <hostname>, "job": "node"}; "" removes a default.
  std::map<std::string, std::string> external_labels;
  DiskQueueConfig disk_queue;
  bool operator==(const RemoteWriteConfig&) const = default;
};

/// The push sinks' settings of one configuration.
struct SinkConfig {
  DatabaseConfig database;
  RemoteWriteConfig remote_write;
  /// True if a push sink is configured.
  bool any() const { return database.enabled || remote_write.enabled; }
};

/// Parsers of the `database` and `remote_write` blocks for
/// ParseConfigFile() and LoadConfig(): each sets its part of *out, which
/// must outlive them.
ConfigBlockParsers SinkConfigParsers(SinkConfig* out);

}  // namespace host_exporter::sinks

#endif  // HOST_EXPORTER_SINKS_SINK_CONFIG_H_
