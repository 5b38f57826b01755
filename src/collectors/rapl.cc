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
//
// Each entry of the class directory is planned when first listed: its
// files' paths, its labels, and, once its name file has been read, the
// zone's name, family name and help, kept while the entry's stamp holds (a
// powercap zone's name is fixed for its life; on sysfs the stamp is its
// class symlink's, in a fixture tree its directory's, whose change time
// tells a file added or removed). A cycle lists the directory and reads
// max_energy_range_uj and energy_uj of each zone (the name file of an entry
// whose name could not be read, again).
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "collectors/toolkit.h"
#include "parse/powercap.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::rapl {
namespace {

constexpr char kZoneLabel[] = "collector.rapl.enable-zone-label";

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

// An entry of the class directory as planned when first listed; the zone
// (its name read) kept while the entry's stamp holds.
struct Zone {
  std::string name_path, max_path, energy_path;
  std::string path_label;  // the cleaned directory, valid UTF-8
  bool stamped = false;    // stamp and stamp_error taken
  DirStamp stamp;
  int stamp_error = 0;
  bool is_zone = false;  // its name file was read: the fields below are set
  std::string name;      // "package" of "package-0"
  std::optional<int64_t> index;  // 0 of "package-0"
  std::string zone_label;        // the name, valid UTF-8
  std::string family, help;      // node_rapl_<name>_joules_total's
  int64_t index_now = 0;         // this cycle's index
  std::string index_label;       // index_now as text
  bool seen = false;             // listed this cycle
};

class RaplCollector : public Collector {
 public:
  explicit RaplCollector(const CollectorOptions& o)
      : zone_label_(o.GetBool(kZoneLabel)) {}

  Families Collect(const HostPaths& paths) override {
    if (root_.empty() || paths.sysfs != sysfs_) {
      sysfs_ = paths.sysfs;
      root_ = paths.Sys("class/powercap");
      zones_.clear();
    }
    // ListOrNoData(root, /*denied_is_no_data=*/true)'s rules.
    if (const int error = dir_.List(root_, &listing_)) {
      if (error == ENOENT || IsPermission(error)) {
        zones_.clear();
        return {};
      }
      ThrowErrno(root_, error);
    }
    for (auto& [entry, zone] : zones_) zone.seen = false;
    order_.clear();
    for (const DirListing::Entry e : listing_) {
      auto it = zones_.find(e.name);
      if (it == zones_.end()) it = Plan(e.name);
      Zone& zone = it->second;
      zone.seen = true;
      DirStamp stamp;
      const int stamp_error = dir_.Stamp(it->first, &stamp);
      if (!zone.stamped || stamp_error != zone.stamp_error ||
          (stamp_error == 0 && !(stamp == zone.stamp))) {
        zone.stamped = true;
        zone.stamp = stamp;
        zone.stamp_error = stamp_error;
        zone.is_zone = false;  // its name read again
      }
      if (!zone.is_zone && !ReadName(zone)) {
        continue;  // not a zone (e.g. intel-rapl itself)
      }
      // Without an index of its own, the count of zones of the name so
      // far: one more than the last one's.
      int64_t index = 0;
      if (zone.index) {
        index = *zone.index;
      } else {
        for (auto p = order_.rbegin(); p != order_.rend(); ++p) {
          if ((*p)->name == zone.name) {
            index = (*p)->index_now + 1;
            break;
          }
        }
      }
      if (!ReadZoneValue(zone.max_path, true)) return {};
      if (index != zone.index_now || zone.index_label.empty()) {
        char text[24];
        const auto end = std::to_chars(text, text + sizeof text, index).ptr;
        zone.index_label.assign(text, end);
      }
      zone.index_now = index;
      order_.push_back(&zone);
    }
    std::erase_if(zones_, [](const auto& kv) { return !kv.second.seen; });

    FamilySet out;
    for (const Zone* zone : order_) {
      const std::optional<uint64_t> microjoules =
          ReadZoneValue(zone->energy_path, false);
      if (!microjoules) return {};
      const double joules = static_cast<double>(*microjoules) / 1000000.0;
      if (zone_label_) {
        out.Counter("node_rapl_joules_total", "Current RAPL value in joules")
            .Add({{"index", zone->index_label},
                  {"path", zone->path_label},
                  {"rapl_zone", zone->zone_label}},
                 joules);
      } else {
        out.Counter(zone->family, zone->help)
            .Add({{"index", zone->index_label}, {"path", zone->path_label}},
                 joules);
      }
    }
    return out.Take();
  }

 private:
  // A new entry `entry`: its paths.
  std::map<std::string, Zone, std::less<>>::iterator Plan(
      std::string_view entry) {
    auto it = zones_.emplace(std::string(entry), Zone{}).first;
    Zone& zone = it->second;
    const std::string dir = root_ + "/" + it->first;
    const std::string clean = parse::GoCleanPath(dir);
    zone.name_path = dir + "/name";
    zone.max_path = dir + "/max_energy_range_uj";
    zone.energy_path = clean + "/energy_uj";
    zone.path_label = parse::ToValidUtf8(clean);
    return it;
  }

  // Reads the zone's name file; false if it cannot be read (not a zone).
  static bool ReadName(Zone& zone) {
    FileRead name_file = ReadWhole(zone.name_path);
    if (!name_file.ok()) return false;
    parse::RaplZoneName split =
        parse::SplitRaplZoneName(parse::GoTrimSpace(name_file.data));
    zone.name = std::move(split.name);
    zone.index = split.index;
    zone.zone_label = parse::ToValidUtf8(zone.name);
    zone.family =
        "node_rapl_" + parse::SanitizeMetricName(zone.name) + "_joules_total";
    zone.help = "Current RAPL " + zone.zone_label + " value in joules";
    zone.is_zone = true;
    return true;
  }

  const bool zone_label_;
  std::string sysfs_;  // the sysfs root root_ is under
  std::string root_;   // class/powercap
  KeptDir dir_;
  DirListing listing_;  // this cycle's listing of root_
  std::map<std::string, Zone, std::less<>> zones_;  // by entry name
  std::vector<Zone*> order_;                        // this cycle's zones
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
