// The machinery both push sinks share: a consumer thread that turns every
// new snapshot into encoded items (lines, protobuf entries), a bounded buffer
// (oldest dropped first when full), and a sender thread that POSTs batches
// with retries, exponential backoff and jitter.
//
// Accounting: every item that entered the buffer is, at any time, exactly one
// of sent, failed (rejected by the server with an error retrying cannot fix),
// dropped (buffer full) or buffered (queued or in flight). Nothing is sent
// twice by this process: a batch is resent only after a failed attempt.
#ifndef HOST_EXPORTER_SINKS_PUSH_SINK_H_
#define HOST_EXPORTER_SINKS_PUSH_SINK_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "host_exporter/log.h"
#include "host_exporter/snapshot.h"
#include "sinks/disk_queue.h"
#include "sinks/http_client.h"

namespace host_exporter::sinks {

/// What to do after a write attempt.
enum class WriteOutcome {
  kOk,      ///< 2xx: the batch is delivered
  kRetry,   ///< transport error, 408, 429 or 5xx: resend after a backoff
  kReject,  ///< any other status: resending cannot help; count as failed
};

/// Classifies a response as above.
WriteOutcome ClassifyResponse(const HttpResponse& r);

/// The wait before retry number `attempt` (0 for the first retry):
/// min(max, min * 2^attempt), of which the upper half is scaled by `jitter`
/// (in [0, 1]), so concurrent senders spread out.
std::chrono::milliseconds BackoffDelay(int attempt,
                                       std::chrono::milliseconds min,
                                       std::chrono::milliseconds max,
                                       double jitter);

/// Removes credentials from a URL for logs: the password of user:password@
/// and the values of the `p`, `password` and `token` query parameters.
std::string RedactUrl(const std::string& url);

/// Settings of one push sink.
struct PushSinkOptions {
  std::string name;  ///< value of the `sink` label: "influxdb", "remote_write"
  std::string url;   ///< where batches are POSTed
  HttpRequestOptions request;  ///< headers, basic auth, per-request timeout
  /// Turns the concatenated items of a batch into the request body (e.g.
  /// gzip or snappy); identity if empty.
  std::function<std::string(std::string)> make_body;
  /// Encodes a snapshot into items appended to the vector.
  std::function<void(const Snapshot&, std::vector<std::string>*)> encode;
  size_t batch_size = 5000;  ///< items per request at most
  /// An item waits at most this long before it is sent.
  std::chrono::milliseconds flush_interval{10000};
  /// Items queued at most (plus one batch in flight); when more arrive, the
  /// oldest are dropped.
  size_t max_buffer = 100000;
  std::chrono::milliseconds min_backoff{500};
  std::chrono::milliseconds max_backoff{30000};
  /// Appended to a rejection log line (e.g. how to create a database).
  std::function<std::string(const HttpResponse&)> reject_hint;
  /// With a directory: the buffer lives in segment files (disk_queue.h),
  /// bounded by disk.max_bytes instead of max_buffer; items go to memory
  /// only while the disk cannot take them.
  DiskQueueOptions disk;
};

/// The counters of a sink (see the accounting note above).
struct PushSinkStats {
  uint64_t enqueued = 0;      ///< items that entered the buffer
  uint64_t sent = 0;          ///< accepted by the server (2xx)
  uint64_t failed = 0;        ///< rejected, not resent (kReject)
  uint64_t dropped = 0;       ///< oldest, dropped from a full buffer
  uint64_t buffered = 0;      ///< queued + in flight
  uint64_t write_errors = 0;  ///< failed requests, retried or not
  double last_success = 0;    ///< Unix seconds, 0 if never
  // The disk queue, if on (dropped above includes queue_dropped).
  bool disk_queue = false;
  uint64_t queue_bytes = 0;          ///< segment bytes on disk
  double queue_oldest = 0;           ///< Unix seconds, oldest pending; 0: none
  uint64_t queue_replayed = 0;       ///< found on disk at start
  uint64_t queue_dropped = 0;        ///< oldest, removed at max_bytes
  uint64_t queue_corrupt_bytes = 0;  ///< truncated or damaged, discarded
  uint64_t queue_errors = 0;         ///< failed disk operations
};

/// A push sink: Start() it after the scheduler, Stop() it at shutdown.
class PushSink {
 public:
  /// `store` and `log` must outlive the sink.
  PushSink(PushSinkOptions options, SnapshotStore* store, Logger* log);
  ~PushSink();
  PushSink(const PushSink&) = delete;
  PushSink& operator=(const PushSink&) = delete;

  /// Opens the disk queue if configured (what it holds is sent first), then
  /// starts the consumer and sender threads.
  void Start();
  /// Takes the latest snapshot if not yet taken, aborts a request in flight,
  /// then sends what is buffered until it is empty, an attempt fails or
  /// `drain` has passed; what is left stays in the disk queue if there is
  /// one. Logs the totals. Idempotent.
  void Stop(std::chrono::milliseconds drain);
  /// Call after the store's cycle numbers restarted (a new scheduler after
  /// SIGHUP): the consumer waits for any snapshot it has not taken yet.
  void Rebase();
  /// A consistent copy of the counters.
  PushSinkStats Stats() const;
  /// The `sink` label value.
  const std::string& name() const { return options_.name; }

 private:
  struct Item {
    std::string bytes;
    std::chrono::steady_clock::time_point queued;
  };

  void ConsumeLoop();
  void SendLoop();
  // Enqueues the items of one snapshot. Called without mu_ held.
  void Consume(const Snapshot& snap);
  // Drops the oldest queued items while more than max_buffer. mu_ held.
  void EnforceCapacityLocked();
  // Takes up to batch_size items from the front. mu_ held.
  std::vector<Item> TakeBatchLocked();
  // Sends a batch (mu_ not held) and books the outcome (mu_ held).
  WriteOutcome SendBatch(std::unique_lock<std::mutex>* lock,
                         std::vector<Item> batch,
                         std::chrono::milliseconds timeout, bool draining);
  void Drain(std::unique_lock<std::mutex>* lock);
  // Items pending in the disk queue (not in flight). mu_ held.
  uint64_t DiskPendingLocked() const;
  // Logs a failed disk operation (once per episode) and counts it.
  void DiskErrorLocked(const std::string& what, const std::string& err);
  void DiskWarningsLocked(const std::vector<std::string>& warnings);

  PushSinkOptions options_;
  SnapshotStore* store_;
  Logger* log_;
  std::string display_url_;
  HttpClient http_;
  std::mt19937 rng_;

  std::thread consumer_;
  std::thread sender_;
  std::atomic<bool> consumer_stop_{false};
  std::atomic<bool> consumer_wake_{false};  // stop or rebase
  std::chrono::milliseconds drain_{0};

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool sender_stop_ = false;
  bool started_ = false;
  bool stopped_ = false;
  std::deque<Item> queue_;
  size_t inflight_ = 0;
  PushSinkStats stats_;
  // Log once per episode.
  int attempt_ = 0;  // failed retryable attempts in a row
  bool rejecting_ = false;
  std::string last_reject_;
  bool dropping_ = false;
  // The disk queue (null if off or unusable) and its state.
  std::unique_ptr<DiskQueue> disk_;
  bool disk_inflight_ = false;  // the batch in flight came from disk
  bool disk_failing_ = false;   // log once per episode
  uint64_t disk_errors_ = 0;
  DiskQueueStats disk_last_;  // after Stop()
};

}  // namespace host_exporter::sinks

#endif  // HOST_EXPORTER_SINKS_PUSH_SINK_H_
