#include "host_exporter/cycle_planner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <vector>

namespace host_exporter {
namespace {

using TimePoint = CyclePlanner::TimePoint;
using Duration = CyclePlanner::Duration;

// Made-up time: the planner never reads a clock.
const TimePoint T0 = TimePoint{} + std::chrono::hours(1000);

Duration S(double seconds) {
  return std::chrono::duration_cast<Duration>(
      std::chrono::duration<double>(seconds));
}
double Sec(Duration d) { return std::chrono::duration<double>(d).count(); }

// Arrivals every `period` s at `offset` s after T0, from `from` to `to`.
std::vector<TimePoint> Stream(double period, double offset, double from,
                              double to, double jitter = 0, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> j(-jitter, jitter);
  std::vector<TimePoint> out;
  for (double t = offset; t < to; t += period) {
    if (t >= from) out.push_back(T0 + S(t + (jitter > 0 ? j(rng) : 0)));
  }
  return out;
}

std::vector<TimePoint> Merge(std::vector<std::vector<TimePoint>> streams) {
  std::vector<TimePoint> out;
  for (auto& s : streams) out.insert(out.end(), s.begin(), s.end());
  std::sort(out.begin(), out.end());
  return out;
}

struct Scrape {
  TimePoint at;
  double age;  // seconds since the end of the cycle whose values it got
};

struct SimRun {
  std::vector<Scrape> scrapes;
  std::vector<TimePoint> starts, ends;
  // Cycles started in [from, to) seconds after T0.
  int CyclesIn(double from, double to) const {
    return static_cast<int>(std::count_if(
        starts.begin(), starts.end(),
        [&](TimePoint t) { return t >= T0 + S(from) && t < T0 + S(to); }));
  }
  // Largest age of the scrapes in [from, to) seconds after T0.
  double MaxAge(double from, double to) const {
    double m = 0;
    for (const auto& s : scrapes) {
      if (s.at >= T0 + S(from) && s.at < T0 + S(to)) m = std::max(m, s.age);
    }
    return m;
  }
  double MinAge(double from, double to) const {
    double m = 1e9;
    for (const auto& s : scrapes) {
      if (s.at >= T0 + S(from) && s.at < T0 + S(to)) m = std::min(m, s.age);
    }
    return m;
  }
};

// Plays the scheduler's loop: a cycle at T0, then each cycle at the planned
// start, lasting duration(start); each arrival gets the values of the last
// cycle ended before it (a running cycle serves nothing yet).
SimRun Simulate(CyclePlanner* p, const CyclePlannerOptions& o,
                const std::vector<TimePoint>& arrivals, double horizon,
                std::function<Duration(TimePoint)> duration = {}) {
  if (!duration) duration = [](TimePoint) { return S(0.02); };
  SimRun run;
  size_t i = 0;
  TimePoint now = T0, last_end = T0;
  const TimePoint stop = T0 + S(horizon);
  while (now < stop) {
    const TimePoint start = std::max(now, p->NextStart(now, o));
    if (i < arrivals.size() && arrivals[i] < start) {
      now = arrivals[i++];
      if (!run.ends.empty()) run.scrapes.push_back({now, Sec(now - last_end)});
      p->OnScrape(now);
      continue;
    }
    if (start >= stop) break;
    const TimePoint end = start + duration(start);
    while (i < arrivals.size() && arrivals[i] < end) {
      if (!run.ends.empty())
        run.scrapes.push_back({arrivals[i], Sec(arrivals[i] - last_end)});
      p->OnScrape(arrivals[i++]);
    }
    p->OnCycle(start, end);
    run.starts.push_back(start);
    run.ends.push_back(end);
    last_end = now = end;
  }
  return run;
}

CyclePlannerOptions Defaults() { return CyclePlannerOptions{}; }

TEST(CyclePlanner, FirstCycleAtOnceThenIntervalWithoutScrapers) {
  CyclePlanner p;
  EXPECT_EQ(p.NextStart(T0, Defaults()), T0);
  SimRun r = Simulate(&p, Defaults(), {}, 60);
  ASSERT_EQ(r.starts.size(), 12u);  // 0, 5, …, 55
  for (size_t i = 1; i < r.starts.size(); ++i)
    EXPECT_EQ(r.starts[i] - r.starts[i - 1], S(5));
}

TEST(CyclePlanner, LearnsA15sCadenceOneCyclePerScrapeEndingJustBefore) {
  CyclePlanner p;
  SimRun r = Simulate(&p, Defaults(), Stream(15, 3.3, 0, 600), 600);
  auto c = p.Cadences(T0 + S(600));
  ASSERT_EQ(c.size(), 1u);
  EXPECT_NEAR(Sec(c[0].period), 15, 0.001);
  // Learning takes three scrapes, plus a minute of interval cycles while
  // the first arrivals did not fit a cadence yet; then one cycle per
  // scrape, ending 0.15-0.5 s before it.
  EXPECT_EQ(r.CyclesIn(120, 600), 32);
  EXPECT_LE(r.MaxAge(120, 600), 0.5);
  EXPECT_GT(r.MinAge(120, 600), 0.0);
}

TEST(CyclePlanner, HaPairAtTwoOffsetsGetsTwoCyclesPerPeriod) {
  // Scrapes 7 s apart: one shared cycle would serve one of them 7 s old,
  // so each gets its own (the freshness bound wins over the CPU saving).
  CyclePlanner p;
  SimRun r =
      Simulate(&p, Defaults(),
               Merge({Stream(15, 1, 0, 600), Stream(15, 8, 0, 600)}), 600);
  EXPECT_EQ(p.Cadences(T0 + S(600)).size(), 2u);
  EXPECT_EQ(r.CyclesIn(150, 600), 60);
  EXPECT_LE(r.MaxAge(150, 600), 0.5);
}

TEST(CyclePlanner, HaPairAtCloseOffsetsSharesOneCycle) {
  // Two Prometheus 0.3 s apart (same host, same address): one cycle serves
  // both, the second at most kShare + the lead older.
  CyclePlanner p;
  SimRun r =
      Simulate(&p, Defaults(),
               Merge({Stream(15, 1, 0, 600), Stream(15, 1.3, 0, 600)}), 600);
  EXPECT_EQ(p.Cadences(T0 + S(600)).size(), 2u);
  EXPECT_EQ(r.CyclesIn(150, 600), 30);
  EXPECT_LE(r.MaxAge(150, 600), 0.8);
}

TEST(CyclePlanner, OneSecondScrapes) {
  CyclePlanner p;
  SimRun r = Simulate(&p, Defaults(), Stream(1, 0.4, 0, 180), 180);
  EXPECT_EQ(p.Cadences(T0 + S(180)).size(), 1u);
  EXPECT_NEAR(r.CyclesIn(100, 180), 80, 1);
  EXPECT_LE(r.MaxAge(100, 180), 0.5);
}

TEST(CyclePlanner, JitteredArrivalsKeepTheCadence) {
  CyclePlanner p;
  SimRun r = Simulate(&p, Defaults(), Stream(15, 2, 0, 900, 0.04, 7), 900);
  ASSERT_EQ(p.Cadences(T0 + S(900)).size(), 1u);
  EXPECT_EQ(r.CyclesIn(120, 900), 52);
  EXPECT_LE(r.MaxAge(120, 900), 0.6);
  // An arrival up to 40 ms early still finds its cycle ended.
  EXPECT_GT(r.MinAge(120, 900), 0.0);
}

// Prometheus scrapes on a ticker; on a loaded machine a request reaches the
// exporter late, never early: mostly a few ms, now and then 100-240 ms
// (within the cadence's tolerance). A late arrival must not move the
// expected time of the next, on-time one past the end of its cycle.
std::vector<TimePoint> LateStream(double period, double offset, double to,
                                  unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> small(0, 0.005), large(0.1, 0.24);
  std::uniform_int_distribution<int> which(0, 3);
  std::vector<TimePoint> out;
  for (double t = offset; t < to; t += period)
    out.push_back(T0 + S(t + (which(rng) == 0 ? large(rng) : small(rng))));
  return out;
}

TEST(CyclePlanner, LateArrivalsDoNotMakeTheNextScrapeMissItsCycle) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    CyclePlanner p;
    SimRun r = Simulate(&p, Defaults(), LateStream(15, 3.3, 1800, seed), 1800);
    // One 15 s cadence (or two 30 s ones 15 s apart: the same arrivals).
    const auto c = p.Cadences(T0 + S(1800));
    ASSERT_FALSE(c.empty()) << "seed " << seed;
    for (const auto& ca : c)
      EXPECT_NEAR(std::remainder(Sec(ca.period), 15), 0, 0.005)
          << "seed " << seed;
    // Once learnt, every scrape gets the cycle planned for it (values well
    // under a second old), none the one before (15 s), and one cycle per
    // scrape, no interval cycles for arrivals taken as off the cadence.
    EXPECT_LE(r.MaxAge(180, 1800), 0.5) << "seed " << seed;
    EXPECT_GT(r.MinAge(180, 1800), 0.0) << "seed " << seed;
    EXPECT_EQ(r.CyclesIn(180, 1800), 108) << "seed " << seed;
  }
}

