// watchdog: node_watchdog_* per device of /sys/class/watchdog (node_exporter
// 1.9, default on), read as prometheus/procfs' WatchdogClass does: every
// attribute is optional (a missing file gives no series, or "" in the info
// labels); the numeric ones are base-0 integers. No class directory, or one
// (or an attribute) that may not be read, is "no data": no series, as
// node_exporter's ErrNoData; any other read error or a malformed number
// fails the collector naming the file.
#include <cerrno>
#include <optional>
#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::watchdog {
namespace {

// Thrown when an attribute may not be read: the collector has no data.
struct Denied {};

// A trimmed attribute, or nullopt if the file is absent.
std::optional<std::string> Attr(const std::string& dir, const char* name) {
  const std::string path = dir + "/" + name;
  FileRead f = ReadAttr(path);
  if (f.missing()) return std::nullopt;
  if (f.error == EACCES || f.error == EPERM) throw Denied();
  return std::move(f).Value(path);
}

// A numeric attribute as a double, or nullopt if the file is absent.
std::optional<double> Number(const std::string& dir, const char* name) {
  auto text = Attr(dir, name);
  if (!text) return std::nullopt;
  return static_cast<double>(
      Unwrap(parse::ParseIntAttr(*text), dir + "/" + name));
}

// The numeric attributes: file, series name, help.
struct NumericAttr {
  const char* file;
  const char* metric;
};
constexpr NumericAttr kNumeric[] = {
    {"bootstatus", "node_watchdog_bootstatus"},
    {"fw_version", "node_watchdog_fw_version"},
    {"nowayout", "node_watchdog_nowayout"},
    {"timeleft", "node_watchdog_timeleft_seconds"},
    {"timeout", "node_watchdog_timeout_seconds"},
    {"pretimeout", "node_watchdog_pretimeout_seconds"},
    {"access_cs0", "node_watchdog_access_cs0"},
};

class WatchdogCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string root = paths.Sys("class/watchdog");
    auto entries = ListOrNoData(root, /*denied_is_no_data=*/true);
    if (!entries) return {};
    FamilySet out;
    try {
      for (const DirEntry& e : *entries) {
        const std::string dir = root + "/" + e.name;
        const std::string name = parse::ToValidUtf8(e.name);
        for (const NumericAttr& a : kNumeric) {
          auto v = Number(dir, a.file);
          if (!v) continue;
          out.Gauge(a.metric, std::string("Value of /sys/class/watchdog/"
                                          "<watchdog>/") +
                                  a.file)
              .Add({{"name", name}}, *v);
        }
        auto label = [&](const char* file) {
          return parse::ToValidUtf8(Attr(dir, file).value_or(""));
        };
        out.Gauge("node_watchdog_info",
                  "Info of /sys/class/watchdog/<watchdog>")
            .Add({{"name", name},
                  {"options", label("options")},
                  {"identity", label("identity")},
                  {"state", label("state")},
                  {"status", label("status")},
                  {"pretimeout_governor", label("pretimeout_governor")}},
                 1);
      }
    } catch (const Denied&) {
      return {};
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"watchdog",
          true,
          "Exposes statistics from /sys/class/watchdog.",
          {},
          &MakeCollector<WatchdogCollector>};
}

}  // namespace host_exporter::collectors::watchdog
