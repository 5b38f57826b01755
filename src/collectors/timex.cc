// timex: node_timex_* -- the kernel's NTP discipline state from adjtimex(2),
// scaled as node_exporter 1.5 does. Live only: there is no file to read, so
// --path.* do not apply.
#include "collectors/timex.h"

#include <cerrno>
#include <cstring>
#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter {
namespace {

// STA_NANO: offset and jitter are in ns rather than µs.
constexpr long kStaNano = 0x2000;
constexpr double kNanoSeconds = 1e9;
constexpr double kMicroSeconds = 1e6;
// freq, ppsfreq and stabil are in ppm with a 16-bit fraction (adjtimex(2)).
constexpr double kPpm16Frac = 1000000.0 * 65536.0;

// What a field is divided by: 1, the offset unit (ns or µs, by STA_NANO),
// 1e6 (µs) or kPpm16Frac.
enum class Unit { kOne, kOffset, kMicro, kPpm16 };

template <auto kMember>
double Field(const struct timex& tx) {
  return static_cast<double>(tx.*kMember);
}

// The families that are a field of struct timex, scaled.
struct TimexFamily {
  const char* name;
  const char* help;
  prometheus::MetricType type;
  double (*field)(const struct timex&);
  Unit unit;
};
constexpr TimexFamily kFamilies[] = {
    {"node_timex_offset_seconds",
     "Time offset in between local system and reference clock.", kGauge,
     Field<&timex::offset>, Unit::kOffset},
    {"node_timex_maxerror_seconds", "Maximum error in seconds.", kGauge,
     Field<&timex::maxerror>, Unit::kMicro},
    {"node_timex_estimated_error_seconds", "Estimated error in seconds.",
     kGauge, Field<&timex::esterror>, Unit::kMicro},
    {"node_timex_status", "Value of the status array bits.", kGauge,
     Field<&timex::status>, Unit::kOne},
    {"node_timex_loop_time_constant", "Phase-locked loop time constant.",
     kGauge, Field<&timex::constant>, Unit::kOne},
    {"node_timex_tick_seconds", "Seconds between clock ticks.", kGauge,
     Field<&timex::tick>, Unit::kMicro},
    {"node_timex_pps_frequency_hertz", "Pulse per second frequency.", kGauge,
     Field<&timex::ppsfreq>, Unit::kPpm16},
    {"node_timex_pps_jitter_seconds", "Pulse per second jitter.", kGauge,
     Field<&timex::jitter>, Unit::kOffset},
    {"node_timex_pps_shift_seconds", "Pulse per second interval duration.",
     kGauge, Field<&timex::shift>, Unit::kOne},
    {"node_timex_pps_stability_hertz",
     "Pulse per second stability, average of recent frequency changes.", kGauge,
     Field<&timex::stabil>, Unit::kPpm16},
    {"node_timex_pps_jitter_total",
     "Pulse per second count of jitter limit exceeded events.", kCounter,
     Field<&timex::jitcnt>, Unit::kOne},
    {"node_timex_pps_calibration_total",
     "Pulse per second count of calibration intervals.", kCounter,
     Field<&timex::calcnt>, Unit::kOne},
    {"node_timex_pps_error_total",
     "Pulse per second count of calibration errors.", kCounter,
     Field<&timex::errcnt>, Unit::kOne},
    {"node_timex_pps_stability_exceeded_total",
     "Pulse per second count of stability limit exceeded events.", kCounter,
     Field<&timex::stbcnt>, Unit::kOne},
    {"node_timex_tai_offset_seconds", "International Atomic Time (TAI) offset.",
     kGauge, Field<&timex::tai>, Unit::kOne},
};

class TimexCollector : public Collector {
 public:
  explicit TimexCollector(AdjtimexFunc adjtimex)
      : adjtimex_(std::move(adjtimex)) {}

  Families Collect(const HostPaths&) override {
    struct timex tx;
    std::memset(&tx, 0, sizeof tx);
    const int state = adjtimex_(&tx);
    FamilySet out;
    if (state < 0) {
      if (state == -EPERM || state == -EACCES) return out.Take();
      throw CollectError(std::string("adjtimex: ") + std::strerror(-state));
    }
    const double divisor =
        (tx.status & kStaNano) != 0 ? kNanoSeconds : kMicroSeconds;
    out.Gauge("node_timex_sync_status",
              "Is clock synchronized to a reliable server (1 = yes, 0 = no).")
        .Add(state == TIME_ERROR ? 0 : 1);
    out.Gauge("node_timex_frequency_adjustment_ratio",
              "Local clock frequency adjustment.")
        .Add(1 + static_cast<double>(tx.freq) / kPpm16Frac);
    for (const TimexFamily& f : kFamilies) {
      const double scale = f.unit == Unit::kOffset  ? divisor
                           : f.unit == Unit::kMicro ? kMicroSeconds
                           : f.unit == Unit::kPpm16 ? kPpm16Frac
                                                    : 1;
      out.Family(f.name, f.help, f.type).Add(f.field(tx) / scale);
    }
    return out.Take();
  }

 private:
  AdjtimexFunc adjtimex_;
};

}  // namespace

int SystemAdjtimex(struct timex* tx) {
  tx->modes = 0;
  const int state = ::adjtimex(tx);
  return state < 0 ? -errno : state;
}

std::unique_ptr<Collector> NewTimexCollector(AdjtimexFunc adjtimex) {
  return std::make_unique<TimexCollector>(std::move(adjtimex));
}

namespace collectors::timex {

CollectorSpec Spec() {
  return {"timex",
          true,
          "Exposes selected adjtimex(2) system call stats (live host only).",
          {},
          [](const CollectorOptions&) -> std::unique_ptr<Collector> {
            return NewTimexCollector(SystemAdjtimex);
          }};
}

}  // namespace collectors::timex

}  // namespace host_exporter
