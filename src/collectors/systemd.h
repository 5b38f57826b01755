// Internal interface of the systemd collector: the D-Bus calls it makes, so
// tests can replace systemd with a fake, and its pure decisions (which units
// to report, the state summary, the version number).
#ifndef HOST_EXPORTER_COLLECTORS_SYSTEMD_H_
#define HOST_EXPORTER_COLLECTORS_SYSTEMD_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "host_exporter/collector.h"

namespace host_exporter {

/// One entry of org.freedesktop.systemd1.Manager.ListUnits.
struct SystemdUnit {
  std::string name;          ///< "ssh.service"
  std::string load_state;    ///< "loaded", "not-found", "masked", ...
  std::string active_state;  ///< "active", "inactive", "failed", ...
  std::string sub_state;     ///< "running", "dead", ...
  std::string object_path;   ///< "/org/freedesktop/systemd1/unit/ssh_2eservice"
};

/// The systemd manager as seen over D-Bus.
class SystemdBus {
 public:
  virtual ~SystemdBus() = default;
  /// All units the manager has loaded. Throws CollectError on failure.
  virtual std::vector<SystemdUnit> ListUnits() = 0;
  /// A string property of the manager ("Version", "SystemState"), or
  /// nullopt if it cannot be read.
  virtual std::optional<std::string> ManagerString(const std::string& name) = 0;
  /// A string property of `unit` on interface org.freedesktop.systemd1.
  /// <iface> ("Service", "Mount"), or nullopt.
  virtual std::optional<std::string> UnitString(const SystemdUnit& unit,
                                                const std::string& iface,
                                                const std::string& name) = 0;
  /// A numeric property of D-Bus type `type` ('u' or 't'), or nullopt.
  virtual std::optional<uint64_t> UnitNumber(const SystemdUnit& unit,
                                             const std::string& iface,
                                             const std::string& name,
                                             char type) = 0;
};

/// Connects to systemd; called once per collection. Throws CollectError.
using SystemdBusFactory = std::function<std::unique_ptr<SystemdBus>()>;

/// The system bus through sd-bus ($DBUS_SYSTEM_BUS_ADDRESS, else
/// unix:path=/run/dbus/system_bus_socket). Throws CollectError naming the
/// address when there is no bus to connect to.
std::unique_ptr<SystemdBus> ConnectSystemBus();

/// The units node_exporter reports one by one: loaded, matching `include`
/// and not matching `exclude` (both anchored at both ends by the caller).
std::vector<SystemdUnit> FilterSystemdUnits(
    const std::vector<SystemdUnit>& units, const std::regex& include,
    const std::regex& exclude);

/// Units per active state over all units (filtered or not), with the five
/// usual states always present (possibly 0) and any other state counted too.
std::map<std::string, double> SummarizeSystemdUnits(
    const std::vector<SystemdUnit>& units);

/// systemd's version as node_exporter reads it.
struct SystemdVersion {
  double number = 0;  ///< the first "NNN[.N]" (three or more digits)
  std::string full;   ///< the whole string, or "" if it has no number
};

/// Parses the manager's Version property ("252.22-1~deb12u1" -> 252.22).
SystemdVersion ParseSystemdVersion(std::string_view raw);

/// Creates the systemd collector. Throws std::invalid_argument naming the
/// flag for a bad regular expression.
std::unique_ptr<Collector> NewSystemdCollector(const CollectorOptions& options,
                                               SystemdBusFactory factory);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_COLLECTORS_SYSTEMD_H_
