// systemd: unit states, the unit summary, the system state and systemd's
// version over D-Bus (sd-bus from libsystemd), with node_exporter 1.5's
// names, labels and flags. Optional per-unit families: restarts, start
// times and tasks (--collector.systemd.enable-*-metrics). Without a system
// bus (and, for root, without systemd's private socket) the collector fails
// with an error that names the addresses it tried.
#include "collectors/systemd.h"

#include <limits>
#include <stdexcept>

#include "collectors/sdbus.h"
#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/parse_util.h"

namespace host_exporter {
namespace {

constexpr char kUnitInclude[] = "collector.systemd.unit-include";
constexpr char kUnitExclude[] = "collector.systemd.unit-exclude";
constexpr char kTasksFlag[] = "collector.systemd.enable-task-metrics";
constexpr char kRestartsFlag[] = "collector.systemd.enable-restarts-metrics";
constexpr char kStartTimeFlag[] = "collector.systemd.enable-start-time-metrics";

// The first systemd with the SystemState property and timers'
// LastTriggerUSec (node_exporter issue #291).
constexpr double kMinVersionSystemState = 212;

constexpr const char* kUnitStates[] = {"active", "activating", "deactivating",
                                       "inactive", "failed"};

// node_exporter anchors the unit patterns: ^(?:<pattern>)$.
std::regex CompileUnitPattern(const std::string& flag,
                              const std::string& pattern) {
  try {
    return std::regex("^(?:" + pattern + ")$", std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    throw std::invalid_argument("--" + flag + ": invalid regular expression '" +
                                pattern + "': " + e.what());
  }
}

class SystemdCollector : public Collector {
 public:
  SystemdCollector(const CollectorOptions& o, SystemdBusFactory factory)
      : include_(CompileUnitPattern(kUnitInclude, o.Get(kUnitInclude))),
        exclude_(CompileUnitPattern(kUnitExclude, o.Get(kUnitExclude))),
        tasks_(o.GetBool(kTasksFlag)),
        restarts_(o.GetBool(kRestartsFlag)),
        start_time_(o.GetBool(kStartTimeFlag)),
        factory_(std::move(factory)) {}

  Families Collect(const HostPaths&) override {
    std::unique_ptr<SystemdBus> bus = factory_();
    FamilySet out;

    const SystemdVersion version =
        ParseSystemdVersion(bus->ManagerString("Version").value_or(""));
    out.Gauge("node_systemd_version", "Detected systemd version")
        .Add({{"version", version.full}}, version.number);

    const std::vector<SystemdUnit> all = bus->ListUnits();
    auto& summary =
        out.Gauge("node_systemd_units", "Summary of systemd unit states");
    for (const auto& [state, n] : SummarizeSystemdUnits(all)) {
      summary.Add({{"state", state}}, n);
    }

    const std::vector<SystemdUnit> units =
        FilterSystemdUnits(all, include_, exclude_);
    UnitStates(*bus, units, &out);
    if (start_time_) StartTimes(*bus, units, &out);
    if (tasks_) Tasks(*bus, units, &out);
    if (version.number >= kMinVersionSystemState) Timers(*bus, units, &out);
    Sockets(*bus, units, &out);
    if (version.number >= kMinVersionSystemState) {
      auto state = bus->ManagerString("SystemState");
      if (!state) throw CollectError("couldn't get system state");
      out.Gauge("node_systemd_system_running",
                "Whether the system is operational (see 'systemctl "
                "is-system-running')")
          .Add(*state == "running" ? 1 : 0);
    }
    return out.Take();
  }

 private:
  void UnitStates(SystemdBus& bus, const std::vector<SystemdUnit>& units,
                  FamilySet* out) {
    auto& state = out->Gauge("node_systemd_unit_state", "Systemd unit");
    auto& restarts = out->Counter("node_systemd_service_restart_total",
                                  "Service unit count of Restart triggers");
    for (const SystemdUnit& u : units) {
      // The "type" label: a service's Type= or a mount's file system type.
      std::string type;
      if (u.name.ends_with(".service")) {
        type = bus.UnitString(u, "Service", "Type").value_or("");
      } else if (u.name.ends_with(".mount")) {
        type = bus.UnitString(u, "Mount", "Type").value_or("");
      }
      for (const char* s : kUnitStates) {
        state.Add({{"name", u.name}, {"state", s}, {"type", type}},
                  u.active_state == s ? 1 : 0);
      }
      if (restarts_ && u.name.ends_with(".service")) {
        // NRestarts exists since systemd 235.
        if (auto n = bus.UnitNumber(u, "Service", "NRestarts", 'u')) {
          restarts.Add({{"name", u.name}}, static_cast<double>(*n));
        }
      }
    }
  }

  void StartTimes(SystemdBus& bus, const std::vector<SystemdUnit>& units,
                  FamilySet* out) {
    auto& start =
        out->Gauge("node_systemd_unit_start_time_seconds",
                   "Start time of the unit since unix epoch in seconds.");
    for (const SystemdUnit& u : units) {
      uint64_t usec = 0;
      if (u.active_state == "active") {
        auto v = bus.UnitNumber(u, "Unit", "ActiveEnterTimestamp", 't');
        if (!v) continue;
        usec = *v;
      }
      start.Add({{"name", u.name}}, static_cast<double>(usec) / 1e6);
    }
  }

  void Tasks(SystemdBus& bus, const std::vector<SystemdUnit>& units,
             FamilySet* out) {
    auto& current = out->Gauge("node_systemd_unit_tasks_current",
                               "Current number of tasks per Systemd unit");
    auto& max = out->Gauge("node_systemd_unit_tasks_max",
                           "Maximum number of tasks per Systemd unit");
    constexpr uint64_t kUnset = std::numeric_limits<uint64_t>::max();
    for (const SystemdUnit& u : units) {
      if (!u.name.ends_with(".service")) continue;
      auto c = bus.UnitNumber(u, "Service", "TasksCurrent", 't');
      if (c && *c != kUnset) {
        current.Add({{"name", u.name}}, static_cast<double>(*c));
      }
      auto m = bus.UnitNumber(u, "Service", "TasksMax", 't');
      if (m && *m != kUnset)
        max.Add({{"name", u.name}}, static_cast<double>(*m));
    }
  }

  void Timers(SystemdBus& bus, const std::vector<SystemdUnit>& units,
              FamilySet* out) {
    auto& last = out->Gauge("node_systemd_timer_last_trigger_seconds",
                            "Seconds since epoch of last trigger.");
    for (const SystemdUnit& u : units) {
      if (!u.name.ends_with(".timer")) continue;
      if (auto v = bus.UnitNumber(u, "Timer", "LastTriggerUSec", 't')) {
        last.Add({{"name", u.name}}, static_cast<double>(*v) / 1e6);
      }
    }
  }

  void Sockets(SystemdBus& bus, const std::vector<SystemdUnit>& units,
               FamilySet* out) {
    auto& accepted =
        out->Counter("node_systemd_socket_accepted_connections_total",
                     "Total number of accepted socket connections");
    auto& current = out->Gauge("node_systemd_socket_current_connections",
                               "Current number of socket connections");
    // A gauge despite its name, as in node_exporter 1.5.
    auto& refused = out->Gauge("node_systemd_socket_refused_connections_total",
                               "Total number of refused socket connections");
    for (const SystemdUnit& u : units) {
      if (!u.name.ends_with(".socket")) continue;
      const Labels l = {{"name", u.name}};
      auto a = bus.UnitNumber(u, "Socket", "NAccepted", 'u');
      if (!a) continue;
      accepted.Add(l, static_cast<double>(*a));
      auto c = bus.UnitNumber(u, "Socket", "NConnections", 'u');
      if (!c) continue;
      current.Add(l, static_cast<double>(*c));
      // NRefused exists since systemd 239.
      if (auto r = bus.UnitNumber(u, "Socket", "NRefused", 'u')) {
        refused.Add(l, static_cast<double>(*r));
      }
    }
  }

  std::regex include_, exclude_;
  bool tasks_, restarts_, start_time_;
  SystemdBusFactory factory_;
};

// org.freedesktop.systemd1 over sd-bus.
class SdBus : public SystemdBus {
 public:
  explicit SdBus(std::unique_ptr<sdbus::Bus> bus) : bus_(std::move(bus)) {}

  std::vector<SystemdUnit> ListUnits() override {
    sdbus::Message reply = bus_->Call(kManagerPath, kManagerIface, "ListUnits",
                                      "couldn't get units");
    std::vector<SystemdUnit> units;
    sdbus::Bus::ReadArray(
        reply.get(), "(ssssssouso)",
        [&units](sd_bus_message* m) {
          const char *name, *description, *load, *active, *sub, *following,
              *path, *job_type, *job_path;
          uint32_t job_id;
          int r = sdbus::MessageRead(m, "(ssssssouso)", &name, &description,
                                     &load, &active, &sub, &following, &path,
                                     &job_id, &job_type, &job_path);
          if (r > 0) units.push_back({name, load, active, sub, path});
          return r;
        },
        "couldn't get units: bad ListUnits reply");
    return units;
  }

  std::optional<std::string> ManagerString(const std::string& name) override {
    return bus_->String(kManagerPath, kManagerIface, name);
  }

  std::optional<std::string> UnitString(const SystemdUnit& unit,
                                        const std::string& iface,
                                        const std::string& name) override {
    return bus_->String(unit.object_path.c_str(),
                        std::string("org.freedesktop.systemd1.") + iface, name);
  }

  std::optional<uint64_t> UnitNumber(const SystemdUnit& unit,
                                     const std::string& iface,
                                     const std::string& name,
                                     char type) override {
    return bus_->Number(unit.object_path.c_str(),
                        "org.freedesktop.systemd1." + iface, name, type);
  }

 private:
  static constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
  static constexpr const char* kManagerIface =
      "org.freedesktop.systemd1.Manager";

  std::unique_ptr<sdbus::Bus> bus_;
};

}  // namespace

std::vector<SystemdUnit> FilterSystemdUnits(
    const std::vector<SystemdUnit>& units, const std::regex& include,
    const std::regex& exclude) {
  std::vector<SystemdUnit> out;
  for (const SystemdUnit& u : units) {
    if (u.load_state == "loaded" && std::regex_match(u.name, include) &&
        !std::regex_match(u.name, exclude)) {
      out.push_back(u);
    }
  }
  return out;
}

std::map<std::string, double> SummarizeSystemdUnits(
    const std::vector<SystemdUnit>& units) {
  std::map<std::string, double> out;
  for (const char* s : kUnitStates) out[s] = 0;
  for (const SystemdUnit& u : units) out[u.active_state] += 1;
  return out;
}

SystemdVersion ParseSystemdVersion(std::string_view raw) {
  if (!raw.empty() && raw.back() == '"') raw.remove_suffix(1);
  if (!raw.empty() && raw.front() == '"') raw.remove_prefix(1);
  // The leftmost match of [0-9]{3,}(\.[0-9]+)?
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  for (size_t i = 0; i < raw.size(); ++i) {
    size_t j = i;
    while (j < raw.size() && digit(raw[j])) ++j;
    if (j - i < 3) {
      if (j > i) i = j - 1;  // skip the short run
      continue;
    }
    if (j + 1 < raw.size() && raw[j] == '.' && digit(raw[j + 1])) {
      j += 2;
      while (j < raw.size() && digit(raw[j])) ++j;
    }
    return {parse::ParseDouble(raw.substr(i, j - i)).value_or(0),
            std::string(raw)};
  }
  return {0, ""};
}

std::unique_ptr<SystemdBus> ConnectSystemBus() {
  // Like go-systemd (node_exporter), root falls back to systemd's private
  // socket when there is no system bus.
  return std::make_unique<SdBus>(sdbus::Bus::ConnectSystem(
      "org.freedesktop.systemd1", "couldn't get dbus connection",
      "systemd private socket", "unix:path=/run/systemd/private"));
}

std::unique_ptr<Collector> NewSystemdCollector(const CollectorOptions& options,
                                               SystemdBusFactory factory) {
  return std::make_unique<SystemdCollector>(options, std::move(factory));
}

namespace collectors::systemd {

CollectorSpec Spec() {
  return {
      "systemd",
      false,
      "Exposes service and system status from systemd over D-Bus (the "
      "system bus).",
      {{kUnitInclude, ".+",
        "Regexp of systemd units to include. Units must both match include "
        "and not match exclude to be included."},
       {kUnitExclude, ".+\\.(automount|device|mount|scope|slice)",
        "Regexp of systemd units to exclude. Units must both match include "
        "and not match exclude to be included."},
       {kTasksFlag, "false",
        "Enables service unit tasks metrics unit_tasks_current and "
        "unit_tasks_max",
        false, true},
       {kRestartsFlag, "false",
        "Enables service unit metric service_restart_total", false, true},
       {kStartTimeFlag, "false",
        "Enables service unit metric unit_start_time_seconds", false, true}},
      [](const CollectorOptions& o) -> std::unique_ptr<Collector> {
        return NewSystemdCollector(o, ConnectSystemBus);
      }};
}

}  // namespace collectors::systemd

}  // namespace host_exporter
