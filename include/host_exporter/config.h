// Configuration: flags and a JSON config file merged into one validated
// Config. Every flag --x.y has the config key "x.y"; the file also accepts
// the shape of the script this project grew from (collection_interval,
// metrics, logging; its `database` block is parsed by the push sinks through
// a ConfigBlockParser). Flags override the file.
#ifndef HOST_EXPORTER_CONFIG_H_
#define HOST_EXPORTER_CONFIG_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json_fwd.hpp>
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

/// A global (non-collector) flag.
struct FlagSpec {
  std::string name;           ///< without dashes, e.g. "web.listen-address"
  std::string default_value;  ///< "" for none; repeatable: one default
  std::string help;
  bool repeatable = false;
  bool boolean = false;
  /// Non-empty for a node_exporter flag that cannot mean anything here:
  /// why. It is accepted, and logged once at start-up when given.
  std::string_view no_effect = {};
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
  bool openmetrics_created = false;  ///< web.openmetrics.created-samples
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
  /// --web.disable-exporter-metrics: no process_* families.
  bool disable_exporter_metrics = false;
  /// --web.systemd-socket: listen on the sockets systemd passes
  /// (LISTEN_FDS) instead of listen_addresses.
  bool systemd_socket = false;
  /// --compat.node-exporter: "1.9" (default) or "1.5", passed to every
  /// collector as kNodeExporterCompatKey.
  std::string node_exporter_compat = "1.9";
  /// --runtime.gomaxprocs: threads of the collector pool; 0 is the default (1).
  int pool_size = 0;
  /// Flags given that are accepted without effect here, one message each,
  /// logged once at start-up.
  std::vector<std::string> notices;
};

/// Where a key of a config file sits: "file:line" (or just the file if the
/// line is unknown), for messages.
struct ConfigLocator {
  const std::string& path;
  const std::map<std::string, int>& lines;  ///< JSON pointer → line
  std::string At(const std::string& pointer) const;
};

/// Parses one top-level block of the config file that another layer owns
/// (the push sinks' `database` and `remote_write`: src/sinks/sink_config.h),
/// keeping what it parsed. False with *error naming the file, line and key.
using ConfigBlockParser = std::function<bool(
    const nlohmann::json& block, const ConfigLocator& loc, std::string* error)>;
/// Block parsers by top-level key; a key without a parser is unknown.
using ConfigBlockParsers = std::map<std::string, ConfigBlockParser>;

/// Parses a JSON config file into settings; the blocks named in `blocks`
/// go to their parsers. Errors name the file, line and key path, e.g.
/// `/etc/x.json:7: key "metrics.cpu": expected true or false, got "yes"`.
bool ParseConfigFile(const std::string& path, std::string_view text,
                     Settings* settings, const ConfigBlockParsers& blocks,
                     std::string* error);

/// Defaults, then `file`, then `flags` (flags win), validated into *out.
/// Errors name the origin of the bad setting.
bool ResolveConfig(const Settings& file, const Settings& flags, Config* out,
                   std::string* error);

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

/// Reads and parses the config file named in `flags` (if any), handing the
/// blocks named in `blocks` to their parsers, and resolves.
bool LoadConfig(const Settings& flags, const ConfigBlockParsers& blocks,
                Config* out, std::string* error);

/// Line numbers of the keys of a (valid) JSON document, by JSON pointer
/// ("/database/url"). Exposed for tests.
std::map<std::string, int> JsonKeyLines(std::string_view json);

/// The collectors the script-era toggles stand for: "cpu" → cpu, loadavg;
/// "memory" → meminfo; "disk" → diskstats, filesystem; "network" → netdev.
const std::map<std::string, std::vector<std::string>>& LegacyMetricToggles();

}  // namespace host_exporter

#endif  // HOST_EXPORTER_CONFIG_H_
