#include "host_exporter/cycle_planner.h"

#include <algorithm>

namespace host_exporter {

namespace {

constexpr size_t kMaxUnmatched = 32;  // recent arrivals off every cadence
constexpr size_t kMaxTracks = 64;     // cadences, confirmed or not
constexpr size_t kDurations = 6;      // cycles the lead looks back on

using Duration = CyclePlanner::Duration;

Duration Abs(Duration d) { return d < Duration::zero() ? -d : d; }

}  // namespace

// Prometheus' own jitter is a few milliseconds; the rest is the HTTP
// threads and a busy machine. 5% of the period, within [25 ms, 250 ms].
Duration CyclePlanner::Tolerance(Duration period) {
  return std::clamp<Duration>(period / 20, std::chrono::milliseconds(25),
                              std::chrono::milliseconds(250));
}

// A cadence lives while it may still get its next arrival: one missed
// scrape is forgiven, two end it.
bool CyclePlanner::Alive(const Track& t, TimePoint now) const {
  return now <= t.c.last + 2 * t.c.period + t.c.period / 2;
}

void CyclePlanner::OnScrape(TimePoint t) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::erase_if(tracks_, [&](const Track& tr) { return !Alive(tr, t); });

    // The cadence this arrival continues: confirmed ones first, then the
    // one it fits best (one period after its last arrival, or two).
    Track* best = nullptr;
    int best_k = 0;
    Duration best_err{};
    for (Track& tr : tracks_) {
      const Duration d = t - tr.c.last;
      const Duration tol = Tolerance(tr.c.period);
      for (int k = 1; k <= 2; ++k) {
        const Duration err = Abs(d - k * tr.c.period);
        if (err > tol) continue;
        const bool better =
            !best || (Confirmed(tr) && !Confirmed(*best)) ||
            (Confirmed(tr) == Confirmed(*best) && err < best_err);
        if (better) {
          best = &tr;
          best_k = k;
          best_err = err;
        }
      }
    }
    bool on_cadence = false;
    if (best && best_k == 2 && ++best->skips >= 2) {
      // Every other expected arrival missing: the period changed. Forget
      // the cadence; the arrivals teach the new one.
      std::erase_if(tracks_, [&](const Track& tr) { return &tr == best; });
      best = nullptr;
    }
    if (best) {
      Track& tr = *best;
      if (best_k == 1) {
        const Duration d = t - tr.c.last;
        // The first confirmation averages the two intervals seen; later
        // ones move the period an eighth of the way.
        tr.c.period +=
            Confirmed(tr) ? (d - tr.c.period) / 8 : (d - tr.c.period) / 2;
        tr.skips = 0;
      }
      tr.c.jitter += (best_err - tr.c.jitter) / 4;
      tr.c.last = t;
      ++tr.hits;
      on_cadence = Confirmed(tr);
    } else {
      // Off every cadence: each recent such arrival, with this one,
      // proposes a cadence of their distance.
      for (TimePoint u : unmatched_) {
        const Duration d = t - u;
        if (d < kMinPeriod || d > kMaxPeriod) continue;
        Track tr;
        tr.c.period = d;
        tr.c.last = t;
        tracks_.push_back(tr);
      }
      unmatched_.push_back(t);
      while (unmatched_.size() > kMaxUnmatched ||
             (!unmatched_.empty() && t - unmatched_.front() > kMaxPeriod)) {
        unmatched_.pop_front();
      }
      // Too many proposals (a client hammering /metrics): the oldest
      // unconfirmed ones go.
      for (auto it = tracks_.begin();
           tracks_.size() > kMaxTracks && it != tracks_.end();) {
        it = Confirmed(*it) ? it + 1 : tracks_.erase(it);
      }
    }
    if (!on_cadence) unclear_until_ = t + kUnclearFor;
  }
  std::lock_guard<std::mutex> lock(waker_mu_);
  if (waker_) waker_();
}

void CyclePlanner::OnCycle(TimePoint start, TimePoint end) {
  std::lock_guard<std::mutex> lock(mu_);
  have_cycle_ = true;
  last_start_ = start;
  last_end_ = end;
  durations_.push_back(end - start);
  while (durations_.size() > kDurations) durations_.pop_front();
}

Duration CyclePlanner::LeadLocked() const {
  Duration longest{};
  for (Duration d : durations_) longest = std::max(longest, d);
  Duration jitter{};
  for (const Track& tr : tracks_) {
    if (Confirmed(tr)) jitter = std::max(jitter, tr.c.jitter);
  }
  return longest + longest / 4 + kMargin + 2 * jitter;
}

Duration CyclePlanner::Lead() const {
  std::lock_guard<std::mutex> lock(mu_);
  return LeadLocked();
}

CyclePlanner::TimePoint CyclePlanner::NextStart(
    TimePoint now, const CyclePlannerOptions& o) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!have_cycle_) return now;
  const Duration lead = LeadLocked();
  const TimePoint by_interval = last_start_ + o.interval;
  // The age bound: the next cycle ends by last_end_ + max_age.
  TimePoint next = last_end_ + o.max_age - lead;
  if (o.keep_interval || now < unclear_until_)
    next = std::min(next, by_interval);

  // The first expected scrape the last cycle does not serve: a scrape up
  // to lead + kShare after the last cycle's end is served by it (the cycle
  // was planned for it, or for one at most kShare before it).
  const TimePoint after = std::max(now, last_end_ + lead + kShare);
  bool any = false;
  TimePoint first = TimePoint::max();
  for (const Track& tr : tracks_) {
    if (!Confirmed(tr) || !Alive(tr, now)) continue;
    any = true;
    const auto k = (after - tr.c.last) / tr.c.period + 1;  // >= 1
    first =
        std::min(first, tr.c.last + std::max<decltype(k)>(k, 1) * tr.c.period);
  }
  next = std::min(next, any ? first - lead : by_interval);
  const Duration gap =
      std::min<Duration>(kMinGap, std::chrono::milliseconds(o.interval));
  return std::max(next, last_start_ + gap);
}

CyclePlanner::TimePoint CyclePlanner::ReplanAt(TimePoint now) const {
  std::lock_guard<std::mutex> lock(mu_);
  // Only the end of a cadence can move the plan earlier by itself: the end
  // of an unclear spell and the passing of time move it later.
  TimePoint at = TimePoint::max();
  for (const Track& tr : tracks_) {
    if (!Confirmed(tr) || !Alive(tr, now)) continue;
    at = std::min(at,
                  tr.c.last + 2 * tr.c.period + tr.c.period / 2 + Duration(1));
  }
  return at;
}

std::vector<CyclePlanner::Cadence> CyclePlanner::Cadences(TimePoint now) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Cadence> out;
  for (const Track& tr : tracks_) {
    if (Confirmed(tr) && Alive(tr, now)) out.push_back(tr.c);
  }
  return out;
}

void CyclePlanner::SetWaker(std::function<void()> f) {
  std::lock_guard<std::mutex> lock(waker_mu_);
  waker_ = std::move(f);
}

}  // namespace host_exporter
