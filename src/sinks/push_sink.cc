#include "sinks/push_sink.h"

#include <pthread.h>

#include <algorithm>
#include <cmath>
#include <string_view>

namespace host_exporter::sinks {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

double WallNow() {
  return std::chrono::duration<double>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t WallMillis() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A response body fit for one log field: whitespace collapsed, capped.
std::string OneLine(std::string_view s, size_t max = 300) {
  std::string out;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out.push_back(c);
    if (out.size() >= max) {
      out.append("…");
      break;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string Describe(const HttpResponse& r) {
  if (r.status == 0) return r.error;
  std::string s = "HTTP " + std::to_string(r.status);
  std::string body = OneLine(r.body);
  if (!body.empty()) s += ": " + body;
  return s;
}

}  // namespace

WriteOutcome ClassifyResponse(const HttpResponse& r) {
  if (r.status == 0) return WriteOutcome::kRetry;
  if (r.status >= 200 && r.status < 300) return WriteOutcome::kOk;
  if (r.status == 408 || r.status == 429 || r.status >= 500) {
    return WriteOutcome::kRetry;
  }
  return WriteOutcome::kReject;
}

milliseconds BackoffDelay(int attempt, milliseconds min, milliseconds max,
                          double jitter) {
  double base = static_cast<double>(min.count()) *
                std::ldexp(1.0, std::clamp(attempt, 0, 40));
  base = std::min(base, static_cast<double>(max.count()));
  jitter = std::clamp(jitter, 0.0, 1.0);
  return milliseconds(static_cast<int64_t>(base / 2 + base / 2 * jitter));
}

std::string RedactUrl(const std::string& url) {
  std::string out = url;
  size_t scheme = out.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  size_t end = out.find_first_of("/?#", start);
  if (end == std::string::npos) end = out.size();
  size_t at = out.rfind('@', end);
  if (at != std::string::npos && at >= start) {
    size_t colon = out.find(':', start);
    if (colon != std::string::npos && colon < at) {
      out.replace(colon + 1, at - colon - 1, "xxxxx");
    }
  }
  size_t q = out.find('?');
  if (q == std::string::npos) return out;
  std::string result = out.substr(0, q + 1);
  std::string_view query(out);
  query.remove_prefix(q + 1);
  bool first = true;
  while (true) {
    size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    if (!first) result.push_back('&');
    first = false;
    size_t eq = param.find('=');
    std::string_view key = param.substr(0, eq);
    if (eq != std::string_view::npos &&
        (key == "p" || key == "password" || key == "token")) {
      result.append(key).append("=xxxxx");
    } else {
      result.append(param);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return result;
}

PushSink::PushSink(PushSinkOptions options, SnapshotStore* store, Logger* log)
    : options_(std::move(options)),
      store_(store),
      log_(log),
      display_url_(RedactUrl(options_.url)),
      rng_(std::random_device{}()) {
  // The bound is what the user asked for; a batch never exceeds it.
  options_.max_buffer = std::max<size_t>(options_.max_buffer, 1);
  options_.batch_size =
      std::clamp<size_t>(options_.batch_size, 1, options_.max_buffer);
}

PushSink::~PushSink() { Stop(milliseconds(0)); }

void PushSink::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) return;
  started_ = true;
  if (!options_.disk.directory.empty()) {
    disk_ = std::make_unique<DiskQueue>(options_.disk);
    std::string err;
    std::vector<std::string> warnings;
    if (!disk_->Open(&err, &warnings)) {
      disk_.reset();
      DiskErrorLocked("open", err);
    } else {
      DiskWarningsLocked(warnings);
      // Found on disk: queued again; those beyond max_bytes (lowered since)
      // are already gone, oldest first.
      const DiskQueueStats found = disk_->Stats();
      const uint64_t replayed = found.replayed;
      stats_.enqueued += replayed;
      stats_.dropped += found.dropped;
      if (replayed > 0) {
        log_->Info("push disk queue: sending the points kept from before",
                   {{"sink", options_.name},
                    {"dir", options_.disk.directory},
                    {"points", std::to_string(replayed)}});
      }
    }
  }
  consumer_ = std::thread([this] { ConsumeLoop(); });
  sender_ = std::thread([this] { SendLoop(); });
}

void PushSink::Stop(milliseconds drain) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!started_ || stopped_) {
      stopped_ = true;
      return;
    }
    stopped_ = true;
  }
  consumer_stop_ = true;
  consumer_wake_ = true;
  store_->WakeAll();
  consumer_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    drain_ = drain;
    sender_stop_ = true;
    // A request waiting for an answer ends now; Drain() sends again within
    // its own budget.
    http_.Abort();
  }
  cv_.notify_all();
  sender_.join();
}

