// nvme: node_nvme_info per controller from /sys/class/nvme/<device>/
// (firmware_rev, model, serial, state), as node_exporter 1.5 reads it. No
// /sys/class/nvme, or a controller missing one of the four files: no
// families (node_exporter's ErrNoData).
#include <optional>
#include <string>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::nvme {
namespace {

class NvmeCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    const std::string root = paths.Sys("class/nvme");
    const auto entries = ListOrNoData(root);
    if (!entries) return {};
    auto& info = out.Gauge(
        "node_nvme_info",
        "Non-numeric data from /sys/class/nvme/<device>, value is always 1.");
    for (const DirEntry& e : *entries) {
      const std::string dir = root + "/" + e.name;
      std::optional<std::string> fields[4];
      const char* names[4] = {"firmware_rev", "model", "serial", "state"};
      for (int i = 0; i < 4; ++i) {
        const std::string path = dir + "/" + names[i];
        fields[i] = ReadAttr(path).OrNoData(path);
        if (!fields[i]) return {};  // a controller without it: no data
      }
      info.Add({{"device", parse::ToValidUtf8(e.name)},
                {"firmware_revision", parse::ToValidUtf8(*fields[0])},
                {"model", parse::ToValidUtf8(*fields[1])},
                {"serial", parse::ToValidUtf8(*fields[2])},
                {"state", parse::ToValidUtf8(*fields[3])}},
               1);
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"nvme",
          true,
          "Exposes NVMe controller information from /sys/class/nvme.",
          {},
          &MakeCollector<NvmeCollector>};
}

}  // namespace host_exporter::collectors::nvme
