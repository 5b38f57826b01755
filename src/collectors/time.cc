// time: node_time_seconds, node_time_zone_offset_seconds{time_zone} and the
// clocksources of sysfs devices/system/clocksource/clocksourceN/ as
// node_time_clocksource_{available,current}_info{device,clocksource}.
#include "collectors/time.h"

#include <ctime>
#include <utility>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/time.h"

namespace host_exporter {
namespace {

// Matches the glob "clocksource[0-9]*" that procfs's ClockSources uses.
bool IsClocksourceDir(const std::string& name) {
  return IsPrefixDigit(name, "clocksource");
}

class TimeCollector : public Collector {
 public:
  explicit TimeCollector(WallClock clock) : clock_(std::move(clock)) {
    // localtime_r need not look at TZ again; read it now, once.
    ::tzset();
  }

  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    const auto now = clock_();
    const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           now.time_since_epoch())
                           .count();
    // As Go: float64(now.UnixNano()) / 1e9.
    out.Gauge("node_time_seconds", "System time in seconds since epoch (1970).")
        .Add(static_cast<double>(nanos) / 1e9);

    const std::time_t secs = std::chrono::system_clock::to_time_t(now);
    struct tm local {};
    if (::localtime_r(&secs, &local) == nullptr) {
      throw CollectError("localtime_r: cannot convert the current time");
    }
    const char* zone = local.tm_zone != nullptr ? local.tm_zone : "";
    out.Gauge("node_time_zone_offset_seconds",
              "System time zone offset in seconds.")
        .Add({{"time_zone", zone}}, static_cast<double>(local.tm_gmtoff));

    AddClocksources(paths, &out);
    return out.Take();
  }

 private:
  // node_exporter labels each device by its index in the sorted list of
  // clocksourceN directories (not by N).
  static void AddClocksources(const HostPaths& paths, FamilySet* out) {
    const std::string dir = paths.Sys("devices/system/clocksource");
    auto& available = out->Gauge(
        "node_time_clocksource_available_info",
        "Available clocksources read from '/sys/devices/system/clocksource'.");
    auto& current = out->Gauge(
        "node_time_clocksource_current_info",
        "Current clocksource read from '/sys/devices/system/clocksource'.");
    size_t index = 0;
    for (const std::string& name : ListDir(dir)) {
      if (!IsClocksourceDir(name)) continue;
      const std::string base = dir + "/" + name + "/";
      const std::string avail_path = base + "available_clocksource";
      const std::string current_path = base + "current_clocksource";
      const std::string avail_text = ReadFile(avail_path);
      const std::string current_text = ReadFile(current_path);
      auto cs = Unwrap(parse::ParseClocksource(avail_text, current_text),
                       base + "{available,current}_clocksource");
      const std::string device = std::to_string(index++);
      for (const std::string& source : cs.available) {
        available.Add({{"device", device}, {"clocksource", source}}, 1);
      }
      current.Add({{"device", device}, {"clocksource", cs.current}}, 1);
    }
  }

  WallClock clock_;
};

}  // namespace

std::unique_ptr<Collector> NewTimeCollector(WallClock clock) {
  return std::make_unique<TimeCollector>(std::move(clock));
}

namespace collectors::time {

CollectorSpec Spec() {
  return {"time",
          true,
          "Exposes the current system time.",
          {},
          [](const CollectorOptions&) -> std::unique_ptr<Collector> {
            return NewTimeCollector(
                [] { return std::chrono::system_clock::now(); });
          }};
}

}  // namespace collectors::time

}  // namespace host_exporter
