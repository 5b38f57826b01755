#include "collectors/sdbus.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "host_exporter/collector.h"

namespace host_exporter::sdbus {

std::unique_ptr<Bus> Bus::ConnectSystem(const char* service,
                                        const std::string& error_prefix,
                                        const char* root_fallback_name,
                                        const char* root_fallback_address) {
  const char* env = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
  const std::string address =
      env && *env ? env : "unix:path=/run/dbus/system_bus_socket";
  sd_bus* bus = nullptr;
  int r = sd_bus_open_system(&bus);
  if (r >= 0) return std::unique_ptr<Bus>(new Bus(bus, service));
  std::string why = "system bus at " + address + ": " + std::strerror(-r);
  if (root_fallback_address && ::geteuid() == 0) {
    bus = nullptr;
    r = sd_bus_new(&bus);
    if (r >= 0) r = sd_bus_set_address(bus, root_fallback_address);
    if (r >= 0) r = sd_bus_start(bus);
    if (r >= 0) return std::unique_ptr<Bus>(new Bus(bus, service));
    sd_bus_unref(bus);
    why += std::string("; ") + root_fallback_name + " at " +
           root_fallback_address + ": " + std::strerror(-r);
  }
  throw CollectError(error_prefix + ": " + why);
}

Bus::~Bus() { sd_bus_flush_close_unref(bus_); }

Message Bus::Call(const char* path, const char* iface, const char* method,
                  const std::string& error_prefix) {
  sd_bus_error error = SD_BUS_ERROR_NULL;
  sd_bus_message* reply = nullptr;
  int r = sd_bus_call_method(bus_, service_, path, iface, method, &error,
                             &reply, "");
  if (r < 0) {
    std::string why = error.message ? error.message : std::strerror(-r);
    sd_bus_error_free(&error);
    throw CollectError(error_prefix + ": " + why);
  }
  return Message(reply);
}

void Bus::ReadArray(sd_bus_message* reply, const char* contents,
                    const std::function<int(sd_bus_message*)>& read_one,
                    const std::string& error_prefix) {
  int r = sd_bus_message_enter_container(reply, 'a', contents);
  while (r > 0) r = read_one(reply);
  if (r < 0) throw CollectError(error_prefix + ": " + std::strerror(-r));
}

std::optional<std::string> Bus::String(const char* path,
                                       const std::string& iface,
                                       const std::string& name) {
  sd_bus_error error = SD_BUS_ERROR_NULL;
  char* value = nullptr;
  int r = sd_bus_get_property_string(bus_, service_, path, iface.c_str(),
                                     name.c_str(), &error, &value);
  sd_bus_error_free(&error);
  if (r < 0) return std::nullopt;
  std::string out = value ? value : "";
  std::free(value);
  return out;
}

std::optional<uint64_t> Bus::Number(const char* path, const std::string& iface,
                                    const std::string& name, char type) {
  sd_bus_error error = SD_BUS_ERROR_NULL;
  int r;
  uint64_t value = 0;
  if (type == 't') {
    r = sd_bus_get_property_trivial(bus_, service_, path, iface.c_str(),
                                    name.c_str(), &error, 't', &value);
  } else if (type == 'u') {
    uint32_t v32 = 0;
    r = sd_bus_get_property_trivial(bus_, service_, path, iface.c_str(),
                                    name.c_str(), &error, 'u', &v32);
    value = v32;
  } else {
    int b = 0;  // sd-bus reads 'b' into an int
    r = sd_bus_get_property_trivial(bus_, service_, path, iface.c_str(),
                                    name.c_str(), &error, 'b', &b);
    value = b ? 1 : 0;
  }
  sd_bus_error_free(&error);
  if (r < 0) return std::nullopt;
  return value;
}

}  // namespace host_exporter::sdbus
