#include "host_exporter/scheduler.h"

#include <exception>

namespace host_exporter {

using Clock = std::chrono::steady_clock;

// State shared between the scheduler and its workers; outlives the
// scheduler while a detached worker still holds it.
struct Scheduler::Shared {
  std::mutex mu;
  std::condition_variable done_cv;  // a worker finished a run
  bool stopping = false;            // Stop() was called: end waits now
};

struct Scheduler::Worker {
  std::string name;
  std::unique_ptr<Collector> collector;
  HostPaths paths;
  std::shared_ptr<Shared> shared;

  // Guarded by shared->mu.
  std::condition_variable start_cv;
  uint64_t requested = 0;  // cycle asked for
  uint64_t done = 0;       // cycle last finished
  bool busy = false;
  bool stop = false;
  CollectorResult result;
  std::vector<std::string> warnings;  // from Collector::TakeWarnings()

  std::thread thread;

  void Run() {
    EnableMatchCacheForThisThread();
    std::unique_lock<std::mutex> lock(shared->mu);
    while (true) {
      start_cv.wait(lock, [&] { return stop || requested > done; });
      if (stop) return;
      uint64_t cycle = requested;
      lock.unlock();

      CollectorResult r;
      r.status.name = name;
      auto start = Clock::now();
      try {
        r.families = collector->Collect(paths);
        r.status.success = true;
      } catch (const std::exception& e) {
        r.status.error = e.what();
      } catch (...) {
        r.status.error = "unknown exception";
      }
      r.status.duration_seconds =
          std::chrono::duration<double>(Clock::now() - start).count();
      std::vector<std::string> w;
      try {
        w = collector->TakeWarnings();
      } catch (...) {
      }

      lock.lock();
      result = std::move(r);
      warnings = std::move(w);
      done = cycle;
      busy = false;
      shared->done_cv.notify_all();
    }
  }
};

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
    w->shared = shared_;
    // The thread holds its own reference, so a stuck worker stays valid
    // after the scheduler is gone.
    w->thread = std::thread([w] { w->Run(); });
    workers_.push_back(std::move(w));
  }
}

Scheduler::~Scheduler() {
  Stop();
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    for (auto& w : workers_) {
      w->stop = true;
      w->start_cv.notify_all();
    }
  }
  for (auto& w : workers_) {
    bool busy;
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      busy = w->busy;
    }
    if (busy) {
      w->thread.detach();  // stuck in a collector: let it finish on its own
    } else {
      w->thread.join();
    }
  }
}

std::shared_ptr<const Snapshot> Scheduler::RunOnce() {
  // Cycle numbers keep rising across schedulers (a SIGHUP reload makes a new
  // one), so sinks waiting for "a newer snapshot" are not confused.
  if (auto last = store_->Get(); last && last->cycle > cycle_) cycle_ = last->cycle;
  const uint64_t cycle = ++cycle_;
  const auto deadline = Clock::now() + options_.timeout;
  std::vector<CollectorResult> results(workers_.size());
  std::vector<bool> started(workers_.size(), false);
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    for (size_t i = 0; i < workers_.size(); ++i) {
      Worker& w = *workers_[i];
      if (w.busy) continue;  // still stuck in an earlier cycle
      w.busy = true;
      w.requested = cycle;
      started[i] = true;
      w.start_cv.notify_one();
    }
  }
  {
    std::unique_lock<std::mutex> lock(shared_->mu);
    shared_->done_cv.wait_until(lock, deadline, [&] {
      if (shared_->stopping) return true;
      for (size_t i = 0; i < workers_.size(); ++i) {
        if (started[i] && workers_[i]->done < cycle) return false;
      }
      return true;
    });
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
          started[i] ? "timed out after " +
                           std::to_string(options_.timeout.count()) + "ms"
                     : "still running from an earlier cycle (timed out)";
    }
  }

  // Log a failure once when it starts and once when it ends.
  for (const auto& r : results) {
    const auto& s = r.status;
    if (!s.success && failing_.insert(s.name).second) {
      log_->Error("collector failed",
                  {{"collector", s.name}, {"err", s.error}});
    } else if (s.success && failing_.erase(s.name)) {
      log_->Info("collector recovered", {{"collector", s.name}});
    }
  }

  std::vector<std::string> warnings;
  Families extra = extra_ ? extra_() : Families{};
  double now = std::chrono::duration<double>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  auto snap = BuildSnapshot(std::move(results), std::move(extra),
                            options_.snapshot, now, cycle, &warnings);
  for (const auto& w : warnings) {
    if (warned_.insert(w).second) log_->Warn(w);
  }
  store_->Publish(snap);
  if (on_cycle_) on_cycle_(*snap);
  return snap;
}

void Scheduler::Start() {
  loop_ = std::thread([this] {
    auto next = Clock::now();
    std::unique_lock<std::mutex> lock(loop_mu_);
    while (!stop_) {
      lock.unlock();
      RunOnce();
      lock.lock();
      next += options_.interval;
      auto now = Clock::now();
      if (next < now) next = now;  // a slow cycle: skip, do not burst
      loop_cv_.wait_until(lock, next, [&] { return stop_; });
    }
  });
}

void Scheduler::Stop() {
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