// A heavily loaded machine (the 100-host fleet at load 20 on 2 cores):
// 60 % of the requests on time, 30 % 0.1-0.9 s late, 10 % 1-3 s late.
TEST(CyclePlanner, VeryLateArrivalsStillOneCyclePerScrape) {
  int old_values = 0, cycles = 0;
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> small(0, 0.05), large(0.1, 0.9),
        huge(1.0, 3.0), u(0, 1);
    std::vector<TimePoint> arrivals;
    for (double t = 3.3; t < 1800; t += 15) {
      const double x = u(rng);
      arrivals.push_back(T0 + S(t + (x < 0.1   ? huge(rng)
                                     : x < 0.4 ? large(rng)
                                               : small(rng))));
    }
    CyclePlanner p;
    SimRun r = Simulate(&p, Defaults(), arrivals, 1800);
    for (const auto& sc : r.scrapes)
      if (sc.at > T0 + S(180) && sc.age > 5) ++old_values;
    cycles += r.CyclesIn(180, 1800);
  }
  // 2,160 scrapes: at most 10 % more cycles (interval cycles while an
  // arrival is taken as off the cadence) and 3 % of scrapes with the values
  // of the cycle before.
  EXPECT_LE(cycles, 2376);
  EXPECT_LE(old_values, 65);
}

