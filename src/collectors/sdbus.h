// The sd-bus (libsystemd) plumbing of the collectors that talk D-Bus
// (systemd, logind): a system bus connection whose failure names the
// addresses tried, method calls and array replies whose errors become
// CollectError, and property reads that give nullopt when a property cannot
// be read. libsystemd (with libgcrypt, liblzma, libzstd and liblz4 behind
// it, about 1 MB resident) is loaded with dlopen() by the first connection,
// so an exporter without these collectors (the default) never maps it; only
// its header is used at build time.
#ifndef HOST_EXPORTER_COLLECTORS_SDBUS_H_
#define HOST_EXPORTER_COLLECTORS_SDBUS_H_

#include <systemd/sd-bus.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace host_exporter::sdbus {

/// A reply message, unreferenced when it goes.
struct MessageUnref {
  void operator()(sd_bus_message* m) const;
};
using Message = std::unique_ptr<sd_bus_message, MessageUnref>;

/// sd_bus_message_read(m, types, ...) of the loaded library (a Bus exists,
/// so it is loaded).
int MessageRead(sd_bus_message* m, const char* types, ...);

/// A connection to one D-Bus service (`service`, "org.freedesktop.login1").
class Bus {
 public:
  /// The system bus ($DBUS_SYSTEM_BUS_ADDRESS, else
  /// unix:path=/run/dbus/system_bus_socket) for `service`. Throws
  /// CollectError "<error_prefix>: cannot load libsystemd.so.0: <why>" if
  /// libsystemd cannot be loaded. With a
  /// `root_fallback` address (systemd's private socket), root tries that one
  /// too when there is no system bus. Throws CollectError "<error_prefix>:
  /// system bus at <address>: <why>[; <fallback_name> at <address>: <why>]".
  static std::unique_ptr<Bus> ConnectSystem(
      const char* service, const std::string& error_prefix,
      const char* root_fallback_name = nullptr,
      const char* root_fallback_address = nullptr);

  ~Bus();
  Bus(const Bus&) = delete;
  Bus& operator=(const Bus&) = delete;

  /// Calls `method` (no arguments) on `path`/`iface`. Throws CollectError
  /// "<error_prefix>: <D-Bus error message>".
  Message Call(const char* path, const char* iface, const char* method,
               const std::string& error_prefix);

  /// Reads the array of `contents` ("(so)") at the reply's current position:
  /// `read_one` reads one element with sd_bus_message_read(m, contents, ...)
  /// and returns its result (0: the array's end). Throws CollectError
  /// "<error_prefix>: <why>" on a malformed reply.
  static void ReadArray(sd_bus_message* reply, const char* contents,
                        const std::function<int(sd_bus_message*)>& read_one,
                        const std::string& error_prefix);

  /// A string property (D-Bus type 's' or 'o'), or nullopt.
  std::optional<std::string> String(const char* path, const std::string& iface,
                                    const std::string& name);
  /// A property of D-Bus type `type`: 'u' or 't', or 'b' (0 or 1); nullopt
  /// if it cannot be read.
  std::optional<uint64_t> Number(const char* path, const std::string& iface,
                                 const std::string& name, char type);

 private:
  Bus(sd_bus* bus, const char* service) : bus_(bus), service_(service) {}

  sd_bus* bus_;
  const char* service_;
};

}  // namespace host_exporter::sdbus

#endif  // HOST_EXPORTER_COLLECTORS_SDBUS_H_
