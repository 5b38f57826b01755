// The running exporter: one object owning the logger, the snapshot store,
// the HTTP server, the scheduler and the push sinks, started, reloaded
// (SIGHUP) and stopped by main.cc. Every configuration it applies goes
// through Prepare(), as --check-config and --once do.
#ifndef HOST_EXPORTER_APP_APPLICATION_H_
#define HOST_EXPORTER_APP_APPLICATION_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host_exporter/config.h"
#include "host_exporter/cycle_planner.h"
#include "host_exporter/log.h"
#include "host_exporter/scheduler.h"
#include "host_exporter/snapshot.h"
#include "sinks/sink_config.h"

namespace host_exporter {
class HttpServer;
namespace sinks {
class Sinks;
}

namespace app {

/// "host_exporter, version X (revision: R, compiler: C)".
std::string VersionString();

/// A configuration checked and made ready to apply: everything start-up
/// needs that can fail is done here, short of binding the ports. Start-up,
/// --check-config, --once and a SIGHUP reload all go through Prepare(), so
/// what --check-config accepts starts, and a reload applies all of a config
/// or none of it.
struct Prepared {
  Config config;
  sinks::SinkConfig sinks;  ///< the `database` and `remote_write` blocks
  std::vector<NamedCollector> collectors;
  int log_fd = 2;  // the opened log file (unless checking only), or stderr

  Prepared() = default;
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;
  ~Prepared();
  /// The log file descriptor, now owned by the caller.
  int TakeLogFd();
};

/// Reads the config file, resolves it with the flags, builds the
/// collectors, checks the listen addresses, loads the web config (TLS
/// files, users), reads the push sinks' secrets, and opens the log file
/// (`check_only`: checks that it could be opened, creating nothing). False
/// with *error naming the file, key or address.
bool Prepare(const Settings& given, bool check_only, Prepared* out,
             std::string* error);

class Application {
 public:
  /// `given`: the flags (and --config.file) from the command line; a reload
  /// reads the config file again and resolves it with the same flags.
  explicit Application(Settings given);
  /// Stops what is still running, without logging.
  ~Application();
  Application(const Application&) = delete;
  Application& operator=(const Application&) = delete;

  /// --check-config: Prepare() checking only; *summary is the line to print.
  static bool CheckConfig(const Settings& given, std::string* summary,
                          std::string* error);
  /// --once: one collection cycle; *text is its exposition.
  static bool CollectOnce(const Settings& given, std::string* text,
                          std::string* error);

  /// Prepares the configuration, then starts the HTTP server, the scheduler
  /// and the push sinks. False with *error (already logged once the logger
  /// is set up) if any step fails; what was started is stopped again.
  bool Start(std::string* error);
  /// SIGHUP: prepares the new configuration and applies it (web config,
  /// log, a new scheduler, the sinks if their settings changed), or on any
  /// failure logs one error and keeps the running configuration, all of it.
  /// `stop_pending` is asked once the new configuration is prepared: if it
  /// says true, the reload is abandoned. True if the new one was applied.
  bool Reload(const std::function<bool()>& stop_pending = {});
  /// Logs the shutdown (`signal`: what asked for it), then stops the HTTP
  /// server, the scheduler and the push sinks, in that order, bounded.
  void Stop(const std::string& signal);

  /// The configuration running.
  const Config& config() const { return config_; }
  const sinks::SinkConfig& sink_config() const { return sink_config_; }
  /// "host:port" of every bound socket (after Start()).
  std::vector<std::string> BoundAddresses() const;

 private:
  void StopAll();
  void StartScheduler(std::vector<NamedCollector> collectors);
  Families SelfMetricsWithSinks() const;

  const Settings given_;
  Config config_;
  sinks::SinkConfig sink_config_;
  Logger log_;
  SnapshotStore store_;
  // The scrapers' cadence, learned from /metrics arrivals: kept across
  // reloads (a reload makes a new scheduler).
  std::shared_ptr<CyclePlanner> planner_ = std::make_shared<CyclePlanner>();
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<sinks::Sinks> push_;
  std::unique_ptr<Scheduler> scheduler_;
};

}  // namespace app
}  // namespace host_exporter

#endif  // HOST_EXPORTER_APP_APPLICATION_H_
