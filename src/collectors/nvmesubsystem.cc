// nvmesubsystem: node_nvmesubsystem_* for the NVMe (over Fabrics)
// subsystems of /sys/class/nvme-subsystem/nvme-subsys* (default off), as
// node_exporter 1.12 reads them (prometheus/procfs' NVMeSubsystemClass):
// subsysnqn, model, serial, iopolicy; per controller entry nvme<N> its
// state, transport and address; the namespace entries nvme<N>n<M>. As
// upstream, a file that is absent or may not be read means no data for the
// whole collector; any other read error fails it naming the file.
#include <array>
#include <regex>
#include <string>
#include <vector>

#include "collectors/toolkit.h"
#include "parse/utf8.h"

namespace host_exporter::collectors::nvmesubsystem {
namespace {

struct Controller {
  std::string name, state, transport, address;
};

struct Subsystem {
  std::string name, nqn, model, serial, iopolicy;
  std::vector<Controller> controllers;
  std::vector<std::string> namespaces;
};

std::vector<Subsystem> ReadSubsystems(const std::string& root) {
  static const std::regex kController("^nvme[0-9]+$");
  static const std::regex kNamespace("^nvme[0-9]+n[0-9]+$");
  DirRead list = ReadDir(root);
  if (IsAbsentOrDenied(list.error)) throw NoDataHere{};
  if (!list.ok()) ThrowErrno(root, list.error);
  std::vector<Subsystem> out;
  for (const DirEntry& e : list.entries) {
    if (!e.name.starts_with("nvme-subsys")) continue;
    const std::string dir = root + "/" + e.name;
    Subsystem s{e.name,
                AttrOrNoDataHere(dir + "/subsysnqn"),
                AttrOrNoDataHere(dir + "/model"),
                AttrOrNoDataHere(dir + "/serial"),
                AttrOrNoDataHere(dir + "/iopolicy"),
                {},
                {}};
    DirRead entries = ReadDir(dir);
    if (IsAbsentOrDenied(entries.error)) throw NoDataHere{};
    if (!entries.ok()) ThrowErrno(dir, entries.error);
    for (const DirEntry& c : entries.entries) {
      if (std::regex_match(c.name, kController)) {
        const std::string cdir = dir + "/" + c.name;
        s.controllers.push_back({c.name, AttrOrNoDataHere(cdir + "/state"),
                                 AttrOrNoDataHere(cdir + "/transport"),
                                 AttrOrNoDataHere(cdir + "/address")});
      } else if (std::regex_match(c.name, kNamespace)) {
        s.namespaces.push_back(c.name);
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

// The states of node_nvmesubsystem_path_state, sorted: the kernel's
// controller states ("deleting (no IO)" counts as "deleting") and "unknown"
// for any other.
constexpr std::array<const char*, 7> kStates = {
    "connecting", "dead", "deleting", "live", "new", "resetting", "unknown"};

std::string NormalizedState(const std::string& raw) {
  if (raw == "deleting (no IO)") return "deleting";
  for (const char* s : kStates) {
    if (raw == s && raw != "unknown") return raw;
  }
  return "unknown";
}

class NvmeSubsystemCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const auto subsystems = UnlessNoDataHere(
        [&] { return ReadSubsystems(paths.Sys("class/nvme-subsystem")); });
    if (!subsystems) return {};
    FamilySet out;
    auto& info = out.Gauge("node_nvmesubsystem_info",
                           "Non-numeric information about an NVMe subsystem.");
    auto& ns_info =
        out.Gauge("node_nvmesubsystem_namespace_info",
                  "Maps an NVMe namespace block device to its subsystem.");
    auto& npaths =
        out.Gauge("node_nvmesubsystem_paths",
                  "Number of controller paths for an NVMe subsystem.");
    auto& nlive = out.Gauge(
        "node_nvmesubsystem_paths_live",
        "Number of controller paths in live state for an NVMe subsystem.");
    auto& state = out.Gauge("node_nvmesubsystem_path_state",
                            "Current NVMe controller path state (1 for the "
                            "current state, 0 for all others).");
    for (const Subsystem& s : *subsystems) {
      const std::string name = parse::ToValidUtf8(s.name);
      info.Add({{"subsystem", name},
                {"nqn", parse::ToValidUtf8(s.nqn)},
                {"model", parse::ToValidUtf8(s.model)},
                {"serial", parse::ToValidUtf8(s.serial)},
                {"iopolicy", parse::ToValidUtf8(s.iopolicy)}},
               1);
      for (const std::string& ns : s.namespaces) {
        ns_info.Add({{"subsystem", name}, {"device", parse::ToValidUtf8(ns)}},
                    1);
      }
      double live = 0;
      for (const Controller& c : s.controllers) {
        const std::string current = NormalizedState(c.state);
        if (current == "live") ++live;
        for (const char* st : kStates) {
          state.Add({{"subsystem", name},
                     {"controller", parse::ToValidUtf8(c.name)},
                     {"transport", parse::ToValidUtf8(c.transport)},
                     {"state", st}},
                    current == st ? 1 : 0);
        }
      }
      npaths.Add({{"subsystem", name}}, ToDouble(s.controllers.size()));
      nlive.Add({{"subsystem", name}}, live);
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"nvmesubsystem",
          false,
          "Exposes NVMe subsystem path health from /sys/class/nvme-subsystem "
          "(node_exporter 1.12; follows upstream's changelog, no 1.12 binary "
          "here to compare).",
          {},
          &MakeCollector<NvmeSubsystemCollector>};
}

}  // namespace host_exporter::collectors::nvmesubsystem
