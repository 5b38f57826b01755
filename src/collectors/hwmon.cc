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

// The last element of a path, and the one before it.
std::pair<std::string, std::string> LastTwo(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const std::string name = path.substr(slash + 1);
  std::string parent = path.substr(0, slash == std::string::npos ? 0 : slash);
  while (!parent.empty() && parent.back() == '/') parent.pop_back();
  const size_t pslash = parent.find_last_of('/');
  return {parent.substr(pslash == std::string::npos ? 0 : pslash + 1), name};
}

// The cleaned content of the name file, if it has one.
std::optional<std::string> ChipName(const std::string& name_path) {
  FileRead f = ReadWhole(name_path);
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
  if (auto name = ChipName(dir + "/name")) return *name;
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

// A chip as planned when it was first seen (or its stamp changed): its
// label, its sensor files and the (sensor, property) slot each fills. A
// hwmon device registers its attribute files with itself, so they stay what
// they were while the device lives; on sysfs its class symlink's stamp is
// fixed for that life (KeptDir::Stamp), elsewhere (a fixture tree) the
// directories' change times tell an added or removed file. What is read
// each cycle is the files' values, through kept descriptors; the listings,
// the device link's realpath and the slots' strings are not made again.
struct Chip {
  // One (sensor, property) pair: std::map's order of node_exporter's
  // nested map (sensor, then property; "" for the bare file first).
  struct Slot {
    std::string sensor;    // "temp1" (type and number: temp01 is temp1)
    std::string type;      // "temp"
    std::string property;  // "input", "" for the bare file
    std::string value;     // this cycle's, trimmed of newlines
    bool present = false;  // read this cycle
  };
  struct File {
    std::string path;
    uint32_t slot;
  };
  EntryStamps stamps;    // of the chip and its device/
  bool is_chip = false;  // a directory (a symlink to one)
  bool ignored = false;  // left out by the chip filters
  std::string chip;      // HwmonName()
  std::string name_path;
  // The chip's files, then its device's: a device file read fills its slot
  // after the chip's, as node_exporter's second collectSensorData.
  std::vector<File> files;
  std::vector<Slot> slots;
  bool seen = false;  // listed this cycle
};

// node_exporter's collectSensorData's listing: every sensor file of a known
// type in `dir` (sensor key, type, property, path).
struct Listed {
  std::string sensor, type, property, path;
};
void ListSensorFiles(const std::string& dir, std::vector<Listed>* out) {
  DirRead list = ReadDir(dir);
  if (!list.ok()) ThrowErrno(dir, list.error);
  for (const DirEntry& e : list.entries) {
    auto parts = parse::ExplodeSensorFilename(e.name);
    if (!parts || !parse::IsHwmonSensorType(parts->type)) continue;
    out->push_back({parts->type + std::to_string(parts->number), parts->type,
                    parts->property, dir + "/" + e.name});
  }
}

// Plans chip `dir` (throws CollectError as node_exporter's hwmonName and
// collectSensorData fail).
void Plan(const std::string& dir, const Filters& filters, Chip* c) {
  c->chip = HwmonName(dir);
  c->ignored =
      filters.Ignored(filters.chip_include, filters.chip_exclude, c->chip);
  c->name_path = dir + "/name";
  c->files.clear();
  c->slots.clear();
  if (c->ignored) return;
  std::vector<Listed> listed;
  ListSensorFiles(dir, &listed);
  if (Stat(dir + "/device").error == 0) {
    ListSensorFiles(dir + "/device", &listed);
  }
  std::map<std::pair<std::string, std::string>, uint32_t> slot_of;
  for (const Listed& l : listed)
    slot_of.emplace(std::pair(l.sensor, l.property), 0);
  for (auto& [key, index] : slot_of) {
    index = static_cast<uint32_t>(c->slots.size());
    Chip::Slot slot;
    slot.sensor = key.first;
    slot.property = key.second;
    c->slots.push_back(std::move(slot));
  }
  for (Listed& l : listed) {
    const uint32_t index = slot_of[{l.sensor, l.property}];
    c->slots[index].type = l.type;
    c->files.push_back({std::move(l.path), index});
  }
}

// Kept strings for the names and helps made per series (no allocation once
// they have grown to their longest).
struct Scratch {
  std::string key, name, help;
};

void CollectChip(Chip& c, const Filters& filters, Scratch& tmp,
                 FamilySet* out) {
  for (Chip::Slot& slot : c.slots) slot.present = false;
  for (const Chip::File& file : c.files) {
    FileRead f = ReadOnce(file.path);
    if (!f.ok()) continue;  // unreadable files are skipped
    std::string_view value = f.data;
    while (!value.empty() && value.front() == '\n') value.remove_prefix(1);
    while (!value.empty() && value.back() == '\n') value.remove_suffix(1);
    Chip::Slot& slot = c.slots[file.slot];
    slot.value.assign(value);
    slot.present = true;
  }
  if (auto chip_name = ChipName(c.name_path)) {
    out->Gauge("node_hwmon_chip_names",
               "Annotation metric for human-readable chip names")
        .Add({{"chip", c.chip}, {"chip_name", *chip_name}}, 1);
  }
  const std::string& chip = c.chip;
  // A sensor's slots are consecutive; those read this cycle are its
  // properties (node_exporter's map for it).
  for (size_t begin = 0; begin < c.slots.size();) {
    size_t end = begin + 1;
    while (end < c.slots.size() && c.slots[end].sensor == c.slots[begin].sensor)
      ++end;
    const std::string& sensor = c.slots[begin].sensor;
    const std::string& type = c.slots[begin].type;
    const Chip::Slot* label = nullptr;
    const Chip::Slot* bare = nullptr;
    bool any = false;
    for (size_t i = begin; i < end; ++i) {
      const Chip::Slot& s = c.slots[i];
      if (!s.present) continue;
      any = true;
      if (s.property == "label") label = &s;
      if (s.property.empty()) bare = &s;
    }
    const size_t first = begin;
    begin = end;
    if (!any) continue;
    tmp.key.assign(chip).append(";").append(sensor);
    if (filters.Ignored(filters.sensor_include, filters.sensor_exclude,
                        tmp.key))
      continue;
    if (label) {
      out->Gauge("node_hwmon_sensor_label", "Label for given chip and sensor")
          .Add({{"chip", chip},
                {"sensor", sensor},
                {"label", parse::ToValidUtf8(label->value)}},
               1);
    }
    if (type == "beep_enable") {
      const bool on = bare && bare->value == "1";
      out->Gauge("node_hwmon_beep_enabled", "Hardware beep enabled")
          .Add({{"chip", chip}, {"sensor", sensor}}, on ? 1 : 0);
      continue;
    }
    if (type == "vrm" || type == "update_interval") {
      auto v = parse::ParseGoFloat(bare ? std::string_view(bare->value) : "");
      if (!v) continue;
      if (type == "vrm") {
        out->Gauge("node_hwmon_voltage_regulator_version",
                   "Hardware voltage regulator")
            .Add({{"chip", chip}, {"sensor", sensor}}, *v);
      } else {
        out->Gauge("node_hwmon_update_interval_seconds",
                   "Hardware monitor update interval")
            .Add({{"chip", chip}, {"sensor", sensor}}, *v * 0.001);
      }
      continue;
    }
    for (size_t i = first; i < end; ++i) {
      const Chip::Slot& s = c.slots[i];
      if (!s.present || s.property == "label") continue;
      std::string_view element = s.property;
      std::string& name = tmp.name;
      name.assign("node_hwmon_").append(type);
      if (element == "input") {
        // The bare file is the value when there is one; then *_input is
        // an element of its own.
        if (bare) name += "_input";
      } else if (!element.empty()) {
        name.append("_").append(parse::CleanMetricName(element));
      }
      auto parsed = parse::ParseGoFloat(s.value);
      if (!parsed) continue;
      const double v = *parsed;
      std::string& help = tmp.help;
      auto gauge = [&](std::string_view suffix, double value) {
        name.append(suffix);
        out->Gauge(name, help).Add({{"chip", chip}, {"sensor", sensor}}, value);
      };
      if (element == "fault" || element == "alarm") {
        help.assign("Hardware sensor ").append(element).append(" status (");
        help.append(type).append(")");
        gauge("", v);
      } else if (element == "beep") {
        help.assign("Hardware monitor sensor has beeping enabled");
        gauge("_enabled", v);
      } else if (type == "in" || type == "cpu") {
        help.assign("Hardware monitor for voltage (").append(element);
        help.append(")");
        gauge("_volts", v * 0.001);
      } else if (type == "temp" && element != "type") {
        if (element.empty()) element = "input";
        help.assign("Hardware monitor for temperature (").append(element);
        help.append(")");
        gauge("_celsius", v * 0.001);
      } else if (type == "curr") {
        help.assign("Hardware monitor for current (").append(element);
        help.append(")");
        gauge("_amps", v * 0.001);
      } else if (type == "energy") {
        help.assign("Hardware monitor for joules used so far (");
        help.append(element).append(")");
        name.append("_joule_total");
        out->Counter(name, help)
            .Add({{"chip", chip}, {"sensor", sensor}}, v / 1000000.0);
      } else if (type == "power" && element == "accuracy") {
        help.assign("Hardware monitor power meter accuracy, as a ratio");
        gauge("", v / 1000000.0);
      } else if (type == "power" && (element == "average_interval" ||
                                     element == "average_interval_min" ||
                                     element == "average_interval_max")) {
        help.assign("Hardware monitor power usage update interval (");
        help.append(element).append(")");
        gauge("_seconds", v * 0.001);
      } else if (type == "power") {
        help.assign("Hardware monitor for power usage in watts (");
        help.append(element).append(")");
        gauge("_watt", v / 1000000.0);
      } else if (type == "humidity") {
        help.assign(
            "Hardware monitor for humidity, as a ratio (multiply with "
            "100.0 to get the humidity as a percentage) (");
        help.append(element).append(")");
        gauge("", v / 1000000.0);
      } else if (type == "fan" && (element == "input" || element == "min" ||
                                   element == "max" || element == "target")) {
        help.assign("Hardware monitor for fan revolutions per minute (");
        help.append(element).append(")");
        gauge("_rpm", v);
      } else {
        help.assign("Hardware monitor ").append(type).append(" element ");
        help.append(element);
        gauge("", v);
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
    root_dir_.Refresh(root);
    DirRead list = root_dir_.List();
    if (list.error == ENOENT) {
      chips_.clear();
      return {};
    }
    if (!list.ok()) ThrowErrno(root, list.error);
    FamilySet out;
    for (auto& [name, chip] : chips_) chip.seen = false;
    // node_exporter goes on after a failing chip and reports the last
    // failure at the end; a dangling symlink is one too.
    std::string last_error;
    for (const DirEntry& e : list.entries) {
      auto [it, added] = chips_.try_emplace(e.name);
      Chip& c = it->second;
      c.seen = true;
      if (added || !c.stamps.Same(root_dir_, e.name)) {
        c.stamps.Take(root_dir_, e.name, {"", "device"});
        const std::string dir = root + "/" + e.name;
        Kind kind = e.kind;
        if (kind == Kind::kSymlink) {
          StatResult st = Stat(dir);
          if (st.error) {
            chips_.erase(it);
            last_error = dir + ": " + std::strerror(st.error);
            continue;
          }
          kind = st.kind;
        }
        c.is_chip = kind == Kind::kDirectory;
        if (c.is_chip) {
          try {
            Plan(dir, filters_, &c);
          } catch (const CollectError& err) {
            chips_.erase(it);  // planned again next cycle
            last_error = err.what();
            continue;
          }
        }
      }
      if (!c.is_chip || c.ignored) continue;
      try {
        CollectChip(c, filters_, scratch_, &out);
      } catch (const CollectError& err) {
        last_error = err.what();
      }
    }
    std::erase_if(chips_, [](const auto& kv) { return !kv.second.seen; });
    if (!last_error.empty()) throw CollectError(last_error);
    return out.Take();
  }

 private:
  const Filters filters_;
  KeptDir root_dir_;                   // class/hwmon, the chips stamped in it
  std::map<std::string, Chip> chips_;  // by entry name ("hwmon0")
  Scratch scratch_;
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
