// Configuration: flags and a JSON config file merged into one validated
// Config. Every flag --x.y has the config key "x.y"; the file also accepts
// the shape of the script this project grew from (collection_interval,
// metrics, database, logging). Flags override the file.
#ifndef HOST_EXPORTER_CONFIG_H_
#define HOST_EXPORTER_CONFIG_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "host_exporter/collector.h"
#include "host_exporter/log.h"
#include "host_exporter/paths.h"

namespace host_exporter {

/// One setting's values and where they came from ("flag --x" or
/// "/etc/host_exporter/config.json:12"), for error messages.
struct Setting {
  std::vector<std::string> values;
  std::string origin;
};

/// Settings by key (flag name without dashes).
using Settings = std::map<std::string, Setting>;

// --- push sinks ---
/// The `disk_queue` object of a push block: buffered points also kept in
/// segment files, replayed after a restart (src/sinks/disk_queue.h).
struct DiskQueueConfig {
  bool enabled = false;
  std::string directory;  ///< "" = /var/lib/host_exporter/queue/<sink>
  uint64_t max_bytes = uint64_t{256} << 20;
  bool operator==(const DiskQueueConfig&) const = default;
};
inline constexpr uint64_t kMinDiskQueueBytes = 65536;
// --- end push sinks ---

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
  // --- push sinks (src/sinks): added keys of the `database` block ---
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
// --- end push sinks ---

/// A global (non-collector) flag.
struct FlagSpec {
  std::string name;           ///< without dashes, e.g. "web.listen-address"
  std::string default_value;  ///< "" for none; repeatable: one default
  std::string help;
  bool repeatable = false;
  bool boolean = false;
};

/// The global flags, in --help order.
const std::vector<FlagSpec>& GlobalFlags();

/// The validated configuration.
struct Config {
  std::vector<std::string> listen_addresses;
  std::string telemetry_path;
  std::string route_prefix;  ///< "" or "/x" (no trailing slash)
  std::string web_config_file;
  int max_requests = 40;
  HostPaths paths;
  /// Enabled collectors, in registration order, with their options.
  std::vector<std::pair<const CollectorSpec*, CollectorOptions>> collectors;
  LogLevel log_level = LogLevel::kInfo;
  std::string log_format;
  std::string log_file;
  std::chrono::milliseconds interval{5000};
  std::chrono::milliseconds timeout{4000};
  std::chrono::milliseconds max_age{90000};  ///< collection.max-age
  std::string config_file;
  DatabaseConfig database;
  RemoteWriteConfig remote_write;  ///< push sinks
};

/// Parses a JSON config file into settings (and the database block).
/// Errors name the file, line and key path, e.g.
/// `/etc/x.json:7: key "metrics.cpu": expected true or false, got "yes"`.
bool ParseConfigFile(const std::string& path, std::string_view text,
                     Settings* settings, DatabaseConfig* database,
                     std::string* error);

/// Defaults, then `file`, then `flags` (flags win), validated into *out.
/// Errors name the origin of the bad setting.
bool ResolveConfig(const Settings& file, const Settings& flags,
                   const DatabaseConfig& database, Config* out,
                   std::string* error);

// --- push sinks: the same two steps with the `remote_write` block ---
/// ParseConfigFile() that also returns the `remote_write` block (the
/// overload above ignores it).
bool ParseConfigFile(const std::string& path, std::string_view text,
                     Settings* settings, DatabaseConfig* database,
                     RemoteWriteConfig* remote_write, std::string* error);

/// ResolveConfig() that also sets out->remote_write.
bool ResolveConfig(const Settings& file, const Settings& flags,
                   const DatabaseConfig& database,
                   const RemoteWriteConfig& remote_write, Config* out,
                   std::string* error);
// --- end push sinks ---

/// Bounds of a config file (JSON here, the YAML web config in src/http):
/// a bigger or deeper file is refused before it costs memory or time.
inline constexpr uint64_t kMaxConfigFileBytes = 1 << 20;
inline constexpr int kMaxConfigDepth = 32;

/// The shortest collection.interval accepted.
inline constexpr std::chrono::milliseconds kMinCollectionInterval{100};

/// Reads a config file of at most `max_bytes` without ever blocking: a FIFO,
/// a device or a directory is refused. *error ("cannot read <what> <path>:
/// why") names the file.
bool ReadConfigFile(const std::string& path, uint64_t max_bytes,
                    std::string* text, std::string* error,
                    const char* what = "config file");

/// Reads and parses the config file named in `flags` (if any) and resolves.
bool LoadConfig(const Settings& flags, Config* out, std::string* error);

/// Line numbers of the keys of a (valid) JSON document, by JSON pointer
/// ("/database/url"). Exposed for tests.
std::map<std::string, int> JsonKeyLines(std::string_view json);

/// The collectors the script-era toggles stand for: "cpu" → cpu, loadavg;
/// "memory" → meminfo; "disk" → diskstats, filesystem; "network" → netdev.
const std::map<std::string, std::vector<std::string>>& LegacyMetricToggles();

}  // namespace host_exporter

#endif  // HOST_EXPORTER_CONFIG_H_