void PushSink::Rebase() {
  consumer_wake_ = true;
  store_->WakeAll();
}

uint64_t PushSink::DiskPendingLocked() const {
  return disk_ ? disk_->pending() : 0;
}

void PushSink::DiskErrorLocked(const std::string& what,
                               const std::string& err) {
  ++disk_errors_;
  if (disk_failing_) {
    log_->Debug("push disk queue failed again",
                {{"sink", options_.name}, {"op", what}, {"err", err}});
    return;
  }
  disk_failing_ = true;
  log_->Error("push disk queue failed: buffering in memory meanwhile",
              {{"sink", options_.name},
               {"dir", options_.disk.directory},
               {"op", what},
               {"err", err}});
}

void PushSink::DiskWarningsLocked(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) {
    ++disk_errors_;
    log_->Warn("push disk queue: damaged segment, intact records kept",
               {{"sink", options_.name}, {"err", w}});
  }
}

PushSinkStats PushSink::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  PushSinkStats s = stats_;
  s.buffered = queue_.size() + inflight_ + DiskPendingLocked();
  if (!options_.disk.directory.empty()) {
    DiskQueueStats d = disk_ ? disk_->Stats() : disk_last_;
    s.disk_queue = true;
    s.queue_bytes = d.bytes;
    s.queue_oldest = static_cast<double>(d.oldest_ms) / 1000.0;
    s.queue_replayed = d.replayed;
    s.queue_dropped = d.dropped;
    s.queue_corrupt_bytes = d.corrupt_bytes;
    s.queue_errors = disk_errors_;
  }
  return s;
}

void PushSink::ConsumeLoop() {
  pthread_setname_np(pthread_self(), "push-encode");
  uint64_t after = 0;
  std::shared_ptr<const Snapshot> last;
  while (!consumer_stop_) {
    auto snap = store_->WaitNewer(after, consumer_wake_);
    if (consumer_stop_) break;
    if (!snap) {  // Rebase(): cycle numbers restarted
      consumer_wake_ = false;
      after = 0;
      continue;
    }
    after = snap->cycle;
    if (snap == last) continue;
    last = snap;
    Consume(*snap);
  }
  // The cycle published just before shutdown is pushed too.
  auto snap = store_->Get();
  if (snap && snap != last) Consume(*snap);
}

void PushSink::Consume(const Snapshot& snap) {
  std::vector<std::string> items;
  options_.encode(snap, &items);
  const auto now = Clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    // To disk unless items wait in memory (the disk failed): those are
    // older and go first.
    if (disk_ && queue_.empty() && (inflight_ == 0 || disk_inflight_)) {
      uint64_t dropped = 0;
      std::string e;
      if (disk_->Append(items, WallMillis(), &dropped, &e)) {
        stats_.enqueued += items.size();
        if (disk_failing_) {
          disk_failing_ = false;
          log_->Info("push disk queue writable again",
                     {{"sink", options_.name}});
        }
        if (dropped > 0) {
          stats_.dropped += dropped;
          if (!dropping_) {
            dropping_ = true;
            log_->Warn(
                "push disk queue full: dropping the oldest points",
                {{"sink", options_.name},
                 {"dir", options_.disk.directory},
                 {"max_bytes", std::to_string(options_.disk.max_bytes)}});
          }
        }
        cv_.notify_all();
        return;
      }
      DiskErrorLocked("write", e);
    }
    for (auto& bytes : items) queue_.push_back({std::move(bytes), now});
    stats_.enqueued += items.size();
    EnforceCapacityLocked();
  }
  cv_.notify_all();
}

