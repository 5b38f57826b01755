// powersupplyclass: node_power_supply_* per power supply from
// /sys/class/power_supply/<name>/, as node_exporter 1.5 reads it
// (prometheus/procfs 0.8 PowerSupplyClass): the numeric attributes as
// gauges (micro-units scaled to units, tenths of a degree to degrees) and
// the text ones as labels of node_power_supply_info.
//
// Every supply is parsed before --collector.powersupply.ignored-supplies is
// applied, so a malformed attribute fails the scrape even for an ignored
// supply, as there. No /sys/class/power_supply: no families.
#include <cerrno>
#include <map>
#include <optional>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::powersupplyclass {
namespace {

constexpr char kSupplyIgnored[] = "collector.powersupply.ignored-supplies";

// Numeric attributes procfs parses (a malformed one is an error even when
// node_exporter does not expose it).
constexpr const char* kIntFiles[] = {
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
constexpr const char* kStringFiles[] = {
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

bool IsIn(const std::string& name, const auto& list) {
  for (const char* f : list) {
    if (name == f) return true;
  }
  return false;
}

struct Supply {
  std::map<std::string, int64_t> ints;
  std::map<std::string, std::string> strings;
};

// procfs' parsePowerSupply; nullopt for no data (the directory is gone).
std::optional<Supply> ReadSupply(const std::string& dir) {
  DirRead list = ReadDir(dir);
  if (list.error == ENOENT) return std::nullopt;
  if (!list.ok()) ThrowErrno(dir, list.error);
  Supply s;
  for (const DirEntry& e : list.entries) {
    if (e.kind != Kind::kRegular) continue;
    const std::string path = dir + "/" + e.name;
    FileRead f = ReadAttr(path);
    if (f.error == ENOENT || f.error == EOPNOTSUPP || f.error == EINVAL) {
      continue;
    }
    if (!f.ok()) ThrowErrno(path, f.error);
    if (IsIn(e.name, kIntFiles)) {
      s.ints[e.name] = Unwrap(parse::ParseIntAttr(f.data), path);
    } else if (IsIn(e.name, kStringFiles)) {
      s.strings[e.name] = parse::ToValidUtf8(f.data);
    }
  }
  return s;
}

class PowersupplyclassCollector : public Collector {
 public:
  explicit PowersupplyclassCollector(const CollectorOptions& o)
      : ignored_(kSupplyIgnored, o.Get(kSupplyIgnored)) {}

  Families Collect(const HostPaths& paths) override {
    const std::string root = paths.Sys("class/power_supply");
    const auto entries = ListOrNoData(root);
    if (!entries) return {};
    std::map<std::string, Supply> supplies;
    for (const DirEntry& e : *entries) {
      std::optional<Supply> supply = ReadSupply(root + "/" + e.name);
      if (!supply) return {};
      supplies[e.name] = std::move(*supply);
    }

    FamilySet out;
    for (const auto& [name, supply] : supplies) {
      if (!ignored_.active() || ignored_.Excludes(name)) continue;
      const std::string label = parse::ToValidUtf8(name);
      for (const Exposed& x : kExposed) {
        auto it = supply.ints.find(x.file);
        if (it == supply.ints.end()) continue;
        const double v = static_cast<double>(it->second);
        out.Gauge(std::string("node_power_supply_") + x.metric,
                  std::string(x.metric) +
                      " value of /sys/class/power_supply/<power_supply>.")
            .Add({{"power_supply", label}}, x.divisor == 1 ? v : v / x.divisor);
      }
      Labels info = {{"power_supply", label}};
      for (const auto& [file, value] : supply.strings) {
        if (!value.empty()) info.emplace_back(file, value);
      }
      out.Gauge("node_power_supply_info",
                "info of /sys/class/power_supply/<power_supply>.")
          .Add(info, 1);
    }
    return out.Take();
  }

 private:
  // Go's empty regexp matches every name: an empty pattern ignores every
  // device (node_exporter's behaviour), unlike Filter's "no filter".
  const Filter ignored_;
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