TEST(CyclePlanner, ScraperThatStopsFallsBackToTheInterval) {
  CyclePlanner p;
  SimRun r = Simulate(&p, Defaults(), Stream(15, 2, 0, 300), 500);
  EXPECT_TRUE(p.Cadences(T0 + S(500)).empty());
  // Last scrape at 287 s; the cadence ends after two missed ones (~325 s).
  EXPECT_GE(r.CyclesIn(340, 500), 31);
  for (size_t i = 1; i < r.starts.size(); ++i) {
    if (r.starts[i - 1] >= T0 + S(340)) {
      EXPECT_EQ(r.starts[i] - r.starts[i - 1], S(5));
    }
  }
}

TEST(CyclePlanner, ReplanAtTheEndOfACadenceNotOnATick) {
  // The scheduler sleeps until min(NextStart, ReplanAt), with no periodic
  // wake: ReplanAt must report when a stopped scraper's cadence ends, since
  // from then on the interval applies and the planned start moves earlier.
  CyclePlanner p;
  const CyclePlannerOptions o = Defaults();
  Simulate(&p, o, Stream(15, 2, 0, 300), 320);  // last scrape at 287 s
  const TimePoint now = T0 + S(320);
  ASSERT_EQ(p.Cadences(now).size(), 1u);
  const TimePoint replan = p.ReplanAt(now);
  EXPECT_NEAR(Sec(replan - T0), 287 + 2.5 * 15, 0.01);
  // Planned for the scrape expected at 332 s, after the cadence has ended:
  // without a wake at `replan` the interval's cycle would come 7 s late.
  EXPECT_GT(p.NextStart(now, o), replan);
  EXPECT_LE(p.NextStart(replan, o), replan);
  // Without a confirmed cadence the plan changes only on events.
  CyclePlanner idle;
  idle.OnCycle(T0, T0 + S(0.02));
  EXPECT_EQ(idle.ReplanAt(T0 + S(1)), TimePoint::max());
}

TEST(CyclePlanner, ManualCurlsDoNotDerailTheCadence) {
  CyclePlanner p;
  std::vector<TimePoint> curls = {T0 + S(200.7), T0 + S(203.1), T0 + S(211.9),
                                  T0 + S(230.2), T0 + S(231.0)};
  SimRun r =
      Simulate(&p, Defaults(), Merge({Stream(15, 4, 0, 600), curls}), 600);
  auto c = p.Cadences(T0 + S(600));
  ASSERT_EQ(c.size(), 1u);
  EXPECT_NEAR(Sec(c[0].period), 15, 0.001);
  // The Prometheus scrapes stay fresh throughout.
  double worst = 0;
  for (const auto& s : r.scrapes) {
    const bool curl =
        std::find(curls.begin(), curls.end(), s.at) != curls.end();
    if (!curl && s.at > T0 + S(120)) worst = std::max(worst, s.age);
  }
  EXPECT_LE(worst, 0.5);
  // While curls come, cycles also run every interval (curls get ≤ 5 s old
  // values); a minute after the last, one per scrape again.
  EXPECT_GE(r.CyclesIn(205, 230), 5);
  EXPECT_LE(r.MaxAge(200, 235), 5.0);
  EXPECT_EQ(r.CyclesIn(300, 600), 20);
}