void PushSink::EnforceCapacityLocked() {
  uint64_t dropped = 0;
  // A batch in flight is not counted: if it fails it returns to the front
  // and, being the oldest, is what gets dropped then.
  while (queue_.size() > options_.max_buffer) {
    queue_.pop_front();
    ++dropped;
  }
  if (dropped == 0) return;
  stats_.dropped += dropped;
  if (!dropping_) {
    dropping_ = true;
    log_->Warn("push buffer full: dropping the oldest points",
               {{"sink", options_.name},
                {"url", display_url_},
                {"max_buffer_points", std::to_string(options_.max_buffer)}});
  }
}

std::vector<PushSink::Item> PushSink::TakeBatchLocked() {
  disk_inflight_ = false;
  if (DiskPendingLocked() > 0) {  // the disk holds the oldest
    std::vector<std::string> items;
    std::vector<std::string> warnings;
    std::string e;
    const uint64_t before = disk_->pending();
    if (disk_->Read(options_.batch_size, &items, &e, &warnings)) {
      DiskWarningsLocked(warnings);
      // Records found damaged are lost: counted as dropped.
      stats_.dropped += before - disk_->pending() - items.size();
      std::vector<Item> batch;
      batch.reserve(items.size());
      for (auto& it : items) batch.push_back({std::move(it), Clock::now()});
      inflight_ = batch.size();
      disk_inflight_ = true;
      return batch;
    }
    // Unreadable: what it holds cannot be sent; memory from now on.
    DiskErrorLocked("read", e);
    stats_.dropped += before;
    disk_last_ = disk_->Stats();
    disk_.reset();
  }
  size_t n = std::min(options_.batch_size, queue_.size());
  std::vector<Item> batch;
  batch.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  inflight_ = n;
  return batch;
}

WriteOutcome PushSink::SendBatch(std::unique_lock<std::mutex>* lock,
                                 std::vector<Item> batch, milliseconds timeout,
                                 bool draining) {
  const size_t n = batch.size();
  if (n == 0) {  // damaged records were all the disk held
    inflight_ = 0;
    disk_inflight_ = false;
    return WriteOutcome::kOk;
  }
  lock->unlock();
  size_t total = 0;
  for (const auto& it : batch) total += it.bytes.size();
  std::string joined;
  joined.reserve(total);
  for (const auto& it : batch) joined.append(it.bytes);
  std::string body = options_.make_body ? options_.make_body(std::move(joined))
                                        : std::move(joined);
  HttpRequestOptions req = options_.request;
  req.timeout = timeout;
  HttpResponse r = http_.Post(options_.url, body, req);
  WriteOutcome outcome = ClassifyResponse(r);
  lock->lock();
  inflight_ = 0;
  const bool from_disk = disk_inflight_ && disk_;
  disk_inflight_ = false;
  if (from_disk) {
    if (outcome == WriteOutcome::kRetry) {
      disk_->Rewind();
    } else if (std::string e; !disk_->Ack(&e)) {
      DiskErrorLocked("acknowledge", e);  // resent after a restart
    }
  }
  if (r.aborted) {  // stopping: not a failure of the target
    if (!from_disk) {
      for (auto it = batch.rbegin(); it != batch.rend(); ++it) {
        queue_.push_front(std::move(*it));
      }
    }
    return WriteOutcome::kRetry;
  }
  const std::string points = std::to_string(n);
  switch (outcome) {
    case WriteOutcome::kOk:
      stats_.sent += n;
      stats_.last_success = WallNow();
      if (attempt_ > 0 || rejecting_) {
        log_->Info("push write succeeded again",
                   {{"sink", options_.name},
                    {"url", display_url_},
                    {"failed_attempts", std::to_string(attempt_)}});
      }
      attempt_ = 0;
      rejecting_ = false;
      last_reject_.clear();
      dropping_ = false;
      break;
    case WriteOutcome::kRetry:
      ++stats_.write_errors;
      // Back to the front: they are the oldest (or still on disk).
      if (!from_disk) {
        for (auto it = batch.rbegin(); it != batch.rend(); ++it) {
          queue_.push_front(std::move(*it));
        }
        EnforceCapacityLocked();
      }
      if (attempt_ == 0 && !draining) {
        log_->Warn("push write failed, will retry with backoff",
                   {{"sink", options_.name},
                    {"url", display_url_},
                    {"status", std::to_string(r.status)},
                    {"err", Describe(r)},
                    {"buffered_points",
                     std::to_string(queue_.size() + DiskPendingLocked())}});
      } else {
        log_->Debug("push write failed again",
                    {{"sink", options_.name},
                     {"url", display_url_},
                     {"attempt", std::to_string(attempt_ + 1)},
                     {"err", Describe(r)}});
      }
      ++attempt_;
      break;
    case WriteOutcome::kReject: {
      ++stats_.write_errors;
      stats_.failed += n;
      std::string what = Describe(r);
      if (!rejecting_ || what != last_reject_) {
        LogFields f = {{"sink", options_.name},
                       {"url", display_url_},
                       {"status", std::to_string(r.status)},
                       {"err", what},
                       {"points", points}};
        if (options_.reject_hint) {
          std::string hint = options_.reject_hint(r);
          if (!hint.empty()) f.emplace_back("hint", hint);
        }
        log_->Error(
            "push write rejected by the server; not retrying this batch", f);
      } else {
        log_->Debug(
            "push write rejected again",
            {{"sink", options_.name}, {"status", std::to_string(r.status)}});
      }
      rejecting_ = true;
      last_reject_ = what;
      break;
    }
  }
  return outcome;
}

