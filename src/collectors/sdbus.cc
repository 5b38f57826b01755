#include "collectors/sdbus.h"

#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "host_exporter/collector.h"
#include "parse/shared_library.h"

namespace host_exporter::sdbus {
namespace {

// The sd-bus functions used here, resolved from libsystemd.so.0 once.
struct Api {
  decltype(&sd_bus_open_system) open_system;
  decltype(&sd_bus_new) bus_new;
  decltype(&sd_bus_set_address) set_address;
  decltype(&sd_bus_start) start;
  decltype(&sd_bus_unref) unref;
  decltype(&sd_bus_flush_close_unref) flush_close_unref;
  decltype(&sd_bus_call_method) call_method;
  decltype(&sd_bus_error_free) error_free;
  decltype(&sd_bus_message_enter_container) enter_container;
  decltype(&sd_bus_message_readv) readv;
  decltype(&sd_bus_message_unref) message_unref;
  decltype(&sd_bus_get_property_string) get_property_string;
  decltype(&sd_bus_get_property_trivial) get_property_trivial;
  std::string error;  // why it could not be loaded; empty once loaded
};

const Api& Sd() {
  static const Api api = [] {
    Api a{};
    SharedLibrary lib;
    if (lib.Open("libsystemd.so.0")) {
      lib.Get(&a.open_system, "sd_bus_open_system");
      lib.Get(&a.bus_new, "sd_bus_new");
      lib.Get(&a.set_address, "sd_bus_set_address");
      lib.Get(&a.start, "sd_bus_start");
      lib.Get(&a.unref, "sd_bus_unref");
      lib.Get(&a.flush_close_unref, "sd_bus_flush_close_unref");
      lib.Get(&a.call_method, "sd_bus_call_method");
      lib.Get(&a.error_free, "sd_bus_error_free");
      lib.Get(&a.enter_container, "sd_bus_message_enter_container");
      lib.Get(&a.readv, "sd_bus_message_readv");
      lib.Get(&a.message_unref, "sd_bus_message_unref");
      lib.Get(&a.get_property_string, "sd_bus_get_property_string");
      lib.Get(&a.get_property_trivial, "sd_bus_get_property_trivial");
    }
    if (!lib.ok()) a.error = lib.error();
    return a;
  }();
  return api;
}

}  // namespace

void MessageUnref::operator()(sd_bus_message* m) const {
  Sd().message_unref(m);
}

int MessageRead(sd_bus_message* m, const char* types, ...) {
  va_list ap;
  va_start(ap, types);
  const int r = Sd().readv(m, types, ap);
  va_end(ap);
  return r;
}

std::unique_ptr<Bus> Bus::ConnectSystem(const char* service,
                                        const std::string& error_prefix,
                                        const char* root_fallback_name,
                                        const char* root_fallback_address) {
  const char* env = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
  const std::string address =
      env && *env ? env : "unix:path=/run/dbus/system_bus_socket";
  const Api& sd = Sd();
  if (!sd.error.empty()) throw CollectError(error_prefix + ": " + sd.error);
  sd_bus* bus = nullptr;
  int r = sd.open_system(&bus);
  if (r >= 0) return std::unique_ptr<Bus>(new Bus(bus, service));
  std::string why = "system bus at " + address + ": " + std::strerror(-r);
  if (root_fallback_address && ::geteuid() == 0) {
    bus = nullptr;
    r = sd.bus_new(&bus);
    if (r >= 0) r = sd.set_address(bus, root_fallback_address);
    if (r >= 0) r = sd.start(bus);
    if (r >= 0) return std::unique_ptr<Bus>(new Bus(bus, service));
    sd.unref(bus);
    why += std::string("; ") + root_fallback_name + " at " +
           root_fallback_address + ": " + std::strerror(-r);
  }
  throw CollectError(error_prefix + ": " + why);
}

Bus::~Bus() { Sd().flush_close_unref(bus_); }

Message Bus::Call(const char* path, const char* iface, const char* method,
                  const std::string& error_prefix) {
  sd_bus_error error = SD_BUS_ERROR_NULL;
  sd_bus_message* reply = nullptr;
  int r =
      Sd().call_method(bus_, service_, path, iface, method, &error, &reply, "");
  if (r < 0) {
    std::string why = error.message ? error.message : std::strerror(-r);
    Sd().error_free(&error);
    throw CollectError(error_prefix + ": " + why);
  }
  return Message(reply);
}

void Bus::ReadArray(sd_bus_message* reply, const char* contents,
                    const std::function<int(sd_bus_message*)>& read_one,
                    const std::string& error_prefix) {
  int r = Sd().enter_container(reply, 'a', contents);
  while (r > 0) r = read_one(reply);
  if (r < 0) throw CollectError(error_prefix + ": " + std::strerror(-r));
}

std::optional<std::string> Bus::String(const char* path,
                                       const std::string& iface,
                                       const std::string& name) {
  sd_bus_error error = SD_BUS_ERROR_NULL;
  char* value = nullptr;
  int r = Sd().get_property_string(bus_, service_, path, iface.c_str(),
                                   name.c_str(), &error, &value);
  Sd().error_free(&error);
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
    r = Sd().get_property_trivial(bus_, service_, path, iface.c_str(),
                                  name.c_str(), &error, 't', &value);
  } else if (type == 'u') {
    uint32_t v32 = 0;
    r = Sd().get_property_trivial(bus_, service_, path, iface.c_str(),
                                  name.c_str(), &error, 'u', &v32);
    value = v32;
  } else {
    int b = 0;  // sd-bus reads 'b' into an int
    r = Sd().get_property_trivial(bus_, service_, path, iface.c_str(),
                                  name.c_str(), &error, 'b', &b);
    value = b ? 1 : 0;
  }
  Sd().error_free(&error);
  if (r < 0) return std::nullopt;
  return value;
}

}  // namespace host_exporter::sdbus
