// logind: node_logind_sessions{seat,remote,type,class}, the sessions
// systemd-logind has, counted over D-Bus (sd-bus, the plumbing the systemd
// collector uses) as node_exporter does (default off): one series for every
// combination of seat (ListSeats and "", the seat of remote sessions),
// remote, type and class, 0 when no session has it; a type or class
// node_exporter does not know counts as "other".
#include "collectors/logind.h"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>
#include <tuple>

#include "collectors/sdbus.h"
#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter {
namespace {

// logind's values as of systemd 229, as node_exporter lists them.
constexpr std::array<std::string_view, 2> kRemote = {"true", "false"};
constexpr std::array<std::string_view, 7> kTypes = {
    "other", "unspecified", "tty", "x11", "wayland", "mir", "web"};
constexpr std::array<std::string_view, 5> kClasses = {
    "other", "user", "greeter", "lock-screen", "background"};

// The entry of `known` equal to `value` (a view of static storage, which
// outlives the session's properties), else "other".
template <size_t N>
std::string_view KnownOrOther(std::string_view value,
                              const std::array<std::string_view, N>& known) {
  auto it = std::find(known.begin(), known.end(), value);
  return it != known.end() ? *it : "other";
}

class LogindCollector : public Collector {
 public:
  explicit LogindCollector(LogindBusFactory factory)
      : factory_(std::move(factory)) {}

  Families Collect(const HostPaths&) override {
    std::unique_ptr<LogindBus> bus = factory_();
    std::vector<std::string> seats = bus->ListSeats();
    seats.emplace_back();  // remote sessions (SSH) have no seat
    // (seat, remote, type, class) -> sessions
    using Key = std::tuple<std::string, std::string_view, std::string_view,
                           std::string_view>;
    std::map<Key, double> count;
    for (const LogindSessionEntry& s : bus->ListSessions()) {
      const auto p = bus->Session(s);
      if (!p) continue;
      count[{s.seat, p->remote ? "true" : "false",
             KnownOrOther(p->type, kTypes),
             KnownOrOther(p->session_class, kClasses)}] += 1;
    }
    FamilySet out;
    auto& f = out.Gauge("node_logind_sessions",
                        "Number of sessions registered in logind.");
    for (std::string_view remote : kRemote) {
      for (std::string_view type : kTypes) {
        for (std::string_view cls : kClasses) {
          for (const std::string& seat : seats) {
            auto it = count.find({seat, remote, type, cls});
            f.Add({{"class", std::string(cls)},
                   {"remote", std::string(remote)},
                   {"seat", seat},
                   {"type", std::string(type)}},
                  it == count.end() ? 0 : it->second);
          }
        }
      }
    }
    return out.Take();
  }

 private:
  LogindBusFactory factory_;
};

constexpr char kService[] = "org.freedesktop.login1";
constexpr char kManagerPath[] = "/org/freedesktop/login1";
constexpr char kManagerIface[] = "org.freedesktop.login1.Manager";
constexpr char kSessionIface[] = "org.freedesktop.login1.Session";

// org.freedesktop.login1 over sd-bus.
class SdLogindBus : public LogindBus {
 public:
  explicit SdLogindBus(std::unique_ptr<sdbus::Bus> bus)
      : bus_(std::move(bus)) {}

  std::vector<std::string> ListSeats() override {
    sdbus::Message reply = bus_->Call(kManagerPath, kManagerIface, "ListSeats",
                                      "unable to get seats");
    std::vector<std::string> seats;
    sdbus::Bus::ReadArray(
        reply.get(), "(so)",
        [&seats](sd_bus_message* m) {
          const char *id, *path;
          int r = sdbus::MessageRead(m, "(so)", &id, &path);
          if (r > 0) seats.emplace_back(id);
          return r;
        },
        "unable to get seats: bad ListSeats reply");
    return seats;
  }

  std::vector<LogindSessionEntry> ListSessions() override {
    sdbus::Message reply = bus_->Call(kManagerPath, kManagerIface,
                                      "ListSessions", "unable to get sessions");
    std::vector<LogindSessionEntry> sessions;
    sdbus::Bus::ReadArray(
        reply.get(), "(susso)",
        [&sessions](sd_bus_message* m) {
          const char *id, *user, *seat, *path;
          uint32_t uid;
          int r =
              sdbus::MessageRead(m, "(susso)", &id, &uid, &user, &seat, &path);
          if (r > 0) sessions.push_back({id, uid, user, seat, path});
          return r;
        },
        "unable to get sessions: bad ListSessions reply");
    return sessions;
  }

  std::optional<LogindSessionProperties> Session(
      const LogindSessionEntry& s) override {
    const char* path = s.object_path.c_str();
    auto remote = bus_->Number(path, kSessionIface, "Remote", 'b');
    if (!remote) return std::nullopt;
    auto type = bus_->String(path, kSessionIface, "Type");
    if (!type) return std::nullopt;
    auto cls = bus_->String(path, kSessionIface, "Class");
    if (!cls) return std::nullopt;
    return LogindSessionProperties{*remote != 0, *type, *cls};
  }

 private:
  std::unique_ptr<sdbus::Bus> bus_;
};

}  // namespace

std::unique_ptr<LogindBus> ConnectLogind() {
  return std::make_unique<SdLogindBus>(
      sdbus::Bus::ConnectSystem(kService, "unable to connect to dbus"));
}

std::unique_ptr<Collector> NewLogindCollector(LogindBusFactory factory) {
  return std::make_unique<LogindCollector>(std::move(factory));
}

namespace collectors::logind {

CollectorSpec Spec() {
  return {"logind",
          false,
          "Exposes session counts from systemd-logind over D-Bus (the system "
          "bus).",
          {},
          [](const CollectorOptions&) -> std::unique_ptr<Collector> {
            return NewLogindCollector(ConnectLogind);
          }};
}

}  // namespace collectors::logind

}  // namespace host_exporter