void PushSink::SendLoop() {
  pthread_setname_np(pthread_self(), "push-send");
  std::unique_lock<std::mutex> lock(mu_);
  auto retry_at = Clock::time_point::min();
  while (!sender_stop_) {
    const uint64_t on_disk = DiskPendingLocked();
    if (queue_.empty() && on_disk == 0) {
      cv_.wait(lock);
      continue;
    }
    auto now = Clock::now();
    auto due = now;
    if (on_disk > 0) {
      if (on_disk < options_.batch_size) {
        due += milliseconds(disk_->next_ms() - WallMillis()) +
               options_.flush_interval;
      }
    } else if (queue_.size() < options_.batch_size) {
      due = queue_.front().queued + options_.flush_interval;
    }
    due = std::max(due, retry_at);
    if (now < due) {
      cv_.wait_until(lock, due);
      continue;
    }
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    double jitter = unit(rng_);
    WriteOutcome o =
        SendBatch(&lock, TakeBatchLocked(), options_.request.timeout, false);
    now = Clock::now();
    if (o == WriteOutcome::kRetry) {
      retry_at = now + BackoffDelay(attempt_ - 1, options_.min_backoff,
                                    options_.max_backoff, jitter);
    } else if (o == WriteOutcome::kReject) {
      retry_at = now + options_.flush_interval;  // no tight loop of rejections
    } else {
      retry_at = Clock::time_point::min();
    }
  }
  Drain(&lock);
}

void PushSink::Drain(std::unique_lock<std::mutex>* lock) {
  http_.ClearAbort();  // Stop() aborted the request in flight, if any
  const auto deadline = Clock::now() + drain_;
  while (!queue_.empty() || DiskPendingLocked() > 0) {
    auto left =
        std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    if (SendBatch(lock, TakeBatchLocked(),
                  std::min(left, options_.request.timeout),
                  true) != WriteOutcome::kOk) {
      break;
    }
  }
  uint64_t kept = 0;
  if (disk_) {
    // What could not be sent in time waits on disk for the next start.
    if (!queue_.empty()) {
      std::vector<std::string> items;
      for (auto& it : queue_) items.push_back(std::move(it.bytes));
      uint64_t dropped = 0;
      std::string e;
      if (disk_->Append(items, WallMillis(), &dropped, &e)) {
        queue_.clear();
        stats_.dropped += dropped;
      } else {
        for (size_t i = 0; i < items.size(); ++i) {
          queue_[i].bytes = std::move(items[i]);
        }
        DiskErrorLocked("write", e);
      }
    }
    kept = disk_->pending();
    disk_->Close();
  }
  LogFields f = {{"sink", options_.name},
                 {"url", display_url_},
                 {"enqueued", std::to_string(stats_.enqueued)},
                 {"sent", std::to_string(stats_.sent)},
                 {"failed", std::to_string(stats_.failed)},
                 {"dropped", std::to_string(stats_.dropped)},
                 {"unsent", std::to_string(queue_.size() + kept)}};
  if (disk_) f.emplace_back("kept_on_disk", std::to_string(kept));
  log_->Info("push sink stopped", f);
}

}  // namespace host_exporter::sinks
