// cgroups: node_cgroups_{cgroups,enabled}{subsys_name} per controller of
// /proc/cgroups (default off). Both families carry node_exporter's help
// text, which is the same for both there.
#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/proc_cgroups.h"
#include "parse/utf8.h"

namespace host_exporter::collectors::cgroups {
namespace {

class CgroupsCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("cgroups");
    const auto controllers =
        Unwrap(parse::ParseProcCgroups(ReadFile(path)), path);
    FamilySet out;
    auto& cgroups = out.Gauge("node_cgroups_cgroups",
                              "Current cgroup number of the subsystem.");
    auto& enabled = out.Gauge("node_cgroups_enabled",
                              "Current cgroup number of the subsystem.");
    for (const parse::CgroupController& c : controllers) {
      const Labels labels = {{"subsys_name", parse::ToValidUtf8(c.name)}};
      cgroups.Add(labels, ToDouble(c.cgroups));
      enabled.Add(labels, ToDouble(c.enabled));
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"cgroups",
          false,
          "A summary of the number of active and enabled cgroups.",
          {},
          &MakeCollector<CgroupsCollector>};
}

}  // namespace host_exporter::collectors::cgroups
