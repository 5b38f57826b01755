// The immutable result of one collection cycle, and where it is published.
//
// A snapshot holds the merged families (for sinks and the landing page) and
// the exposition already encoded, so an HTTP scrape only copies bytes that
// are already there: the forms the scrapers asked for in the last cycles
// (text, OpenMetrics, protobuf, an escaping scheme, gzip) are made with the
// snapshot, in the cycle; any other form once, by the first scrape that asks
// for it. No form is made for nobody (a push-only exporter encodes none).
#ifndef HOST_EXPORTER_SNAPSHOT_H_
#define HOST_EXPORTER_SNAPSHOT_H_

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "host_exporter/collector.h"
#include "host_exporter/encoder.h"

namespace host_exporter {

/// How one collector did in a cycle.
struct CollectorStatus {
  std::string name;
  bool success = false;
  double duration_seconds = 0;
  std::string error;  ///< empty on success
};

/// What the scheduler hands to the builder for one collector.
struct CollectorResult {
  CollectorStatus status;
  Families families;  ///< empty unless status.success
  /// The collector's pool: the snapshot hands its families back to it.
  std::shared_ptr<FamilyPool> pool;
};

/// One published cycle. Never modified after publication.
struct Snapshot {
  /// Hands the families back for reuse: each to the pool of the collector
  /// that output it (FamilyPool), the others to the global one
  /// (RecycleFamilies); and the created times' vectors to the next
  /// snapshot built.
  ~Snapshot();

  Families families;  ///< merged, sorted by name then labels
  /// When each series started counting (parallel to `families`; see
  /// CreatedTimes), for OpenMetrics "_created" and protobuf.
  CreatedTimes created;
  /// Some metric or label name is outside the legacy charset, so the
  /// escaping schemes give different bodies (otherwise all are `text`'s).
  bool utf8_names = false;
  std::vector<CollectorStatus> collectors;
  double timestamp = 0;              ///< Unix seconds at the end of the cycle
  uint64_t cycle = 0;                ///< 1 for the first cycle
  int gzip_level = 1;                ///< igzip level of the gzip forms
  bool openmetrics_created = false;  ///< see SnapshotOptions
  /// The pools of the collectors, and the pool of each family (parallel to
  /// `families`: an index into `pools`, or kNoPool), for the destructor.
  std::vector<std::shared_ptr<FamilyPool>> pools;
  std::vector<uint16_t> pool_of;
  static constexpr uint16_t kNoPool = UINT16_MAX;

  /// `text` gzipped, compressed by the first caller and then kept. Scrapes
  /// usually come less often than cycles (15 s against 5 s), so most
  /// snapshots are never asked for gzip and the cycle does not pay for it.
  const std::string& TextGzip() const {
    return Encoded(Encoding::kText, Escaping::kUnderscores, true);
  }
  /// Prometheus text format 0.0.4, names escaped "underscores".
  const std::string& Text() const {
    return Encoded(Encoding::kText, Escaping::kUnderscores, false);
  }

  /// The exposition in `encoding` with names escaped by `escaping`, gzipped
  /// if `gzip`: made by the first caller (unless made with the snapshot),
  /// then kept (thread-safe). Counted as served (Served()).
  const std::string& Encoded(Encoding encoding, Escaping escaping,
                             bool gzip) const;

  /// The forms asked for through Encoded() so far, a bit per FormBit().
  uint64_t Served() const { return served_.load(std::memory_order_relaxed); }
  /// The forms made so far (asked for, or made with the snapshot).
  uint64_t Made() const;
  /// Makes the forms of `forms` (FormBit()s) now, without counting them as
  /// served: BuildSnapshot, in the cycle, for what scrapers asked before.
  void Make(uint64_t forms) const;

