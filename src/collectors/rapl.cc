// rapl: node_rapl_<zone>_joules_total{index,path} per RAPL zone from
// /sys/class/powercap/<zone>/ (name, energy_uj), as node_exporter 1.5 reads
// them (prometheus/procfs 0.8 GetRaplZones). A name "package-0" is zone
// "package" index 0; a name without an index takes the count of zones of
// that name seen so far. With --collector.rapl.enable-zone-label there is
// one family, node_rapl_joules_total, with the zone as label rapl_zone.
//
// No /sys/class/powercap (or no permission to read it, or a zone without
// max_energy_range_uj): no families. An unreadable energy_uj (root only on
// recent kernels) also means no families.
#include <cerrno>
#include <map>
#include <optional>
#include <vector>

#include "collectors/toolkit.h"
#include "parse/powercap.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::rapl {
namespace {

constexpr char kZoneLabel[] = "collector.rapl.enable-zone-label";

struct Zone {
  std::string name;
  int64_t index = 0;
  std::string path;
};

bool IsPermission(int error) { return error == EACCES || error == EPERM; }

// A counter file of a zone, or nullopt for no data: no permission, or a
// missing file when `missing_is_no_data`.
std::optional<uint64_t> ReadZoneValue(const std::string& path,
                                      bool missing_is_no_data) {
  FileRead f = ReadWhole(path);
  if (IsPermission(f.error) || (missing_is_no_data && f.error == ENOENT)) {
    return std::nullopt;
  }
  if (!f.ok()) ThrowErrno(path, f.error);
  return Unwrap(parse::ParseUintFile(f.data), path);
}

class RaplCollector : public Collector {
 public:
  explicit RaplCollector(const CollectorOptions& o)
      : zone_label_(o.GetBool(kZoneLabel)) {}

  Families Collect(const HostPaths& paths) override {
    const std::string root = paths.Sys("class/powercap");
    const auto entries = ListOrNoData(root, true);
    if (!entries) return {};
    std::vector<Zone> zones;
    std::map<std::string, int64_t> name_count;
    for (const DirEntry& e : *entries) {
      const std::string dir = root + "/" + e.name;
      FileRead name_file = ReadWhole(dir + "/name");
      if (!name_file.ok()) continue;  // not a zone (e.g. intel-rapl itself)
      parse::RaplZoneName split =
          parse::SplitRaplZoneName(parse::GoTrimSpace(name_file.data));
      Zone zone;
      zone.name = split.name;
      zone.index = split.index ? *split.index : name_count[split.name];
      if (!ReadZoneValue(dir + "/max_energy_range_uj", true)) return {};
      zone.path = parse::GoCleanPath(dir);
      name_count[zone.name] = zone.index + 1;
      zones.push_back(std::move(zone));
    }

    FamilySet out;
    for (const Zone& zone : zones) {
      const std::optional<uint64_t> microjoules =
          ReadZoneValue(zone.path + "/energy_uj", false);
      if (!microjoules) return {};
      const double joules = static_cast<double>(*microjoules) / 1000000.0;
      const std::string index = std::to_string(zone.index);
      const std::string path = parse::ToValidUtf8(zone.path);
      if (zone_label_) {
        out.Counter("node_rapl_joules_total", "Current RAPL value in joules")
            .Add({{"index", index},
                  {"path", path},
                  {"rapl_zone", parse::ToValidUtf8(zone.name)}},
                 joules);
      } else {
        out.Counter("node_rapl_" + parse::SanitizeMetricName(zone.name) +
                        "_joules_total",
                    "Current RAPL " + parse::ToValidUtf8(zone.name) +
                        " value in joules")
            .Add({{"index", index}, {"path", path}}, joules);
      }
    }
    return out.Take();
  }

 private:
  const bool zone_label_;
};

}  // namespace

CollectorSpec Spec() {
  return {
      "rapl",
      true,
      "Exposes energy counters of Intel and AMD RAPL zones from "
      "/sys/class/powercap.",
      {
          // node_exporter 1.5's help text for this flag, as it is.
          {kZoneLabel, "false",
           "Enables service unit metric unit_start_time_seconds", false, true},
      },
      &MakeCollector<RaplCollector>};
}

}  // namespace host_exporter::collectors::rapl
