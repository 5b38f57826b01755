// hwmon: node_hwmon_* from /sys/class/hwmon/hwmon<N>/ (and its device/),
// named and labelled as node_exporter 1.5 does (lm-sensors' view of the
// chips).
//
// The chip label is "<bus>_<device>" from the resolved device/ link
// ("platform_coretemp_0"), else the cleaned name file, else the hwmon<N>
// directory name; node_hwmon_chip_names maps it to the name file. Sensor
// files are <type><N>_<property> for the types vrm, beep_enable,
// update_interval, in, cpu, fan, pwm, temp, curr, power, energy, humidity
// and intrusion; each property becomes a family with node_exporter's unit
// suffix and scale (millivolts to volts, millidegrees to degrees,
// microwatts to watts, ...). A value that is not a number is skipped; a
// sensor's label file gives node_hwmon_sensor_label. No /sys/class/hwmon:
// no families.
//
// node_exporter 1.6's filters: --collector.hwmon.chip-{include,exclude} on
// the chip label (a chip left out gives no series at all), and
// --collector.hwmon.sensor-{include,exclude} on "<chip>;<sensor>"
// ("platform_coretemp_0;temp3").
#include "parse/hwmon.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::hwmon {
namespace {

// sensor ("temp1") -> property ("input", "" for the bare file) -> value.
using SensorData = std::map<std::string, std::map<std::string, std::string>>;

// The last element of a path, and the one before it.
std::pair<std::string, std::string> LastTwo(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const std::string name = path.substr(slash + 1);
  std::string parent = path.substr(0, slash == std::string::npos ? 0 : slash);
  while (!parent.empty() && parent.back() == '/') parent.pop_back();
  const size_t pslash = parent.find_last_of('/');
  return {parent.substr(pslash == std::string::npos ? 0 : pslash + 1), name};
}

// node_exporter's collectSensorData: every sensor file of a known type in
// `dir`, values trimmed of newlines. Unreadable files are skipped.
void CollectSensorData(const std::string& dir, SensorData* data) {
  DirRead list = ReadDir(dir);
  if (!list.ok()) ThrowErrno(dir, list.error);
  for (const DirEntry& e : list.entries) {
    auto parts = parse::ExplodeSensorFilename(e.name);
    if (!parts || !parse::IsHwmonSensorType(parts->type)) continue;
    FileRead f = ReadOnce(dir + "/" + e.name);
    if (!f.ok()) continue;
    std::string_view value = f.data;
    while (!value.empty() && value.front() == '\n') value.remove_prefix(1);
    while (!value.empty() && value.back() == '\n') value.remove_suffix(1);
    (*data)[parts->type + std::to_string(parts->number)][parts->property] =
        std::string(value);
  }
}

// The cleaned content of the name file, if it has one.
std::optional<std::string> ChipName(const std::string& dir) {
  FileRead f = ReadWhole(dir + "/name");
  if (!f.ok() || f.data.empty()) return std::nullopt;
  std::string clean = parse::CleanMetricName(f.data);
  if (clean.empty()) return std::nullopt;
  return clean;
}

// node_exporter's hwmonName: the device path, the name file, or the
// directory's own name.
std::string HwmonName(const std::string& dir) {
  if (auto device = RealPath(dir + "/device")) {
    const auto [type, name] = LastTwo(*device);
    const std::string clean_name = parse::CleanMetricName(name);
    const std::string clean_type = parse::CleanMetricName(type);
    if (!clean_type.empty() && !clean_name.empty()) {
      return clean_type + "_" + clean_name;
    }
    if (!clean_name.empty()) return clean_name;
  }
  if (auto name = ChipName(dir)) return *name;
  auto real = RealPath(dir);
  if (!real) throw CollectError(dir + ": cannot resolve the path");
  const std::string clean = parse::CleanMetricName(LastTwo(*real).second);
  if (clean.empty()) {
    throw CollectError("Could not derive a monitoring name for " + dir);
  }
  return clean;
}

// The chip and sensor filters, as node_exporter's deviceFilter: left out if
// the exclude pattern matches or the include pattern does not.
struct Filters {
  Filter chip_include, chip_exclude, sensor_include, sensor_exclude;
  bool Ignored(const Filter& include, const Filter& exclude,
               const std::string& s) const {
    return exclude.Excludes(s) || !include.Includes(s);
  }
};

constexpr char kChipInclude[] = "collector.hwmon.chip-include";
constexpr char kChipExclude[] = "collector.hwmon.chip-exclude";
constexpr char kSensorInclude[] = "collector.hwmon.sensor-include";
constexpr char kSensorExclude[] = "collector.hwmon.sensor-exclude";

void CollectChip(const std::string& dir, const Filters& filters,
                 FamilySet* out) {
  const std::string chip = HwmonName(dir);
  if (filters.Ignored(filters.chip_include, filters.chip_exclude, chip)) return;
  SensorData data;
  CollectSensorData(dir, &data);
  if (Stat(dir + "/device").error == 0) {
    CollectSensorData(dir + "/device", &data);
  }
  if (auto chip_name = ChipName(dir)) {
    out->Gauge("node_hwmon_chip_names",
               "Annotation metric for human-readable chip names")
        .Add({{"chip", chip}, {"chip_name", *chip_name}}, 1);
  }

  for (const auto& [sensor, props] : data) {
    if (filters.Ignored(filters.sensor_include, filters.sensor_exclude,
                        chip + ";" + sensor))
      continue;
    const std::string type = parse::ExplodeSensorFilename(sensor)->type;
    const Labels labels = {{"chip", chip}, {"sensor", sensor}};
    if (auto it = props.find("label"); it != props.end()) {
      out->Gauge("node_hwmon_sensor_label", "Label for given chip and sensor")
          .Add({{"chip", chip},
                {"sensor", sensor},
                {"label", parse::ToValidUtf8(it->second)}},
               1);
    }
    auto bare = props.find("");
    if (type == "beep_enable") {
      const bool on = bare != props.end() && bare->second == "1";
      out->Gauge("node_hwmon_beep_enabled", "Hardware beep enabled")
          .Add(labels, on ? 1 : 0);
      continue;
    }
    if (type == "vrm" || type == "update_interval") {
      auto v = parse::ParseGoFloat(bare == props.end() ? "" : bare->second);
      if (!v) continue;
      if (type == "vrm") {
        out->Gauge("node_hwmon_voltage_regulator_version",
                   "Hardware voltage regulator")
            .Add(labels, *v);
      } else {
        out->Gauge("node_hwmon_update_interval_seconds",
                   "Hardware monitor update interval")
            .Add(labels, *v * 0.001);
      }
      continue;
    }
    const std::string prefix = "node_hwmon_" + type;
    for (const auto& [property, raw] : props) {
      if (property == "label") continue;
      std::string element = property;
      std::string name = prefix;
      if (element == "input") {
        // The bare file is the value when there is one; then *_input is
        // an element of its own.
        if (bare != props.end()) name += "_input";
      } else if (!element.empty()) {
        name += "_" + parse::CleanMetricName(element);
      }
      auto parsed = parse::ParseGoFloat(raw);
      if (!parsed) continue;
      const double v = *parsed;
      if (element == "fault" || element == "alarm") {
        out->Gauge(name,
                   "Hardware sensor " + element + " status (" + type + ")")
            .Add(labels, v);
      } else if (element == "beep") {
        out->Gauge(name + "_enabled",
                   "Hardware monitor sensor has beeping enabled")
            .Add(labels, v);
      } else if (type == "in" || type == "cpu") {
        out->Gauge(name + "_volts",
                   "Hardware monitor for voltage (" + element + ")")
            .Add(labels, v * 0.001);
      } else if (type == "temp" && element != "type") {
        if (element.empty()) element = "input";
        out->Gauge(name + "_celsius",
                   "Hardware monitor for temperature (" + element + ")")
            .Add(labels, v * 0.001);
      } else if (type == "curr") {
        out->Gauge(name + "_amps",
                   "Hardware monitor for current (" + element + ")")
            .Add(labels, v * 0.001);
      } else if (type == "energy") {
        out->Counter(
               name + "_joule_total",
               "Hardware monitor for joules used so far (" + element + ")")
            .Add(labels, v / 1000000.0);
      } else if (type == "power" && element == "accuracy") {
        out->Gauge(name, "Hardware monitor power meter accuracy, as a ratio")
            .Add(labels, v / 1000000.0);
      } else if (type == "power" && (element == "average_interval" ||
                                     element == "average_interval_min" ||
                                     element == "average_interval_max")) {
        out->Gauge(
               name + "_seconds",
               "Hardware monitor power usage update interval (" + element + ")")
            .Add(labels, v * 0.001);
      } else if (type == "power") {
        out->Gauge(
               name + "_watt",
               "Hardware monitor for power usage in watts (" + element + ")")
            .Add(labels, v / 1000000.0);
      } else if (type == "humidity") {
        out->Gauge(name,
                   "Hardware monitor for humidity, as a ratio (multiply with "
                   "100.0 to get the humidity as a percentage) (" +
                       element + ")")
            .Add(labels, v / 1000000.0);
      } else if (type == "fan" && (element == "input" || element == "min" ||
                                   element == "max" || element == "target")) {
        out->Gauge(name + "_rpm",
                   "Hardware monitor for fan revolutions per minute (" +
                       element + ")")
            .Add(labels, v);
      } else {
        out->Gauge(name, "Hardware monitor " + type + " element " + element)
            .Add(labels, v);
      }
    }
  }
}

class HwmonCollector : public Collector {
 public:
  explicit HwmonCollector(const CollectorOptions& o)
      : filters_{Filter(kChipInclude, o.Get(kChipInclude)),
                 Filter(kChipExclude, o.Get(kChipExclude)),
                 Filter(kSensorInclude, o.Get(kSensorInclude)),
                 Filter(kSensorExclude, o.Get(kSensorExclude))} {}

