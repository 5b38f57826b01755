// Plans when the next collection cycle starts, from the arrival times of
// /metrics requests and the durations of recent cycles, so that a cycle ends
// shortly before each expected scrape instead of on a fixed interval.
//
// Prometheus scrapes a target on a fixed period at a fixed offset, so a
// scraper is a periodic stream of arrivals. The planner learns the streams
// ("cadences") from all arrivals, whatever their address (two Prometheus on
// one host are two streams): an arrival one period after a cadence's last
// one extends it; other arrivals are paired with recent unmatched ones to
// propose new cadences, confirmed by a third arrival on time. Arrivals off
// every cadence (a manual curl) do not move the learned ones; while they
// keep coming, cycles also run every collection.interval.
//
// It holds no clock: every call takes the time, so tests drive it with
// made-up time points. Thread-safe (the HTTP threads report arrivals while
// the scheduler's loop asks for the next start).
#ifndef HOST_EXPORTER_CYCLE_PLANNER_H_
#define HOST_EXPORTER_CYCLE_PLANNER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

namespace host_exporter {

/// Settings the plan depends on (from the config; may change on reload).
struct CyclePlannerOptions {
  /// Cadence without scrapers, or while arrivals are irregular.
  std::chrono::milliseconds interval{5000};
  /// Values are never older than this: the next cycle ends at most this
  /// long after the previous one ended, whatever the scrapers do.
  std::chrono::milliseconds max_age{90000};
  /// Push sinks configured: cycles run at least every `interval` too.
  bool keep_interval = false;
};

class CyclePlanner {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using Duration = Clock::duration;

  /// A cycle ends this long (plus twice the arrival jitter, plus a quarter
  /// of the expected duration) before the scrape it is planned for.
  static constexpr Duration kMargin = std::chrono::milliseconds(150);
  /// Scrapes expected this close after another share its cycle (their
  /// values are at most this much older); farther apart, each gets its own.
  static constexpr Duration kShare = std::chrono::milliseconds(500);
  /// Periods learned: from 0.9 s (1 s scrapes with jitter) to 10 min.
  static constexpr Duration kMinPeriod = std::chrono::milliseconds(900);
  static constexpr Duration kMaxPeriod = std::chrono::minutes(10);
  /// After an arrival off every confirmed cadence, `interval` applies this
  /// long (a manual curl gets values at most `interval` old meanwhile).
  static constexpr Duration kUnclearFor = std::chrono::seconds(30);
  /// Two cycles never start closer than this (a client hammering /metrics
  /// cannot make the exporter collect more than twice a second).
  static constexpr Duration kMinGap = std::chrono::milliseconds(500);

  /// A learned scraper cadence.
  struct Cadence {
    Duration period{};
    /// The tick of the latest arrival (its lateness filtered out).
    TimePoint last{};
    /// How early arrivals came against the expected time (a mean).
    Duration jitter{};
  };

  /// A /metrics request arrived at `t` (arrivals come in time order, give or
  /// take the HTTP threads' races).
  void OnScrape(TimePoint t);
  /// A cycle ran from `start` to `end` (its snapshot published at `end`).
  void OnCycle(TimePoint start, TimePoint end);
  /// When the next cycle should start (may be <= now: start at once).
  TimePoint NextStart(TimePoint now, const CyclePlannerOptions& o) const;
  /// The next time after `now` at which NextStart() may move earlier
  /// without an arrival or a cycle (a cadence ends: the interval applies
  /// again); TimePoint::max() if none. A scheduler sleeps until the sooner
  /// of the two, not on a fixed tick.
  TimePoint ReplanAt(TimePoint now) const;

  /// The confirmed cadences still alive at `now`.
  std::vector<Cadence> Cadences(TimePoint now) const;
  /// How long before an expected scrape the next cycle starts.
  Duration Lead() const;
  /// Called (without the planner's lock) after each arrival, so a waiting
  /// scheduler re-plans; {} clears it. Returns once no call is in progress.
  void SetWaker(std::function<void()> f);

 private:
  struct Seen {
    TimePoint at;
    int64_t tick;  ///< periods since the cadence's first arrival
  };
  struct Track {
    Cadence c;
    int hits = 0;           ///< arrivals on time after the first two
    int skips = 0;          ///< consecutive matches that skipped a period
    std::deque<Seen> seen;  ///< the latest arrivals (at most 12)
  };
  static void Refit(Track& tr);
  static Duration Tolerance(Duration period);
  static Duration LateTolerance(Duration period);
  bool Confirmed(const Track& t) const { return t.hits >= 1; }
  bool Alive(const Track& t, TimePoint now) const;
  Duration LeadLocked() const;

  mutable std::mutex mu_;
  std::vector<Track> tracks_;
  std::deque<TimePoint> unmatched_;  // recent arrivals off every cadence
  TimePoint unclear_until_{};
  std::deque<Duration> durations_;  // of the last cycles
  bool have_cycle_ = false;
  TimePoint last_start_{}, last_end_{};

  std::mutex waker_mu_;
  std::function<void()> waker_;
};

}  // namespace host_exporter

#endif  // HOST_EXPORTER_CYCLE_PLANNER_H_