 private:
  struct Form {
    std::once_flag once;
    std::atomic<bool> made{false};
    std::string bytes;
  };
  const std::string& Get(size_t index) const;
  /// The body of plain form `index` (even), encoded now.
  std::string EncodePlain(size_t index) const;
  mutable std::array<Form, kEncodings * kEscapings * 2> forms_;
  mutable std::atomic<uint64_t> served_{0};
};

/// The index of a form in a snapshot's forms.
inline constexpr size_t FormIndex(Encoding encoding, Escaping escaping,
                                  bool gzip) {
  return (static_cast<size_t>(encoding) * kEscapings +
          static_cast<size_t>(escaping)) *
             2 +
         (gzip ? 1 : 0);
}
/// The bit of a form in Snapshot::Served(), Made() and
/// SnapshotOptions::make.
inline constexpr uint64_t FormBit(Encoding encoding, Escaping escaping,
                                  bool gzip) {
  return uint64_t{1} << FormIndex(encoding, escaping, gzip);
}
static_assert(kEncodings * kEscapings * 2 <= 64);

/// The order SortAndDedup sorted each family's series into last time, kept
/// from one snapshot to the next by their builder (the scheduler). A
/// collector adds its series in the order of its files (eth10 before eth2,
/// mounts as mounted), the same each cycle: SortAndDedup puts such a family
/// in last time's order and checks it in one pass instead of sorting it
/// again. A family not sorted in two builds is forgotten. Not thread-safe.
struct SeriesOrders {
  struct Order {
    std::vector<uint32_t> perm;  ///< sorted series i was series perm[i]
    uint64_t build = 0;          ///< the last build that used it
  };
  std::unordered_map<std::string, Order> by_family;
  uint64_t builds = 0;
  // Kept buffers: no allocation per family sorted.
  std::vector<prometheus::ClientMetric> scratch;
  std::vector<uint32_t> index;
  /// The order BuildSnapshot merged the families in last time (indices of
  /// the collectors' families, in collector order): checked in one pass,
  /// sorted again only if it no longer holds.
  std::vector<uint32_t> families;
};

/// Options of the snapshot builder.
struct SnapshotOptions {
  /// igzip (ISA-L) level 1, paid once per snapshot scraped with gzip: a
  /// 193 KB OpenMetrics body in 0.29 ms to 33.8 KB, against libdeflate's
  /// fastest 0.89 ms and 31.9 KB (zlib's level 1 is slower still).
  int gzip_level = 1;
  /// Series a single collector may contribute; 0 = unlimited. The excess is
  /// dropped (and reported in warnings) rather than flooding Prometheus.
  size_t max_series_per_collector = 0;
  /// Created times (see BuildSnapshot): the host's boot, for collectors'
  /// counters, summaries and histograms, and this process's start, for the
  /// exporter's own. Unix seconds; 0 = unknown (none served).
  double boot_time = 0;
  double process_start = 0;
  /// "_created" samples in OpenMetrics (--web.openmetrics.created-samples).
  /// Off by default, as in client_golang: Prometheus 2.x stores each as a
  /// series of its own, and reads created times only from protobuf.
  bool openmetrics_created = false;
  /// The forms (FormBit()s) encoded with the snapshot; others are encoded by
  /// the first scrape that asks. The scheduler sets the forms its last
  /// snapshots served; the default is the text form.
  uint64_t make = FormBit(Encoding::kText, Escaping::kUnderscores, false);
  /// The series orders of the last snapshots (see SeriesOrders), updated by
  /// BuildSnapshot; none kept if null.
  SeriesOrders* orders = nullptr;
};

/// Merges collector results and `extra` families (self-metrics) into a
/// snapshot: families merged by name (a later family with a different type
/// is dropped), series sorted by labels, duplicate series dropped, then
/// node_scrape_collector_{duration_seconds,success} added, then encoded.
/// The exporter's own families (`extra` and node_scrape_collector_*) win:
/// a collector's family of the same name is dropped whole.
/// Created times (Snapshot::created) of counters, summaries and histograms:
/// a series' kCreatedLabel if it has one, else options.process_start for the
/// exporter's own families and options.boot_time for collectors' (their
/// counters count since boot).
/// Problems are appended to *warnings (each names the collector and series).
std::shared_ptr<const Snapshot> BuildSnapshot(
    std::vector<CollectorResult> results, Families extra,
    const SnapshotOptions& options, double timestamp, uint64_t cycle,
    std::vector<std::string>* warnings);

/// Replaces each invalid UTF-8 byte of *s by U+FFFD; true if it changed.
bool MakeValidUtf8(std::string* s);

/// Replaces invalid UTF-8 in HELP and label values, sorts labels inside each
/// series, then series, then families, and drops duplicates; exposed for the
/// textfile collector and tests.
/// With `orders`, a family's series are first put in the order they were
/// sorted into last time (see SeriesOrders).
void SortAndDedup(Families* families, std::vector<std::string>* warnings,
                  SeriesOrders* orders = nullptr);

/// Holds the current snapshot. Get() copies a shared_ptr under a mutex held
/// for a few nanoseconds (GCC 12's std::atomic<std::shared_ptr> releases its
/// internal lock with relaxed ordering: a data race ThreadSanitizer reports).
class SnapshotStore {
 public:
  /// The latest snapshot, or nullptr before the first cycle finished.
  std::shared_ptr<const Snapshot> Get() const {
    std::lock_guard<std::mutex> lock(current_mu_);
    return current_;
  }
  /// Publishes a new snapshot and wakes WaitNewer() callers.
  void Publish(std::shared_ptr<const Snapshot> s);
  /// Blocks until a snapshot with cycle > `after` exists or `stop` is set
  /// (checked on every wake-up); returns it or nullptr.
  std::shared_ptr<const Snapshot> WaitNewer(uint64_t after,
                                            const std::atomic<bool>& stop);
  /// Wakes every WaitNewer() caller (used at shutdown).
  void WakeAll();

 private:
  mutable std::mutex current_mu_;  // guards current_ only
  std::shared_ptr<const Snapshot> current_;
  std::mutex mu_;  // for cv_
  std::condition_variable cv_;
};

}  // namespace host_exporter

#endif  // HOST_EXPORTER_SNAPSHOT_H_
