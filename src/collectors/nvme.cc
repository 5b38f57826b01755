// nvme: node_nvme_info per controller from /sys/class/nvme/<device>/
// (firmware_rev, model, serial, state), as node_exporter 1.5 reads it. No
// /sys/class/nvme, or a controller missing one of the four files: no
// families (node_exporter's ErrNoData).
#include <cerrno>

#include "collectors/hw_sysfs.h"
#include "collectors/util.h"
#include "parse/sysfs_attr.h"

namespace host_exporter {
namespace {

class NvmeCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    try {
      return Read(paths);
    } catch (const hw::NoData&) {
      return {};
    }
  }

 private:
  static std::string ReadField(const std::string& path) {
    hw::FileRead f = hw::ReadAttr(path);
    if (f.error == ENOENT) throw hw::NoData();
    if (!f.ok()) hw::ThrowErrno(path, f.error);
    return parse::ToValidUtf8(f.data);
  }

  static Families Read(const HostPaths& paths) {
    const std::string root = paths.Sys("class/nvme");
    auto info = Gauge(
        "node_nvme_info",
        "Non-numeric data from /sys/class/nvme/<device>, value is always 1.");
    for (const hw::DirEntry& e : hw::ListOrNoData(root)) {
      const std::string dir = root + "/" + e.name;
      const std::string firmware = ReadField(dir + "/firmware_rev");
      const std::string model = ReadField(dir + "/model");
      const std::string serial = ReadField(dir + "/serial");
      const std::string state = ReadField(dir + "/state");
      info.Add({{"device", parse::ToValidUtf8(e.name)},
                {"firmware_revision", firmware},
                {"model", model},
                {"serial", serial},
                {"state", state}},
               1);
    }
    Families out;
    if (!info.empty()) out.push_back(info.Take());
    return out;
  }
};

}  // namespace

CollectorSpec NvmeCollectorSpec() {
  return {"nvme",
          true,
          "Exposes NVMe controller information from /sys/class/nvme.",
          {},
          [](const CollectorOptions&) -> std::unique_ptr<Collector> {
            return std::make_unique<NvmeCollector>();
          }};
}

}  // namespace host_exporter
