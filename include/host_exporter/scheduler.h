// Runs the enabled collectors once per interval on a small thread pool,
// each with a deadline, and publishes one snapshot per cycle.
#ifndef HOST_EXPORTER_SCHEDULER_H_
#define HOST_EXPORTER_SCHEDULER_H_

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "host_exporter/collector.h"
#include "host_exporter/cycle_planner.h"
#include "host_exporter/log.h"
#include "host_exporter/snapshot.h"

namespace host_exporter {

/// A collector instance with its name.
struct NamedCollector {
  std::string name;
  std::unique_ptr<Collector> collector;
};

/// Scheduler settings.
struct SchedulerOptions {
  std::chrono::milliseconds interval{5000};
  std::chrono::milliseconds timeout{4000};  ///< per collector, per cycle
  SnapshotOptions snapshot;
  /// A collector's failure is logged at most once per period (with the
  /// failures left out since), so one that flaps cannot flood the log.
  std::chrono::milliseconds failure_log_period{60000};
  /// The clock of that limit; steady_clock::now if empty (tests inject one).
  std::function<std::chrono::steady_clock::time_point()> now;
  /// Plans the cycles from the scrapers' cadence; it outlives schedulers
  /// (SIGHUP) and learns from the HTTP server's /metrics arrivals. Null:
  /// a cycle every `interval` (fixed rate).
  std::shared_ptr<CyclePlanner> planner;
  /// With a planner: values never older than this (collection.max-age).
  std::chrono::milliseconds max_age{90000};
  /// With a planner: cycles at least every `interval` too (push sinks).
  bool keep_interval = false;
  /// The systemd watchdog ping: with `heartbeat_period` set, called by the
  /// loop once every period (checked after each cycle and each wake, not
  /// more often; with a planner cycles may be up to `max_age` apart, so the
  /// loop wakes for it). Without a period, called each time the loop wakes
  /// between cycles (a /metrics arrival, a planned start).
  std::function<void()> heartbeat;
  /// Threads of the pool kept idle (--runtime.gomaxprocs); 0 is the
  /// default, one (node_exporter's GOMAXPROCS). Never more than there are
  /// collectors.
  size_t pool_size = 0;
  /// Zero (no watchdog): the loop sleeps until the planned cycle, an
  /// arrival or Stop(), and an idle exporter does not wake in between.
  /// Else `heartbeat` is called every period (half of WatchdogSec).
  std::chrono::milliseconds heartbeat_period{0};
};

/// Runs the collectors on a pool of threads (one by default) that
/// grows by one thread whenever every thread has been blocked in a collector
/// for 20 ms while others wait, and shrinks back when they return. A
/// collector still running from an earlier cycle is not started again (no
/// pile-up): it is reported as failed for each cycle it misses. A thread
/// stuck past the scheduler's lifetime is detached and cleans up after
/// itself when (if ever) its collector returns.
class Scheduler {
 public:
  /// `extra` is called once per cycle for self-metrics (build info, …).
  Scheduler(std::vector<NamedCollector> collectors, HostPaths paths,
            SchedulerOptions options, Logger* log, SnapshotStore* store,
            std::function<Families()> extra = {});
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Runs one cycle now, publishes and returns its snapshot.
  std::shared_ptr<const Snapshot> RunOnce();
  /// Starts the loop on a thread: a cycle at once, then each at the
  /// planner's planned start (without a planner, every interval, fixed
  /// rate); a cycle never starts before the previous ended.
  void Start();
  /// Stops the loop; returns without waiting for stuck collectors.
  void Stop();
  /// Called after every published cycle (e.g. the systemd watchdog ping).
  void OnCycle(std::function<void(const Snapshot&)> f) {
    on_cycle_ = std::move(f);
  }

 private:
  struct Worker;
  struct Shared;

  std::vector<std::shared_ptr<Worker>> workers_;
  std::shared_ptr<Shared> shared_;
  HostPaths paths_;
  SchedulerOptions options_;
  Logger* log_;
  SnapshotStore* store_;
  std::function<Families()> extra_;
  std::function<void(const Snapshot&)> on_cycle_;
  uint64_t cycle_ = 0;
  // The forms (FormBit()s) each of the last snapshots served, by cycle
  // number: the next snapshot encodes their union in the cycle. Four
  // cycles cover a 15 s scraper of a 5 s interval (a push sink's).
  std::array<uint64_t, 4> served_{};
  SeriesOrders orders_;            // BuildSnapshot's, from cycle to cycle
  std::set<std::string> failing_;  // collectors failing now
  struct FailureLog {
    bool logged = false;  // a failure was logged (at `last`)
    std::chrono::steady_clock::time_point last;
    bool current_logged = false;   // the current failure was
    unsigned long not_logged = 0;  // failures left out since `last`
  };
  std::map<std::string, FailureLog> failure_log_;
  std::set<std::string> warned_;  // warnings already logged

  std::thread loop_;
  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stop_ = false;
  uint64_t wakes_ = 0;      // /metrics arrivals: re-plan
  bool waker_set_ = false;  // this scheduler set the planner's waker
};

}  // namespace host_exporter

#endif  // HOST_EXPORTER_SCHEDULER_H_
