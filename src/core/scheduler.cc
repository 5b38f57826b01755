#include "host_exporter/scheduler.h"

#include <pthread.h>

#include <algorithm>
#include <deque>
#include <exception>

#include "host_exporter/family.h"

namespace host_exporter {

using Clock = std::chrono::steady_clock;

// Collectors run on a small pool of threads (as many as there are CPUs, at
// least two), not one thread each: a cycle of ~50 collectors that each read
// a few files then costs a handful of thread wake-ups instead of a hundred.
// A collector that blocks (a hung NFS mount, a FIFO) must still not delay
// the others: while a cycle waits, if collectors are queued and every pool
// thread has been busy for kGrowAfter, one more thread is started. When
// the blocked collector returns, its thread leaves if the pool has more
// idle threads than its size.
constexpr auto kGrowAfter = std::chrono::milliseconds(20);

// State shared between the scheduler and the pool threads; outlives the
// scheduler while a detached thread is still inside a collector.
struct Scheduler::Shared {
  std::mutex mu;
  std::condition_variable work_cv;  // work queued, or exit
  std::condition_variable done_cv;  // the cycle's last collector finished
  std::condition_variable exit_cv;  // a thread left
  std::deque<std::shared_ptr<Worker>> queue;
  uint64_t cycle = 0;            // the cycle the scheduler waits for
  size_t pending = 0;            // collectors of `cycle` not finished yet
  size_t threads = 0;            // pool threads alive
  size_t running = 0;            // pool threads inside a collector
  size_t pool_size = 2;          // idle threads kept
  Clock::time_point last_start;  // when a thread last took work
  bool stopping = false;         // Stop() was called: end waits now
  bool exit = false;             // the scheduler is gone: idle threads leave

  static void Thread(std::shared_ptr<Shared> sh);
  void StartThread(const std::shared_ptr<Shared>& self) {
    ++threads;
    std::thread(&Shared::Thread, self).detach();
  }
};

// One collector and its state, guarded by Shared::mu.
struct Scheduler::Worker {
  std::string name;
  std::unique_ptr<Collector> collector;
  HostPaths paths;
  uint64_t requested = 0;  // cycle asked for
  uint64_t done = 0;       // cycle last finished
  bool busy = false;       // queued or running
  bool running = false;    // running (taken from the queue)
  CollectorResult result;
  std::vector<std::string> warnings;  // from Collector::TakeWarnings()
  // The collector's families, handed back by the snapshots (FamilyPool).
  std::shared_ptr<FamilyPool> pool = std::make_shared<FamilyPool>();

