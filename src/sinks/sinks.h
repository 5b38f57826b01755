// The push sinks of a SinkConfig (InfluxDB from the `database` block,
// Prometheus remote write from the `remote_write` block) and their
// self-metrics. This is all the application (src/app) sees of src/sinks, with
// sink_config.h.
#ifndef HOST_EXPORTER_SINKS_SINKS_H_
#define HOST_EXPORTER_SINKS_SINKS_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "host_exporter/collector.h"
#include "host_exporter/log.h"
#include "host_exporter/snapshot.h"
#include "sinks/push_sink.h"
#include "sinks/sink_config.h"

namespace host_exporter::sinks {

/// Environment variables read when a secret is neither inline nor in a file.
inline constexpr char kDatabasePasswordEnv[] =
    "HOST_EXPORTER_DATABASE_PASSWORD";
inline constexpr char kDatabaseTokenEnv[] = "HOST_EXPORTER_DATABASE_TOKEN";
inline constexpr char kRemoteWritePasswordEnv[] =
    "HOST_EXPORTER_REMOTE_WRITE_PASSWORD";
inline constexpr char kRemoteWriteTokenEnv[] =
    "HOST_EXPORTER_REMOTE_WRITE_BEARER_TOKEN";

/// The running push sinks. Thread-safe: Metrics() is called by the scheduler
/// while the main thread may Reload().
class Sinks {
 public:
  /// `store` and `log` must outlive this object.
  Sinks(SnapshotStore* store, Logger* log);
  ~Sinks();
  Sinks(const Sinks&) = delete;
  Sinks& operator=(const Sinks&) = delete;

  /// Builds the sinks `sinks` enables (none is fine), without starting
  /// them: their metrics exist from the first cycle on. Reads the secrets and
  /// logs a warning for each one readable by other users. False with *error
  /// naming the key or file if a secret cannot be read.
  bool Init(const Config& config, const SinkConfig& sinks, std::string* error);
  /// Starts the sinks built by Init() (after the scheduler started).
  void Start();
  /// After SIGHUP, once the new scheduler runs: a sink whose settings
  /// (including secrets read from files) changed is stopped and started
  /// anew; the others carry on. On error the running sinks are kept.
  void Reload(const Config& config, const SinkConfig& sinks);
  /// Stops every sink, pushing what is buffered within a bounded time.
  void Stop();
  /// host_exporter_sink_* families, one series per sink; empty if none.
  Families Metrics() const;

 private:
  struct Entry {
    DatabaseConfig database;
    RemoteWriteConfig remote_write;
    std::string secret1, secret2;  // resolved password, token
    std::unique_ptr<PushSink> sink;
    std::chrono::milliseconds drain{0};
    bool running = false;
  };
  bool Build(const Config& config, const SinkConfig& sinks,
             std::vector<Entry>* out, std::string* error);
  // Stops the sinks of `entries` in parallel (mu_ not held).
  static void StopAll(std::vector<Entry>* entries);
  // Logs where the sink pushes to and starts it, once. mu_ held.
  void StartEntry(Entry* e);

  SnapshotStore* store_;
  Logger* log_;
  mutable std::mutex mu_;
  std::vector<Entry> entries_;
};

}  // namespace host_exporter::sinks

#endif  // HOST_EXPORTER_SINKS_SINKS_H_
