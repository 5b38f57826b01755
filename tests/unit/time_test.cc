// Clocksource parser and the time collector with a fixed clock.
#include "collectors/time.h"

#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>

#include "parse/time.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseClocksource;
using testing::Family;
using testing::FindFamily;
using testing::FindValue;
using testing::FixturePaths;

TEST(ParseClocksourceTest, AvailableAndCurrent) {
  auto r = ParseClocksource("tsc hpet acpi_pm \n", "tsc\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.available,
            (std::vector<std::string>{"tsc", "hpet", "acpi_pm"}));
  EXPECT_EQ(r.value.current, "tsc");
}

TEST(ParseClocksourceTest, WhitespaceVariants) {
  // Tabs, CRs, missing newline, and (never seen, but Go's strings.Fields
  // allows it) a second line.
  auto r = ParseClocksource("\tkvm-clock\ttsc\r\nacpi_pm", "  kvm-clock \r\n");
  EXPECT_EQ(r.value.available,
            (std::vector<std::string>{"kvm-clock", "tsc", "acpi_pm"}));
  EXPECT_EQ(r.value.current, "kvm-clock");
}

TEST(ParseClocksourceTest, EmptyFiles) {
  auto r = ParseClocksource("", "");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value.available.empty());
  EXPECT_EQ(r.value.current, "");
  r = ParseClocksource("\n", "\n");
  EXPECT_TRUE(r.value.available.empty());
}

// Sets TZ for the life of the object (the collector reads it when built).
class ScopedTZ {
 public:
  explicit ScopedTZ(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ScopedTZ() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> old_;
};

// 2023-11-14T22:13:20.123456789Z.
constexpr int64_t kFixedNanos = 1700000000123456789;

WallClock FixedClock() {
  return [] {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(kFixedNanos)));
  };
}

TEST(TimeCollectorTest, FixedClockAndZone) {
  ScopedTZ tz("ABC-3");  // POSIX: "ABC", three hours east of UTC
  Families fams = NewTimeCollector(FixedClock())->Collect(FixturePaths());
  const auto* now = FindFamily(fams, "node_time_seconds");
  ASSERT_NE(now, nullptr);
  EXPECT_EQ(now->help, "System time in seconds since epoch (1970).");
  EXPECT_EQ(now->type, prometheus::MetricType::Gauge);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_time_seconds"),
                   static_cast<double>(kFixedNanos) / 1e9);
  const auto* zone = FindFamily(fams, "node_time_zone_offset_seconds");
  ASSERT_NE(zone, nullptr);
  EXPECT_EQ(zone->help, "System time zone offset in seconds.");
  EXPECT_EQ(
      FindValue(fams, "node_time_zone_offset_seconds", {{"time_zone", "ABC"}}),
      10800.0);
}

TEST(TimeCollectorTest, ZoneFollowsTheInstant) {
  // Central Europe: CET in November, CEST in July.
  ScopedTZ tz("CET-1CEST,M3.5.0,M10.5.0/3");
  auto winter = NewTimeCollector(FixedClock())->Collect(FixturePaths());
  EXPECT_EQ(FindValue(winter, "node_time_zone_offset_seconds",
                      {{"time_zone", "CET"}}),
            3600.0);
  auto summer =
      NewTimeCollector([] {
        return std::chrono::system_clock::from_time_t(1720000000);  // July
      })->Collect(FixturePaths());
  EXPECT_EQ(FindValue(summer, "node_time_zone_offset_seconds",
                      {{"time_zone", "CEST"}}),
            7200.0);
  EXPECT_EQ(FindValue(summer, "node_time_seconds"), 1720000000.0);
}

TEST(TimeCollectorTest, UTCAndTheRegisteredCollector) {
  ScopedTZ tz("UTC0");
  Families fams = testing::RunCollector("time");
  EXPECT_EQ(
      FindValue(fams, "node_time_zone_offset_seconds", {{"time_zone", "UTC"}}),
      0.0);
  // The real clock: some time after this test was written.
  EXPECT_GT(*FindValue(fams, "node_time_seconds"), 1.7e9);
}

