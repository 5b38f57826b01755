#include "host_exporter/cycle_planner.h"

#include <algorithm>

namespace host_exporter {

namespace {

constexpr size_t kMaxUnmatched = 32;  // recent arrivals off every cadence
constexpr size_t kMaxTracks = 64;     // cadences, confirmed or not
constexpr size_t kDurations = 6;      // cycles the lead looks back on
constexpr size_t kSeen = 12;          // arrivals a cadence is fitted to

using Duration = CyclePlanner::Duration;

Duration Abs(Duration d) { return d < Duration::zero() ? -d : d; }

}  // namespace

// Prometheus' own jitter is a few milliseconds; the rest is the HTTP
// threads and a busy machine. 5% of the period, within [25 ms, 250 ms].
Duration CyclePlanner::Tolerance(Duration period) {
  return std::clamp<Duration>(period / 20, std::chrono::milliseconds(25),
                              std::chrono::milliseconds(250));
}

// Later than expected by up to a quarter of the period (at most 5 s): the
// same scraper, slowed down (a loaded machine delays requests by seconds).
// A second scraper at another offset is not taken for it: the first one's
// arrival already extended the cadence to that tick.
Duration CyclePlanner::LateTolerance(Duration period) {
  return std::clamp<Duration>(period / 4, Tolerance(period),
                              std::chrono::seconds(5));
}

// A scraper fires on a ticker and its requests reach us late (a busy
// machine, its own load), never early: the arrivals lie on or above the
// line of its ticks. The cadence is the line under all recent arrivals
// that is closest to them (the least sum of lateness; it runs through two
// of them): late arrivals, even several in a row, move it little, and the
// next, punctual arrival does not come before the cycle planned for it.
void CyclePlanner::Refit(Track& tr) {
  using Sec = std::chrono::duration<double>;
  const auto& s = tr.seen;
  const TimePoint base = s.front().at;
  auto y = [&](size_t i) { return Sec(s[i].at - base).count(); };
  double best_slope = 0, best_at0 = 0, best_sum = -1;
  for (size_t i = 0; i < s.size(); ++i) {
    for (size_t j = i + 1; j < s.size(); ++j) {
      const double slope =
          (y(j) - y(i)) / static_cast<double>(s[j].tick - s[i].tick);
      const double at0 = y(i) - slope * static_cast<double>(s[i].tick);
      double sum = 0;
      bool under = true;
      for (size_t m = 0; m < s.size() && under; ++m) {
        const double r = y(m) - (at0 + slope * static_cast<double>(s[m].tick));
        under = r >= -1e-6;
        sum += r;
      }
      if (under && (best_sum < 0 || sum < best_sum)) {
        best_slope = slope;
        best_at0 = at0;
        best_sum = sum;
      }
    }
  }
  tr.c.period = std::chrono::duration_cast<Duration>(Sec(best_slope));
  tr.c.last =
      base + std::chrono::duration_cast<Duration>(Sec(
                 best_at0 + best_slope * static_cast<double>(s.back().tick)));
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

    // The cadences this arrival continues (one period after a cadence's
    // last arrival, or two): every confirmed one it fits, so that none is
    // starved by another that expects the same arrivals (a 30 s cadence
    // learned alongside the 15 s one); else the unconfirmed one it fits
    // best, which it confirms.
    struct Fit {
      Track* tr;
      int k;
      Duration err;
    };
    std::vector<Fit> fits;
    Fit candidate{nullptr, 0, {}};
    for (Track& tr : tracks_) {
      Fit f{nullptr, 0, {}};
      for (int k = 1; k <= 2; ++k) {
        const Duration err = Abs(t - tr.c.last - k * tr.c.period);
        // A confirmed cadence also takes arrivals up to LateTolerance late.
        const bool late = Confirmed(tr) && t > tr.c.last + k * tr.c.period;
        const Duration tol =
            late ? LateTolerance(tr.c.period) : Tolerance(tr.c.period);
        if (err <= tol && (!f.tr || err < f.err)) f = {&tr, k, err};
      }
      if (!f.tr) continue;
      if (Confirmed(tr)) {
        fits.push_back(f);
      } else if (!candidate.tr || f.err < candidate.err) {
        candidate = f;
      }
    }
    if (fits.empty() && candidate.tr) fits.push_back(candidate);
    bool on_cadence = false;
    std::vector<const Track*> ended;
    for (const Fit& f : fits) {
      Track& tr = *f.tr;
      if (f.k == 2 && ++tr.skips >= 2) {
        // Every other expected arrival missing: the period changed. Forget
        // the cadence; the arrivals teach the new one.
        ended.push_back(&tr);
        continue;
      }
      const TimePoint expected = tr.c.last + f.k * tr.c.period;
      const Duration err = t - expected;
      tr.seen.push_back({t, tr.seen.back().tick + f.k});
      if (tr.seen.size() > kSeen) tr.seen.pop_front();
      Refit(tr);
      if (f.k == 1) tr.skips = 0;
      // The lead covers arrivals earlier than expected; late ones find
      // their cycle ended anyway.
      const Duration early = std::max(Duration::zero(), -err);
      tr.c.jitter += (early - tr.c.jitter) / 4;
      ++tr.hits;
      on_cadence = true;
    }
    std::erase_if(tracks_, [&](const Track& tr) {
      return std::find(ended.begin(), ended.end(), &tr) != ended.end();
    });
    if (ended.size() == fits.size()) {
      // Off every cadence (or on one it ended): each recent such arrival,
      // with this one, proposes a cadence of their distance.
      for (TimePoint u : unmatched_) {
        const Duration d = t - u;
        if (d < kMinPeriod || d > kMaxPeriod) continue;
        Track tr;
        tr.c.period = d;
        tr.c.last = t;
        tr.seen = {{u, 0}, {t, 1}};
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
