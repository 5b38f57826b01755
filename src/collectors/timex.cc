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
    auto gauge = [&out](const char* name, const char* help, double v) {
      out.Gauge(name, help).Add(v);
    };
    auto counter = [&out](const char* name, const char* help, double v) {
      out.Counter(name, help).Add(v);
    };
    gauge("node_timex_sync_status",
          "Is clock synchronized to a reliable server (1 = yes, 0 = no).",
          state == TIME_ERROR ? 0 : 1);
    gauge("node_timex_offset_seconds",
          "Time offset in between local system and reference clock.",
          static_cast<double>(tx.offset) / divisor);
    gauge("node_timex_frequency_adjustment_ratio",
          "Local clock frequency adjustment.",
          1 + static_cast<double>(tx.freq) / kPpm16Frac);
    gauge("node_timex_maxerror_seconds", "Maximum error in seconds.",
          static_cast<double>(tx.maxerror) / kMicroSeconds);
    gauge("node_timex_estimated_error_seconds", "Estimated error in seconds.",
          static_cast<double>(tx.esterror) / kMicroSeconds);
    gauge("node_timex_status", "Value of the status array bits.",
          static_cast<double>(tx.status));
    gauge("node_timex_loop_time_constant", "Phase-locked loop time constant.",
          static_cast<double>(tx.constant));
    gauge("node_timex_tick_seconds", "Seconds between clock ticks.",
          static_cast<double>(tx.tick) / kMicroSeconds);
    gauge("node_timex_pps_frequency_hertz", "Pulse per second frequency.",
          static_cast<double>(tx.ppsfreq) / kPpm16Frac);
    gauge("node_timex_pps_jitter_seconds", "Pulse per second jitter.",
          static_cast<double>(tx.jitter) / divisor);
    gauge("node_timex_pps_shift_seconds", "Pulse per second interval duration.",
          static_cast<double>(tx.shift));
    gauge("node_timex_pps_stability_hertz",
          "Pulse per second stability, average of recent frequency changes.",
          static_cast<double>(tx.stabil) / kPpm16Frac);
    counter("node_timex_pps_jitter_total",
            "Pulse per second count of jitter limit exceeded events.",
            static_cast<double>(tx.jitcnt));
    counter("node_timex_pps_calibration_total",
            "Pulse per second count of calibration intervals.",
            static_cast<double>(tx.calcnt));
    counter("node_timex_pps_error_total",
            "Pulse per second count of calibration errors.",
            static_cast<double>(tx.errcnt));
    counter("node_timex_pps_stability_exceeded_total",
            "Pulse per second count of stability limit exceeded events.",
            static_cast<double>(tx.stbcnt));
    gauge("node_timex_tai_offset_seconds",
          "International Atomic Time (TAI) offset.",
          static_cast<double>(tx.tai));
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

CollectorSpec TimexCollectorSpec() {
  return {"timex",
          true,
          "Exposes selected adjtimex(2) system call stats (live host only).",
          {},
          [](const CollectorOptions&) -> std::unique_ptr<Collector> {
            return NewTimexCollector(SystemAdjtimex);
          }};
}

}  // namespace host_exporter