TEST(CyclePlanner, AgeBoundHonouredForSlowScrapers) {
  // A scrape every 2 min, values at most 90 s old (the default): a cycle
  // before each scrape and one in between.
  CyclePlanner p;
  SimRun r = Simulate(&p, Defaults(), Stream(120, 10, 0, 1800), 1800);
  ASSERT_EQ(p.Cadences(T0 + S(1800)).size(), 1u);
  for (size_t i = 1; i < r.ends.size(); ++i)
    EXPECT_LE(r.ends[i] - r.ends[i - 1], S(90));
  EXPECT_LE(r.MaxAge(600, 1800), 0.5);
  EXPECT_EQ(r.CyclesIn(600, 1800), 20);
}

TEST(CyclePlanner, MinuteScrapesNeedNoExtraCycle) {
  CyclePlanner p;
  SimRun r = Simulate(&p, Defaults(), Stream(60, 10, 0, 1800), 1800);
  EXPECT_LE(r.MaxAge(600, 1800), 0.5);
  EXPECT_EQ(r.CyclesIn(600, 1800), 20);
}

TEST(CyclePlanner, PushSinksKeepTheInterval) {
  CyclePlanner p;
  CyclePlannerOptions o;
  o.keep_interval = true;
  SimRun r = Simulate(&p, o, Stream(15, 4, 0, 600), 600);
  for (size_t i = 1; i < r.starts.size(); ++i)
    EXPECT_LE(r.starts[i] - r.starts[i - 1], S(5));
  EXPECT_LE(r.MaxAge(120, 600), 0.5);
}

TEST(CyclePlanner, LeadAdaptsToLongerCycles) {
  CyclePlanner p;
  // Cycles take 20 ms, then 2 s from 300 s on.
  auto duration = [](TimePoint start) {
    return start < T0 + S(300) ? S(0.02) : S(2);
  };
  SimRun r = Simulate(&p, Defaults(), Stream(15, 4, 0, 600), 600, duration);
  EXPECT_GE(p.Lead(), S(2));
  // The first scrape after the change may find its cycle still running;
  // from the next one on, cycles end before the scrape again.
  EXPECT_LE(r.MaxAge(330, 600), 1.0);
  EXPECT_GT(r.MinAge(330, 600), 0.0);
  EXPECT_EQ(r.CyclesIn(330, 600), 18);
}

TEST(CyclePlanner, HungCollectorCycleEndsAtItsDeadlineAndPlanningGoesOn) {
  CyclePlanner p;
  // One cycle waits for a hung collector until its 4 s deadline.
  bool hung = false;
  auto duration = [&](TimePoint start) {
    if (!hung && start > T0 + S(300)) {
      hung = true;
      return S(4);
    }
    return S(0.02);
  };
  SimRun r = Simulate(&p, Defaults(), Stream(15, 4, 0, 600), 600, duration);
  EXPECT_TRUE(hung);
  ASSERT_EQ(p.Cadences(T0 + S(600)).size(), 1u);
  // The scrape during the hung cycle got the previous values (≤ 15.5 s);
  // the next ones are fresh again, with a longer lead for a few cycles.
  EXPECT_LE(r.MaxAge(300, 600), 15.5);
  EXPECT_LE(r.MaxAge(320, 600), 5.5);
  EXPECT_LE(r.MaxAge(420, 600), 0.5);
  EXPECT_EQ(r.CyclesIn(320, 600), 19);
}

TEST(CyclePlanner, HammeringClientCannotMakeCyclesBusier) {
  CyclePlanner p;
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(0, 30);
  std::vector<TimePoint> arrivals;
  for (int i = 0; i < 3000; ++i) arrivals.push_back(T0 + S(u(rng)));
  std::sort(arrivals.begin(), arrivals.end());
  SimRun r = Simulate(&p, Defaults(), arrivals, 30);
  for (size_t i = 1; i < r.starts.size(); ++i)
    EXPECT_GE(r.starts[i] - r.starts[i - 1], CyclePlanner::kMinGap);
}

TEST(CyclePlanner, WakerCalledPerArrivalAndCleared) {
  CyclePlanner p;
  int calls = 0;
  p.SetWaker([&] { ++calls; });
  p.OnScrape(T0);
  p.OnScrape(T0 + S(1));
  p.SetWaker({});
  p.OnScrape(T0 + S(2));
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace host_exporter
