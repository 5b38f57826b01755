// bonding: node_bonding_slaves and node_bonding_active per bonding master,
// from /sys/class/net/bonding_masters, <master>/bonding/slaves and each
// slave's bonding_slave/mii_status (under <master>/lower_<slave>/, or
// <master>/slave_<slave>/ on older kernels), as node_exporter 1.5 reads
// them. A missing file anywhere means no families (node_exporter's
// ErrNoData), not an error.
#include <cerrno>
#include <map>
#include <utility>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::bonding {
namespace {

class BondingCollector : public Collector {
 public:
  // A file missing anywhere ends the collection with no data.
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    const std::string root = paths.Sys("class/net");
    // master -> (configured slaves, slaves whose MII status is up)
    std::map<std::string, std::pair<int, int>> status;
    const std::string masters_path = root + "/bonding_masters";
    const auto masters = ReadWhole(masters_path).OrNoData(masters_path);
    if (!masters) return {};
    for (std::string_view master : parse::GoFields(*masters)) {
      const std::string dir = root + "/" + std::string(master);
      const std::string slaves_path = dir + "/bonding/slaves";
      const auto slaves = ReadWhole(slaves_path).OrNoData(slaves_path);
      if (!slaves) return {};
      std::pair<int, int> counts{0, 0};
      for (std::string_view slave : parse::GoFields(*slaves)) {
        const std::string s(slave);
        std::string path = dir + "/lower_" + s + "/bonding_slave/mii_status";
        FileRead f = ReadWhole(path);
        if (f.error == ENOENT) {
          path = dir + "/slave_" + s + "/bonding_slave/mii_status";
          f = ReadWhole(path);
        }
        if (f.error == ENOENT) return {};
        if (!f.ok()) ThrowErrno(path, f.error);
        ++counts.first;
        if (parse::GoTrimSpace(f.data) == "up") ++counts.second;
      }
      status[std::string(master)] = counts;
    }
    auto& slaves =
        out.Gauge("node_bonding_slaves",
                  "Number of configured slaves per bonding interface.");
    auto& active = out.Gauge("node_bonding_active",
                             "Number of active slaves per bonding interface.");
    for (const auto& [master, counts] : status) {
      slaves.Add({{"master", master}}, counts.first);
      active.Add({{"master", master}}, counts.second);
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"bonding",
          true,
          "Exposes the number of configured and active slaves of Linux "
          "bonding interfaces.",
          {},
          &MakeCollector<BondingCollector>};
}

}  // namespace host_exporter::collectors::bonding
