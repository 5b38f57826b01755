// thermal_zone: node_thermal_zone_temp per zone from
// /sys/class/thermal/thermal_zone<N>/ and node_cooling_device_{cur,max}_state
// per cooling device from /sys/class/thermal/cooling_device<N>/, as
// node_exporter 1.5 reads them (prometheus/procfs 0.8). Every zone needs
// type, policy and temp (and a readable mode and passive when present); a
// zone whose sensor has no reading (ENODATA) is skipped; anything else
// missing or malformed fails the scrape, as there.
//
// A zone's and a cooling device's paths and name label are made when it is
// first listed (they follow from its name alone); a cycle lists the class
// directory once and reads every file.
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>
#include <vector>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::thermal_zone {
namespace {

// Thrown for a zone to skip.
struct SkipZone {};

// The data of a zone file. ENODATA (no reading) skips the zone; a missing
// or unreadable optional file is fine; anything else fails.
const std::string& Check(const FileRead& f, const std::string& path,
                         bool optional = false) {
  if (f.error == ENODATA) throw SkipZone();
  const bool absent =
      f.error == ENOENT || f.error == EACCES || f.error == EPERM;
  if (!f.ok() && !(optional && absent)) ThrowErrno(path, f.error);
  return f.data;
}

// ReadAttr(path) trimmed in place: a view into f->data.
std::string_view Attr(const std::string& path, FileRead* f) {
  *f = ReadPath(path, 128);
  return f->ok() ? parse::GoTrimSpace(f->data) : std::string_view();
}

// Assigns `value` as valid UTF-8 to *out.
void AssignUtf8(std::string_view value, std::string* out) {
  if (parse::IsValidUtf8(value)) {
    out->assign(value);
  } else {
    *out = parse::ToValidUtf8(value);
  }
}

// A zone's or a cooling device's paths and name label, made when it is
// first listed.
struct Zone {
  std::string name;                               // thermal_zone<N>
  std::string label;                              // <N>, valid UTF-8
  std::string type, policy, temp, mode, passive;  // paths
  std::string type_label;                         // this cycle's
};
struct Cooling {
  std::string name;                        // cooling_device<N>
  std::string label;                       // <N>, valid UTF-8
  std::string type, max_state, cur_state;  // paths
  std::string type_label;                  // this cycle's
};

class ThermalZoneCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    if (root_.empty() || paths.sysfs != sysfs_) {
      sysfs_ = paths.sysfs;
      root_ = paths.Sys("class/thermal");
      zones_.clear();
      coolings_.clear();
    }
    // GlobDigit's rules: a directory that cannot be read has no entries.
    dir_.List(root_, &listing_);
    size_t zones = 0, coolings = 0;
    for (const DirListing::Entry e : listing_) {
      if (IsPrefixDigit(e.name, "thermal_zone")) {
        if (zones == zones_.size()) zones_.emplace_back();
        if (zones_[zones].name != e.name) PlanZone(e.name, &zones_[zones]);
        ++zones;
      } else if (IsPrefixDigit(e.name, "cooling_device")) {
        if (coolings == coolings_.size()) coolings_.emplace_back();
        if (coolings_[coolings].name != e.name) {
          PlanCooling(e.name, &coolings_[coolings]);
        }
        ++coolings;
      }
    }
    zones_.resize(zones);
    coolings_.resize(coolings);

    FamilySet out;
    auto& temp =
        out.Gauge("node_thermal_zone_temp", "Zone temperature in Celsius");
    FileRead f;
    for (Zone& zone : zones_) {
      try {
        const std::string_view type = Attr(zone.type, &f);
        Check(f, zone.type);
        AssignUtf8(type, &zone.type_label);
        Attr(zone.policy, &f);
        Check(f, zone.policy);
        f = ReadWhole(zone.temp);
        const int64_t millidegrees =
            Unwrap(parse::ParseIntFile(Check(f, zone.temp)), zone.temp);
        // Optional attributes that are still read (and must be readable).
        Attr(zone.mode, &f);
        Check(f, zone.mode, true);
        f = ReadWhole(zone.passive);
        Check(f, zone.passive, true);
        if (f.ok()) Unwrap(parse::ParseUintFile(f.data), zone.passive);
        temp.Add({{"zone", zone.label}, {"type", zone.type_label}},
                 static_cast<double>(millidegrees) / 1000.0);
      } catch (const SkipZone&) {
        continue;
      }
    }

    auto& cur = out.Gauge("node_cooling_device_cur_state",
                          "Current throttle state of the cooling device");
    auto& max = out.Gauge("node_cooling_device_max_state",
                          "Maximum throttle state of the cooling device");
    for (Cooling& device : coolings_) {
      const std::string_view type = Attr(device.type, &f);
      if (!f.ok()) ThrowErrno(device.type, f.error);
      AssignUtf8(type, &device.type_label);
      const int64_t max_state = ParseState(device.max_state, &f);
      // cur_state can be -1 (intel_powerclamp when idle).
      const int64_t cur_state = ParseState(device.cur_state, &f);
      cur.Add({{"name", device.label}, {"type", device.type_label}},
              static_cast<double>(cur_state));
      max.Add({{"name", device.label}, {"type", device.type_label}},
              static_cast<double>(max_state));
    }

    return out.Take();
  }

 private:
  // Entry `name` ("<prefix><N>") of root_ kept in *kept, its label (the
  // rest after `prefix`, made valid UTF-8) in *label; the path of its
  // directory.
  std::string Name(std::string_view name, std::string_view prefix,
                   std::string* kept, std::string* label) const {
    kept->assign(name);
    *label = parse::ToValidUtf8(name.substr(prefix.size()));
    return root_ + "/" + *kept;
  }

  void PlanZone(std::string_view name, Zone* z) {
    const std::string dir = Name(name, "thermal_zone", &z->name, &z->label);
    z->type = dir + "/type";
    z->policy = dir + "/policy";
    z->temp = dir + "/temp";
    z->mode = dir + "/mode";
    z->passive = dir + "/passive";
  }

  void PlanCooling(std::string_view name, Cooling* c) {
    const std::string dir = Name(name, "cooling_device", &c->name, &c->label);
    c->type = dir + "/type";
    c->max_state = dir + "/max_state";
    c->cur_state = dir + "/cur_state";
  }

  // A cooling device state: a base-10 integer once trimmed.
  static int64_t ParseState(const std::string& path, FileRead* f) {
    const std::string_view text = Attr(path, f);
    if (!f->ok()) ThrowErrno(path, f->error);
    return Unwrap(parse::ParseIntFile(text), path);
  }

  std::string sysfs_;  // the sysfs root root_ is under
  std::string root_;   // class/thermal
  KeptDir dir_;
  DirListing listing_;             // this cycle's listing of root_
  std::vector<Zone> zones_;        // the thermal_zone<N> entries, sorted
  std::vector<Cooling> coolings_;  // the cooling_device<N> entries, sorted
};

}  // namespace

CollectorSpec Spec() {
  return {"thermal_zone",
          true,
          "Exposes thermal zone temperatures and cooling device states from "
          "/sys/class/thermal.",
          {},
          &MakeCollector<ThermalZoneCollector>};
}

}  // namespace host_exporter::collectors::thermal_zone