TEST(TimeCollectorTest, FixtureClocksources) {
  Families fams = NewTimeCollector(FixedClock())->Collect(FixturePaths());
  EXPECT_EQ(fams.size(), 4u);
  const auto* avail = FindFamily(fams, "node_time_clocksource_available_info");
  ASSERT_NE(avail, nullptr);
  EXPECT_EQ(avail->help,
            "Available clocksources read from "
            "'/sys/devices/system/clocksource'.");
  EXPECT_EQ(avail->metric.size(), 3u);
  for (const char* cs : {"tsc", "hpet", "acpi_pm"}) {
    EXPECT_EQ(FindValue(fams, "node_time_clocksource_available_info",
                        {{"device", "0"}, {"clocksource", cs}}),
              1.0)
        << cs;
  }
  const auto* current = FindFamily(fams, "node_time_clocksource_current_info");
  ASSERT_NE(current, nullptr);
  EXPECT_EQ(current->help,
            "Current clocksource read from '/sys/devices/system/clocksource'.");
  EXPECT_EQ(current->metric.size(), 1u);
  EXPECT_EQ(FindValue(fams, "node_time_clocksource_current_info",
                      {{"device", "0"}, {"clocksource", "hpet"}}),
            1.0);
}

// A sysfs root with chosen clocksource devices.
class ScratchSys {
 public:
  void Write(const std::string& rel, const std::string& text) {
    root_.Write("sys/devices/system/clocksource/" + rel, text);
  }
  void Device(const std::string& name, const std::string& available,
              const std::string& current) {
    Write(name + "/available_clocksource", available);
    Write(name + "/current_clocksource", current);
  }
  const std::string& root() const { return root_.dir(); }

 private:
  testing::TempRoot root_;
};

TEST(TimeCollectorTest, DeviceLabelIsTheSortedIndexAsInNodeExporter) {
  ScratchSys s;
  s.Device("clocksource0", "tsc \n", "tsc\n");
  s.Device("clocksource1", "a \n", "a\n");
  s.Device("clocksource10", "b \n", "b\n");
  s.Device("clocksource2", "c \n", "c\n");
  s.Write("clocksourcex/available_clocksource", "ignored \n");  // no digit
  s.Write("uevent", "");
  Families fams =
      NewTimeCollector(FixedClock())->Collect(FixturePaths(s.root()));
  // Sorted: clocksource0, clocksource1, clocksource10, clocksource2.
  EXPECT_EQ(FindValue(fams, "node_time_clocksource_current_info",
                      {{"device", "2"}, {"clocksource", "b"}}),
            1.0);
  EXPECT_EQ(FindValue(fams, "node_time_clocksource_current_info",
                      {{"device", "3"}, {"clocksource", "c"}}),
            1.0);
  EXPECT_EQ(Family(fams, "node_time_clocksource_current_info").metric.size(),
            4u);
}

TEST(TimeCollectorTest, NoClocksourcesIsNotAnError) {
  Families fams = NewTimeCollector(FixedClock())
                      ->Collect(FixturePaths("/nonexistent-time-root"));
  EXPECT_EQ(fams.size(), 2u);
  EXPECT_EQ(FindFamily(fams, "node_time_clocksource_current_info"), nullptr);
  EXPECT_NE(FindFamily(fams, "node_time_seconds"), nullptr);
}

TEST(TimeCollectorTest, MissingCurrentFileNamesThePath) {
  ScratchSys s;
  s.Write("clocksource0/available_clocksource", "tsc \n");
  try {
    NewTimeCollector(FixedClock())->Collect(FixturePaths(s.root()));
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              s.root() +
                  "/sys/devices/system/clocksource/clocksource0/"
                  "current_clocksource: No such file or directory");
  }
}

}  // namespace
}  // namespace host_exporter
