// nvmesubsystem: node_nvmesubsystem_* for the NVMe (over Fabrics)
// subsystems of /sys/class/nvme-subsystem/nvme-subsys* (default off), as
// node_exporter 1.12 reads them (prometheus/procfs' NVMeSubsystemClass):
// subsysnqn, model, serial, iopolicy; per controller entry nvme<N> its
// state, transport and address; the namespace entries nvme<N>n<M>. As
// upstream, a file that is absent or may not be read means no data for the
// whole collector; any other read error fails it naming the file.
#include <array>
#include <optional>
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

// The attributes `names` of `dir` in this order, or nullopt as soon as one is
// absent or denied.
template <size_t N>
std::optional<std::array<std::string, N>> Attrs(
    const std::string& dir, const std::array<const char*, N>& names) {
  std::array<std::string, N> out;
  for (size_t i = 0; i < N; ++i) {
    auto v = AttrOrNoData(dir + "/" + names[i]);
    if (!v) return std::nullopt;
    out[i] = std::move(*v);
  }
  return out;
}

// The subsystem of <root>/<name>, or nullopt if one of its files is absent
// or denied.
std::optional<Subsystem> ReadSubsystem(const std::string& root,
                                       const std::string& name) {
  static const std::regex kController("^nvme[0-9]+$");
  static const std::regex kNamespace("^nvme[0-9]+n[0-9]+$");
  const std::string dir = root + "/" + name;
  const auto a = Attrs<4>(dir, {"subsysnqn", "model", "serial", "iopolicy"});
  if (!a) return std::nullopt;
  Subsystem s{name, (*a)[0], (*a)[1], (*a)[2], (*a)[3], {}, {}};
  const auto entries = DirOrNoData(dir);
  if (!entries) return std::nullopt;
  for (const DirEntry& c : *entries) {
    if (std::regex_match(c.name, kController)) {
      const auto ca =
          Attrs<3>(dir + "/" + c.name, {"state", "transport", "address"});
      if (!ca) return std::nullopt;
      s.controllers.push_back({c.name, (*ca)[0], (*ca)[1], (*ca)[2]});
    } else if (std::regex_match(c.name, kNamespace)) {
      s.namespaces.push_back(c.name);
    }
  }
  return s;
}

// The subsystems under `root`, or nullopt if a file is absent or denied
// anywhere.
std::optional<std::vector<Subsystem>> ReadSubsystems(const std::string& root) {
  const auto entries = DirOrNoData(root);
  if (!entries) return std::nullopt;
  std::vector<Subsystem> out;
  for (const DirEntry& e : *entries) {
    if (!e.name.starts_with("nvme-subsys")) continue;
    auto s = ReadSubsystem(root, e.name);
    if (!s) return std::nullopt;
    out.push_back(std::move(*s));
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
    const auto subsystems = ReadSubsystems(paths.Sys("class/nvme-subsystem"));
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
