// powersupplyclass: node_power_supply_* per power supply from
// /sys/class/power_supply/<name>/, as node_exporter 1.5 reads it
// (prometheus/procfs 0.8 PowerSupplyClass): the numeric attributes as
// gauges (micro-units scaled to units, tenths of a degree to degrees) and
// the text ones as labels of node_power_supply_info.
//
// Every supply is parsed before --collector.powersupply.ignored-supplies is
// applied, so a malformed attribute fails the scrape even for an ignored
// supply, as there. No /sys/class/power_supply: no families.
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::powersupplyclass {
namespace {

constexpr char kSupplyIgnored[] = "collector.powersupply.ignored-supplies";

// Numeric attributes procfs parses (a malformed one is an error even when
// node_exporter does not expose it).
constexpr std::string_view kIntFiles[] = {
    "authentic",
    "calibrate",
    "capacity",
    "capacity_alert_max",
    "capacity_alert_min",
    "charge_avg",
    "charge_control_limit",
    "charge_control_limit_max",
    "charge_counter",
    "charge_empty",
    "charge_empty_design",
    "charge_full",
    "charge_full_design",
    "charge_now",
    "charge_term_current",
    "constant_charge_current",
    "constant_charge_current_max",
    "constant_charge_voltage",
    "constant_charge_voltage_max",
    "current_avg",
    "current_boot",
    "current_max",
    "current_now",
    "cycle_count",
    "energy_avg",
    "energy_empty",
    "energy_empty_design",
    "energy_full",
    "energy_full_design",
    "energy_now",
    "input_current_limit",
    "online",
    "power_avg",
    "power_now",
    "precharge_current",
    "present",
    "temp",
    "temp_alert_max",
    "temp_alert_min",
    "temp_ambient",
    "temp_ambient_max",
    "temp_ambient_min",
    "temp_max",
    "temp_min",
    "time_to_empty_avg",
    "time_to_empty_now",
    "time_to_full_avg",
    "time_to_full_now",
    "voltage_avg",
    "voltage_boot",
    "voltage_max",
    "voltage_max_design",
    "voltage_min",
    "voltage_min_design",
    "voltage_now",
    "voltage_ocv",
};

// Text attributes, each a label of node_power_supply_info when not empty.
constexpr std::string_view kStringFiles[] = {
    "capacity_level", "charge_type", "health",        "manufacturer",
    "model_name",     "scope",       "serial_number", "status",
    "technology",     "type",        "usb_type",
};

// An exposed numeric attribute: file, metric suffix and divisor.
struct Exposed {
  const char* file;
  const char* metric;
  double divisor;
};
constexpr Exposed kExposed[] = {
    {"authentic", "authentic", 1},
    {"calibrate", "calibrate", 1},
    {"capacity", "capacity", 1},
    {"capacity_alert_max", "capacity_alert_max", 1},
    {"capacity_alert_min", "capacity_alert_min", 1},
    {"cycle_count", "cyclecount", 1},
    {"online", "online", 1},
    {"present", "present", 1},
    {"time_to_empty_now", "time_to_empty_seconds", 1},
    {"time_to_full_now", "time_to_full_seconds", 1},
    {"current_boot", "current_boot", 1e6},
    {"current_max", "current_max", 1e6},
    {"current_now", "current_ampere", 1e6},
    {"energy_empty", "energy_empty", 1e6},
    {"energy_empty_design", "energy_empty_design", 1e6},
    {"energy_full", "energy_full", 1e6},
    {"energy_full_design", "energy_full_design", 1e6},
    {"energy_now", "energy_watthour", 1e6},
    {"voltage_boot", "voltage_boot", 1e6},
    {"voltage_max", "voltage_max", 1e6},
    {"voltage_max_design", "voltage_max_design", 1e6},
    {"voltage_min", "voltage_min", 1e6},
    {"voltage_min_design", "voltage_min_design", 1e6},
    {"voltage_now", "voltage_volt", 1e6},
    {"voltage_ocv", "voltage_ocv", 1e6},
    {"charge_control_limit", "charge_control_limit", 1e6},
    {"charge_control_limit_max", "charge_control_limit_max", 1e6},
    {"charge_counter", "charge_counter", 1e6},
    {"charge_empty", "charge_empty", 1e6},
    {"charge_empty_design", "charge_empty_design", 1e6},
    {"charge_full", "charge_full", 1e6},
    {"charge_full_design", "charge_full_design", 1e6},
    {"charge_now", "charge_ampere", 1e6},
    {"charge_term_current", "charge_term_current", 1e6},
    {"constant_charge_current", "constant_charge_current", 1e6},
    {"constant_charge_current_max", "constant_charge_current_max", 1e6},
    {"constant_charge_voltage", "constant_charge_voltage", 1e6},
    {"constant_charge_voltage_max", "constant_charge_voltage_max", 1e6},
    {"precharge_current", "precharge_current", 1e6},
    {"input_current_limit", "input_current_limit", 1e6},
    {"power_now", "power_watt", 1e6},
    {"temp", "temp_celsius", 10},
    {"temp_alert_max", "temp_alert_max_celsius", 10},
    {"temp_alert_min", "temp_alert_min_celsius", 10},
    {"temp_ambient", "temp_ambient_celsius", 10},
    {"temp_ambient_max", "temp_ambient_max_celsius", 10},
    {"temp_ambient_min", "temp_ambient_min_celsius", 10},
    {"temp_max", "temp_max_celsius", 10},
    {"temp_min", "temp_min_celsius", 10},
};

static_assert(std::is_sorted(std::begin(kIntFiles), std::end(kIntFiles)));
static_assert(std::is_sorted(std::begin(kStringFiles), std::end(kStringFiles)));
static_assert(std::size(kIntFiles) <= 64);

// The index of `name` in a sorted list, or -1.
template <size_t N>
int IndexIn(std::string_view name, const std::string_view (&list)[N]) {
  const auto* it = std::lower_bound(std::begin(list), std::end(list), name);
  return it != std::end(list) && *it == name
             ? static_cast<int>(it - std::begin(list))
             : -1;
}

// One supply as planned when it was first listed (or its stamp changed):
// its regular files, each with its index in kIntFiles or kStringFiles; and
// its attributes read this cycle: the numeric ones by their index in
// kIntFiles (a bit each in `has`), the text ones by theirs in kStringFiles
// (empty: absent). A power supply registers its attribute files with
// itself, so they stay while it lives: on sysfs its class symlink's stamp
// is fixed for that life, elsewhere (a fixture tree) the directory's change
// time tells a file added or removed.
struct Supply {
  std::string name;
  std::string label;      // the name, valid UTF-8
  bool left_out = false;  // by --collector.powersupply.ignored-supplies
  bool planned = false;   // files listed under `stamp`
  DirStamp stamp;
  int stamp_error = 0;
  struct File {
    std::string path;
    int int_index;     // in kIntFiles, or -1
    int string_index;  // in kStringFiles, or -1
  };
  std::vector<File> files;
  uint64_t has = 0;
  std::array<int64_t, std::size(kIntFiles)> ints{};
  std::array<std::string, std::size(kStringFiles)> strings;
};

// Each exposed attribute's index in kIntFiles, family name and help, made
// once.
struct ExposedFamily {
  int index;
  std::string name, help;
  double divisor;
};
const std::vector<ExposedFamily>& ExposedFamilies() {
  static const auto* families = [] {
    auto* out = new std::vector<ExposedFamily>;
    for (const Exposed& x : kExposed) {
      out->push_back({IndexIn(x.file, kIntFiles),
                      std::string("node_power_supply_") + x.metric,
                      std::string(x.metric) +
                          " value of /sys/class/power_supply/<power_supply>.",
                      x.divisor});
    }
    return out;
  }();
  return *families;
}

// procfs' parsePowerSupply's listing of `dir` into s->files; false for no
// data (the directory is gone).
bool PlanSupply(const std::string& dir, Supply* s) {
  s->planned = false;
  s->files.clear();
  DirRead list = ReadDir(dir);
  if (list.error == ENOENT) return false;
  if (!list.ok()) ThrowErrno(dir, list.error);
  for (const DirEntry& e : list.entries) {
    if (e.kind != Kind::kRegular) continue;
    const int i = IndexIn(e.name, kIntFiles);
    const int j = i < 0 ? IndexIn(e.name, kStringFiles) : -1;
    s->files.push_back({dir + "/" + e.name, i, j});
  }
  s->planned = true;
  return true;
}

// procfs' parsePowerSupply's reads of the planned files into *s.
void ReadSupply(Supply* s) {
  s->has = 0;
  for (std::string& v : s->strings) v.clear();
  for (const Supply::File& file : s->files) {
    // Every regular file is read, as procfs does, even one not parsed.
    FileRead f = ReadPath(file.path, 128);
    if (f.error == ENOENT || f.error == EOPNOTSUPP || f.error == EINVAL) {
      continue;
    }
    if (!f.ok()) ThrowErrno(file.path, f.error);
    const std::string_view value = parse::GoTrimSpace(f.data);
    if (file.int_index >= 0) {
      s->ints[file.int_index] = Unwrap(parse::ParseIntAttr(value), file.path);
      s->has |= uint64_t{1} << file.int_index;
    } else if (file.string_index >= 0) {
      std::string& out = s->strings[file.string_index];
      if (parse::IsValidUtf8(value)) {
        out.assign(value);
      } else {
        out = parse::ToValidUtf8(value);
      }
    }
  }
}

class PowersupplyclassCollector : public Collector {
 public:
  explicit PowersupplyclassCollector(const CollectorOptions& o)
      : ignored_(kSupplyIgnored, o.Get(kSupplyIgnored)) {}

  Families Collect(const HostPaths& paths) override {
    if (root_.empty() || paths.sysfs != sysfs_) {
      sysfs_ = paths.sysfs;
      root_ = paths.Sys("class/power_supply");
      supplies_.clear();
    }
    // ListOrNoData(root)'s rules.
    if (const int error = dir_.List(root_, &listing_)) {
      if (error == ENOENT) {
        supplies_.clear();
        return {};
      }
      ThrowErrno(root_, error);
    }
    // The directory lists its supplies sorted, as node_exporter's map
    // ranges over them. Supply k is entry k's, planned again when its name
    // or its stamp differs.
    const DirListing& entries = listing_;
    if (supplies_.size() > entries.size()) supplies_.resize(entries.size());
    for (size_t k = 0; k < entries.size(); ++k) {
      if (k == supplies_.size()) supplies_.emplace_back();
      Supply& s = supplies_[k];
      if (s.name != entries[k].name) {
        s.name.assign(entries[k].name);
        s.label = parse::ToValidUtf8(s.name);
        s.left_out = !ignored_.active() || ignored_.Excludes(s.name);
        s.planned = false;
      }
      DirStamp stamp;
      const int stamp_error = dir_.Stamp(s.name, &stamp);
      if (!s.planned || stamp_error != s.stamp_error ||
          (stamp_error == 0 && !(stamp == s.stamp))) {
        s.stamp = stamp;
        s.stamp_error = stamp_error;
        dir_path_.assign(root_).append("/").append(s.name);
        if (!PlanSupply(dir_path_, &s)) return {};
      }
      ReadSupply(&s);
    }

    FamilySet out;
    for (const Supply& supply : supplies_) {
      if (supply.left_out) continue;
      const std::string& label = supply.label;
      for (const ExposedFamily& x : ExposedFamilies()) {
        if (!((supply.has >> x.index) & 1)) continue;
        const double v = static_cast<double>(supply.ints[x.index]);
        out.Gauge(x.name, x.help)
            .Add({{"power_supply", label}}, x.divisor == 1 ? v : v / x.divisor);
      }
      // Assigned into the pairs of the last supply's (kept) labels.
      size_t n = 0;
      auto put = [&](std::string_view name, std::string_view value) {
        if (n == info_.size()) info_.emplace_back();
        info_[n].first.assign(name);
        info_[n].second.assign(value);
        ++n;
      };
      put("power_supply", label);
      for (size_t j = 0; j < std::size(kStringFiles); ++j) {
        if (!supply.strings[j].empty()) put(kStringFiles[j], supply.strings[j]);
      }
      info_.resize(n);
      out.Gauge("node_power_supply_info",
                "info of /sys/class/power_supply/<power_supply>.")
          .Add(info_, 1);
    }
    return out.Take();
  }

 private:
  // Go's empty regexp matches every name: an empty pattern ignores every
  // device (node_exporter's behaviour), unlike Filter's "no filter".
  const Filter ignored_;
  std::string sysfs_;  // the sysfs root root_ is under
  std::string root_;   // class/power_supply
  KeptDir dir_;
  DirListing listing_;            // this cycle's listing of root_
  std::vector<Supply> supplies_;  // supply k is entry k's
  std::string dir_path_;          // a buffer for a supply's directory
  Labels info_;                   // node_power_supply_info's labels
};

}  // namespace

CollectorSpec Spec() {
  return {"powersupplyclass",
          true,
          "Exposes power supply statistics from /sys/class/power_supply.",
          {
              {kSupplyIgnored, "^$",
               "Regexp of power supplies to ignore for powersupplyclass "
               "collector."},
          },
          &MakeCollector<PowersupplyclassCollector>};
}

}  // namespace host_exporter::collectors::powersupplyclass
