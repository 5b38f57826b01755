// Internal interface of the logind collector: the D-Bus calls it makes to
// systemd-logind (org.freedesktop.login1), so tests can replace logind with
// a fake.
#ifndef HOST_EXPORTER_COLLECTORS_LOGIND_H_
#define HOST_EXPORTER_COLLECTORS_LOGIND_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host_exporter/collector.h"

namespace host_exporter {

/// One entry of org.freedesktop.login1.Manager.ListSessions.
struct LogindSessionEntry {
  std::string id;           ///< "3"
  uint32_t uid = 0;         ///< the user's id
  std::string user;         ///< the user's name
  std::string seat;         ///< "seat0", or "" (SSH and other remote logins)
  std::string object_path;  ///< "/org/freedesktop/login1/session/_33"
};

/// The properties of a session the collector counts by.
struct LogindSessionProperties {
  bool remote = false;        ///< Remote
  std::string type;           ///< Type: "tty", "x11", "wayland", ...
  std::string session_class;  ///< Class: "user", "greeter", ...
};

/// systemd-logind as seen over D-Bus.
class LogindBus {
 public:
  virtual ~LogindBus() = default;
  /// The seat ids of ListSeats. Throws CollectError on failure.
  virtual std::vector<std::string> ListSeats() = 0;
  /// ListSessions. Throws CollectError on failure.
  virtual std::vector<LogindSessionEntry> ListSessions() = 0;
  /// The session's Remote, Type and Class, or nullopt if one of them cannot
  /// be read (the session is then not counted, as in node_exporter).
  virtual std::optional<LogindSessionProperties> Session(
      const LogindSessionEntry& session) = 0;
};

/// Connects to logind; called once per collection. Throws CollectError.
using LogindBusFactory = std::function<std::unique_ptr<LogindBus>()>;

/// logind on the system bus through sd-bus ($DBUS_SYSTEM_BUS_ADDRESS, else
/// unix:path=/run/dbus/system_bus_socket). Throws CollectError naming the
/// address when there is no bus to connect to.
std::unique_ptr<LogindBus> ConnectLogind();

/// Creates the logind collector on `factory`'s connections.
std::unique_ptr<Collector> NewLogindCollector(LogindBusFactory factory);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_COLLECTORS_LOGIND_H_