  Families Collect(const HostPaths& paths) override {
    const std::string root = paths.Sys("class/hwmon");
    DirRead list = ReadDir(root);
    if (list.error == ENOENT) return {};
    if (!list.ok()) ThrowErrno(root, list.error);
    FamilySet out;
    // node_exporter goes on after a failing chip and reports the last
    // failure at the end; a dangling symlink is one too.
    std::string last_error;
    for (const DirEntry& e : list.entries) {
      const std::string dir = root + "/" + e.name;
      Kind kind = e.kind;
      if (kind == Kind::kSymlink) {
        StatResult st = Stat(dir);
        if (st.error) {
          last_error = dir + ": " + std::strerror(st.error);
          continue;
        }
        kind = st.kind;
      }
      if (kind != Kind::kDirectory) continue;
      try {
        CollectChip(dir, filters_, &out);
      } catch (const CollectError& err) {
        last_error = err.what();
      }
    }
    if (!last_error.empty()) throw CollectError(last_error);
    return out.Take();
  }

 private:
  const Filters filters_;
};

}  // namespace

CollectorSpec Spec() {
  return {"hwmon",
          true,
          "Exposes hardware monitoring and sensor data from "
          "/sys/class/hwmon.",
          {
              {kChipInclude, "",
               "Regexp of hwmon chip to include (mutually exclusive to "
               "device-exclude)."},
              {kChipExclude, "",
               "Regexp of hwmon chip to exclude (mutually exclusive to "
               "device-include)."},
              {kSensorInclude, "",
               "Regexp of hwmon sensor to include (mutually exclusive to "
               "sensor-exclude); matched against \"<chip>;<sensor>\"."},
              {kSensorExclude, "",
               "Regexp of hwmon sensor to exclude (mutually exclusive to "
               "sensor-include); matched against \"<chip>;<sensor>\"."},
          },
          &MakeCollector<HwmonCollector>};
}

}  // namespace host_exporter::collectors::hwmon
