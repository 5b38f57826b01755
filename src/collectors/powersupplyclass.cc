// powersupplyclass: node_power_supply_* per power supply from
// /sys/class/power_supply/<name>/, as node_exporter 1.5 reads it
// (prometheus/procfs 0.8 PowerSupplyClass): the numeric attributes as
// gauges (micro-units scaled to units, tenths of a degree to degrees) and
// the text ones as labels of node_power_supply_info.
//
// Every supply is parsed before --collector.powersupply.ignored-supplies is
// applied, so a malformed attribute fails the scrape even for an ignored
// supply, as there. No /sys/class/power_supply: no families.
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

// One supply's attributes, kept from cycle to cycle (its strings assigned
// into): the numeric ones by their index in kIntFiles (a bit each in `has`),
// the text ones by theirs in kStringFiles (empty: absent).
struct Supply {
  std::string name;
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

// procfs' parsePowerSupply into *s; false for no data (the directory is
// gone). `path` is a buffer kept between calls.
bool ReadSupply(const std::string& dir, std::string* path, Supply* s) {
  DirRead list = ReadDir(dir);
  if (list.error == ENOENT) return false;
  if (!list.ok()) ThrowErrno(dir, list.error);
  s->has = 0;
  for (std::string& v : s->strings) v.clear();
  for (const DirEntry& e : list.entries) {
    if (e.kind != Kind::kRegular) continue;
    const int i = IndexIn(e.name, kIntFiles);
    const int j = i < 0 ? IndexIn(e.name, kStringFiles) : -1;
    path->assign(dir).append("/").append(e.name);
    // Every regular file is read, as procfs does, even one not parsed.
    FileRead f = ReadAttr(*path);
    if (f.error == ENOENT || f.error == EOPNOTSUPP || f.error == EINVAL) {
      continue;
    }
    if (!f.ok()) ThrowErrno(*path, f.error);
    if (i >= 0) {
      s->ints[i] = Unwrap(parse::ParseIntAttr(f.data), *path);
      s->has |= uint64_t{1} << i;
    } else if (j >= 0) {
      s->strings[j] = parse::ToValidUtf8(f.data);
    }
  }
  return true;
}

class PowersupplyclassCollector : public Collector {
 public:
  explicit PowersupplyclassCollector(const CollectorOptions& o)
      : ignored_(kSupplyIgnored, o.Get(kSupplyIgnored)) {}

  Families Collect(const HostPaths& paths) override {
    const std::string root = paths.Sys("class/power_supply");
    const auto entries = ListOrNoData(root);
    if (!entries) return {};
    // The directory lists its supplies sorted, as node_exporter's map
    // ranges over them.
    supplies_.resize(entries->size());
    for (size_t k = 0; k < entries->size(); ++k) {
      Supply& s = supplies_[k];
      s.name.assign((*entries)[k].name);
      dir_.assign(root).append("/").append(s.name);
      if (!ReadSupply(dir_, &path_, &s)) return {};
    }

    FamilySet out;
    for (const Supply& supply : supplies_) {
      if (!ignored_.active() || ignored_.Excludes(supply.name)) continue;
      const std::string label = parse::ToValidUtf8(supply.name);
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
  std::vector<Supply> supplies_;  // kept between cycles
  std::string dir_, path_;        // buffers kept between supplies
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