  // Runs the collector without the lock held.
  void Collect(CollectorResult* r, std::vector<std::string>* w) {
    r->status.name = name;
    auto start = Clock::now();
    try {
      FamilyPool::Scope scope(pool.get());
      DirStampScope stamps(paths);
      r->families = collector->Collect(paths);
      r->pool = pool;
      r->status.success = true;
    } catch (const std::exception& e) {
      r->status.error = e.what();
    } catch (...) {
      r->status.error = "unknown exception";
    }
    r->status.duration_seconds =
        std::chrono::duration<double>(Clock::now() - start).count();
    try {
      *w = collector->TakeWarnings();
    } catch (...) {
    }
  }
};

void Scheduler::Shared::Thread(std::shared_ptr<Shared> sh) {
  pthread_setname_np(pthread_self(), "collector");  // top -H, ps -T
  EnableMatchCacheForThisThread();
  std::unique_lock<std::mutex> lock(sh->mu);
  while (true) {
    sh->work_cv.wait(lock, [&] { return sh->exit || !sh->queue.empty(); });
    if (sh->exit) break;
    std::shared_ptr<Worker> w = std::move(sh->queue.front());
    sh->queue.pop_front();
    const uint64_t cycle = w->requested;
    w->running = true;
    ++sh->running;
    sh->last_start = Clock::now();
    lock.unlock();

    CollectorResult r;
    std::vector<std::string> warnings;
    w->Collect(&r, &warnings);

    lock.lock();
    --sh->running;
    w->result = std::move(r);
    w->warnings = std::move(warnings);
    w->done = cycle;
    w->busy = false;
    w->running = false;
    if (cycle == sh->cycle && sh->pending > 0 && --sh->pending == 0) {
      // Woken with the mutex released: the scheduler's thread does not
      // wake only to block on it.
      lock.unlock();
      sh->done_cv.notify_all();
      lock.lock();
    }
    // A thread started while this one was blocked: one of them leaves.
    if (sh->threads - sh->running > sh->pool_size) break;
  }
  --sh->threads;
  sh->exit_cv.notify_all();
}

Scheduler::Scheduler(std::vector<NamedCollector> collectors, HostPaths paths,
                     SchedulerOptions options, Logger* log,
                     SnapshotStore* store, std::function<Families()> extra)
    : shared_(std::make_shared<Shared>()),
      paths_(std::move(paths)),
      options_(options),
      log_(log),
      store_(store),
      extra_(std::move(extra)) {
  for (auto& c : collectors) {
    auto w = std::make_shared<Worker>();
    w->name = c.name;
    w->collector = std::move(c.collector);
    w->paths = paths_;
    workers_.push_back(std::move(w));
  }
  // One thread by default, as node_exporter's GOMAXPROCS: a cycle's
  // collectors mostly wait on nothing, and one thread running them in turn
  // costs less CPU than two handing the work between them (3.46 against
  // 3.62 and 3.21 against 3.34 ms a cycle, default collectors, 1 s scrapes,
  // the two side by side for 100 s, twice). A blocked collector still has
  // the pool grow.
  const size_t threads = options_.pool_size > 0 ? options_.pool_size : 1;
  std::lock_guard<std::mutex> lock(shared_->mu);
  shared_->pool_size = std::min(threads, std::max<size_t>(1, workers_.size()));
  for (size_t i = 0; i < shared_->pool_size; ++i) shared_->StartThread(shared_);
}

Scheduler::~Scheduler() {
  Stop();
  std::unique_lock<std::mutex> lock(shared_->mu);
  shared_->exit = true;
  for (auto& w : shared_->queue) w->busy = false;
  shared_->queue.clear();
  shared_->work_cv.notify_all();
  // Idle threads leave at once; a thread stuck in a collector is detached
  // and leaves when (if ever) the collector returns.
  shared_->exit_cv.wait(lock,
                        [&] { return shared_->threads == shared_->running; });
}

std::shared_ptr<const Snapshot> Scheduler::RunOnce() {
  // Cycle numbers keep rising across schedulers (a SIGHUP reload makes a new
  // one), so sinks waiting for "a newer snapshot" are not confused.
  auto last = store_->Get();
  if (last && last->cycle > cycle_) cycle_ = last->cycle;
  // The forms the last snapshots were asked for are encoded with this one,
  // in the cycle, so their scrapes copy bytes: Prometheus's OpenMetrics and
  // gzip rather than a text form nobody reads; none without scrapers.
  if (last) served_[cycle_ % served_.size()] = last->Served();
  last.reset();
  const uint64_t cycle = ++cycle_;
  const auto cycle_start = Clock::now();
  const auto deadline = cycle_start + options_.timeout;
  std::vector<CollectorResult> results(workers_.size());
  std::vector<bool> started(workers_.size(), false);
  {
    std::unique_lock<std::mutex> lock(shared_->mu);
    shared_->cycle = cycle;
    shared_->pending = 0;
    for (size_t i = 0; i < workers_.size(); ++i) {
      Worker& w = *workers_[i];
      if (w.busy) continue;  // still stuck in an earlier cycle
      w.busy = true;
      w.requested = cycle;
      started[i] = true;
      shared_->queue.push_back(workers_[i]);
      ++shared_->pending;
    }
    // The pool's threads are woken with the mutex released, so that they
    // do not wake only to block on it.
    lock.unlock();
    shared_->work_cv.notify_all();
    lock.lock();
    while (shared_->pending > 0 && !shared_->stopping) {
      const auto now = Clock::now();
      if (now >= deadline) break;
      shared_->done_cv.wait_until(lock, std::min(deadline, now + kGrowAfter));
      // Queued work, no idle thread, and nothing taken for a while: a
      // collector is blocking a thread. Add one.
      if (!shared_->queue.empty() && shared_->running == shared_->threads &&
          Clock::now() - shared_->last_start >= kGrowAfter) {
        shared_->StartThread(shared_);
        shared_->last_start = Clock::now();
      }
    }
    // Collectors still queued at the deadline are not started late.
    for (auto& w : shared_->queue) w->busy = false;
    shared_->queue.clear();
    for (size_t i = 0; i < workers_.size(); ++i) {
      Worker& w = *workers_[i];
      CollectorResult& r = results[i];
      if (started[i] && w.done == cycle) {
        r = std::move(w.result);
        w.result = {};
        for (auto& msg : w.warnings) {
          // Logged once per distinct message (e.g. a bad textfile).
          if (warned_.insert(w.name + ": " + msg).second) {
            log_->Warn(msg, {{"collector", w.name}});
          }
        }
        w.warnings.clear();
        continue;
      }
      r.status.name = w.name;
      r.status.success = false;
      r.status.duration_seconds =
          std::chrono::duration<double>(options_.timeout).count();
      r.status.error =
          !started[i] ? "still running from an earlier cycle (timed out)"
          : w.running ? "timed out after " +
                            std::to_string(options_.timeout.count()) + "ms"
                      : "not started within " +
                            std::to_string(options_.timeout.count()) +
                            "ms (every pool thread was busy)";
    }
  }

  // Log a failure once when it starts and once when it ends; a collector
  // that flaps gets one failure line per failure_log_period.
  const auto log_now = options_.now ? options_.now() : Clock::now();
  for (const auto& r : results) {
    const auto& s = r.status;
    if (!s.success && failing_.insert(s.name).second) {
      FailureLog& f = failure_log_[s.name];
      f.current_logged =
          !f.logged || log_now - f.last >= options_.failure_log_period;
      if (!f.current_logged) {
        ++f.not_logged;
        continue;
      }
      LogFields fields = {{"collector", s.name}, {"err", s.error}};
      if (f.not_logged) {
        fields.emplace_back("failures_not_logged",
                            std::to_string(f.not_logged));
      }
      log_->Error("collector failed", fields);
      f.logged = true;
      f.last = log_now;
      f.not_logged = 0;
    } else if (s.success && failing_.erase(s.name) &&
               failure_log_[s.name].current_logged) {
      log_->Info("collector recovered", {{"collector", s.name}});
    }
  }

  std::vector<std::string> warnings;
  Families extra = extra_ ? extra_() : Families{};
  double now = std::chrono::duration<double>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  extra.push_back(
      Gauge("host_exporter_cycle_end_timestamp_seconds",
            "Unix time at which the collection cycle that produced these "
            "values ended; a scrape's time minus this is their age.")
          .Add(now)
          .Take());
  extra.push_back(Counter("host_exporter_cycles_total",
                          "Collection cycles run since the exporter started; "
                          "against the scrapes, cycles per scrape.")
                      .Add(static_cast<double>(cycle))
                      .Take());
  SnapshotOptions snapshot_options = options_.snapshot;
  snapshot_options.make = 0;
  for (uint64_t forms : served_) snapshot_options.make |= forms;
  snapshot_options.orders = &orders_;
  auto snap = BuildSnapshot(std::move(results), std::move(extra),
                            snapshot_options, now, cycle, &warnings);
  for (const auto& w : warnings) {
    if (warned_.insert(w).second) log_->Warn(w);
  }
  // The planner first: whoever sees the snapshot sees it planned with.
  if (options_.planner) options_.planner->OnCycle(cycle_start, Clock::now());
  store_->Publish(snap);
  if (on_cycle_) on_cycle_(*snap);
  return snap;
}

void Scheduler::Start() {
  if (options_.planner) {
    // Each /metrics arrival may change the plan: wake the loop to re-plan.
    options_.planner->SetWaker([this] {
      std::lock_guard<std::mutex> lock(loop_mu_);
      ++wakes_;
      loop_cv_.notify_all();
    });
    waker_set_ = true;
  }
  loop_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "scheduler");
    const CyclePlannerOptions plan{options_.interval, options_.max_age,
                                   options_.keep_interval};
    const auto period = options_.heartbeat_period;
    auto next = Clock::now();
    auto last_beat = next;
    std::unique_lock<std::mutex> lock(loop_mu_);
    while (!stop_) {
      lock.unlock();
      RunOnce();
      lock.lock();
      next += options_.interval;
      if (next < Clock::now()) next = Clock::now();  // slow: skip, no burst
      while (!stop_) {
        const auto now = Clock::now();
        // With a period (the watchdog's), a ping when one is due, checked
        // after each cycle and each wake: none more often, and none if the
        // loop is stuck.
        if (period.count() > 0 && options_.heartbeat &&
            now - last_beat >= period) {
          options_.heartbeat();
          last_beat = now;
        }
        const auto at =
            options_.planner ? options_.planner->NextStart(now, plan) : next;
        if (at <= now) break;
        // Sleep until the planned start, or until the plan may change by
        // itself (a cadence ends), an arrival or Stop(); no tick between
        // (an idle exporter costs no wake-ups), except the watchdog's.
        auto until = at;
        if (options_.planner)
          until = std::min(until, options_.planner->ReplanAt(now));
        if (period.count() > 0) until = std::min(until, last_beat + period);
        const uint64_t seen = wakes_;
        loop_cv_.wait_until(lock, until,
                            [&] { return stop_ || wakes_ != seen; });
        if (!stop_ && period.count() == 0 && options_.heartbeat)
          options_.heartbeat();
      }
    }
  });
}

void Scheduler::Stop() {
  if (waker_set_) {
    options_.planner->SetWaker({});  // returns once no call is in progress
    waker_set_ = false;
  }
  {
    std::lock_guard<std::mutex> lock(loop_mu_);
    stop_ = true;
  }
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    shared_->stopping = true;
  }
  shared_->done_cv.notify_all();
  loop_cv_.notify_all();
  if (loop_.joinable()) loop_.join();
}

}  // namespace host_exporter
