// runit: node_service_* per service of runit's service directory
// (--collector.runit.servicedir, node_exporter 1.9's names, default off),
// from each service's supervise/status, runsv's 20-byte record
// (parse/runit_status.h). A missing service directory is "no data"; a
// service whose status cannot be read or parsed (runsv not started yet, a
// supervise directory only root may read) is left out with a warning naming
// the file, as node_exporter skips it.
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/runit_status.h"

namespace host_exporter::collectors::runit {
namespace {

constexpr char kServiceDirFlag[] = "collector.runit.servicedir";

class RunitCollector : public Collector {
 public:
  explicit RunitCollector(const CollectorOptions& o)
      : dir_(o.Get(kServiceDirFlag)) {}

  Families Collect(const HostPaths&) override {
    const auto entries = ListOrNoData(dir_);
    if (!entries) return {};
    FamilySet out;
    auto& state = out.Gauge("node_service_state", "State of runit service.");
    auto& desired = out.Gauge("node_service_desired_state",
                              "Desired state of runit service.");
    auto& normal = out.Gauge("node_service_normal_state",
                             "Normal state of runit service.");
    auto& changed =
        out.Gauge("node_service_state_last_change_timestamp_seconds",
                  "Unix timestamp of the last runit service state change.");
    for (const DirEntry& e : *entries) {
      if (e.kind != Kind::kDirectory && e.kind != Kind::kSymlink) continue;
      const std::string service = dir_ + "/" + e.name;
      const std::string path = service + "/supervise/status";
      FileRead f = ReadUncached(path);
      if (!f.ok()) {
        warnings_.push_back(path + ": " + std::strerror(f.error));
        continue;
      }
      auto status = parse::ParseRunitStatus(f.data);
      if (!status.ok()) {
        warnings_.push_back(path + ": " + status.error);
        continue;
      }
      const Labels labels = {{"service", e.name}, {"supervisor", "runit"}};
      state.Add(labels, status.value.state);
      desired.Add(labels, status.value.want);
      changed.Add(labels, ToDouble(status.value.changed_unix));
      // runit's meaning: a `down` file in the service directory says the
      // service is not started with runsv (go-runit looks for it in
      // supervise/, where runit never puts it, so node_exporter says 1).
      normal.Add(labels, Lstat(service + "/down").kind == Kind::kNone ? 1 : 0);
    }
    return out.Take();
  }

  std::vector<std::string> TakeWarnings() override {
    return std::exchange(warnings_, {});
  }

 private:
  const std::string dir_;
  std::vector<std::string> warnings_;
};

}  // namespace

CollectorSpec Spec() {
  return {
      "runit",
      false,
      "Exposes service status from runit.",
      {{kServiceDirFlag, "/etc/service", "Path to runit service directory."}},
      &MakeCollector<RunitCollector>};
}

}  // namespace host_exporter::collectors::runit
