// cpu_vulnerabilities: node_cpu_vulnerabilities_info{codename,state,
// mitigation} per file of /sys/devices/system/cpu/vulnerabilities/
// (node_exporter 1.9, default off). No directory: no series; a file that
// cannot be read fails the collector naming it, as there.
#include "parse/cpu_vulnerabilities.h"

#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/utf8.h"

namespace host_exporter::collectors::cpu_vulnerabilities {
namespace {

class CpuVulnerabilitiesCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string dir = paths.Sys("devices/system/cpu/vulnerabilities");
    FamilySet out;
    auto& info = out.Gauge(
        "node_cpu_vulnerabilities_info",
        "Details of each CPU vulnerability reported by sysfs. The value of "
        "the series is an int encoded state of the vulnerability. The same "
        "state is stored as a string in the label");
    for (const DirEntry& e : GlobAll(dir)) {
      const std::string path = dir + "/" + e.name;
      const parse::CpuVulnerability v =
          parse::ParseCpuVulnerability(ReadFile(path));
      info.Add({{"codename", parse::ToValidUtf8(e.name)},
                {"state", v.state},
                {"mitigation", parse::ToValidUtf8(v.mitigation)}},
               1);
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"cpu_vulnerabilities",
          false,
          "Exposes CPU vulnerability information from sysfs.",
          {},
          &MakeCollector<CpuVulnerabilitiesCollector>};
}

}  // namespace host_exporter::collectors::cpu_vulnerabilities
