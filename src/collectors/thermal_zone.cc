// thermal_zone: node_thermal_zone_temp per zone from
// /sys/class/thermal/thermal_zone<N>/ and node_cooling_device_{cur,max}_state
// per cooling device from /sys/class/thermal/cooling_device<N>/, as
// node_exporter 1.5 reads them (prometheus/procfs 0.8). Every zone needs
// type, policy and temp (and a readable mode and passive when present); a
// zone whose sensor has no reading (ENODATA) is skipped; anything else
// missing or malformed fails the scrape, as there.
#include <cerrno>

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

class ThermalZoneCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    const std::string root = paths.Sys("class/thermal");
    auto& temp =
        out.Gauge("node_thermal_zone_temp", "Zone temperature in Celsius");
    for (const std::string& zone : GlobDigit(root, "thermal_zone")) {
      const std::string dir = root + "/" + zone;
      try {
        const std::string type = Check(ReadAttr(dir + "/type"), dir + "/type");
        Check(ReadAttr(dir + "/policy"), dir + "/policy");
        const std::string temp_path = dir + "/temp";
        const int64_t millidegrees =
            Unwrap(parse::ParseIntFile(Check(ReadWhole(temp_path), temp_path)),
                   temp_path);
        // Optional attributes that are still read (and must be readable).
        Check(ReadAttr(dir + "/mode"), dir + "/mode", true);
        const std::string passive_path = dir + "/passive";
        FileRead passive = ReadWhole(passive_path);
        Check(passive, passive_path, true);
        if (passive.ok()) {
          Unwrap(parse::ParseUintFile(passive.data), passive_path);
        }
        temp.Add({{"zone", parse::ToValidUtf8(zone.substr(12))},
                  {"type", parse::ToValidUtf8(type)}},
                 static_cast<double>(millidegrees) / 1000.0);
      } catch (const SkipZone&) {
        continue;
      }
    }

    auto& cur = out.Gauge("node_cooling_device_cur_state",
                          "Current throttle state of the cooling device");
    auto& max = out.Gauge("node_cooling_device_max_state",
                          "Maximum throttle state of the cooling device");
    for (const std::string& device : GlobDigit(root, "cooling_device")) {
      const std::string dir = root + "/" + device;
      const Labels labels = {
          {"name", parse::ToValidUtf8(device.substr(14))},
          {"type", parse::ToValidUtf8(ReadState(dir, "type"))}};
      const int64_t max_state = ParseState(dir + "/max_state");
      // cur_state can be -1 (intel_powerclamp when idle).
      const int64_t cur_state = ParseState(dir + "/cur_state");
      cur.Add(labels, static_cast<double>(cur_state));
      max.Add(labels, static_cast<double>(max_state));
    }

    return out.Take();
  }

 private:
  static std::string ReadState(const std::string& dir, const char* file) {
    const std::string path = dir + "/" + file;
    FileRead f = ReadAttr(path);
    if (!f.ok()) ThrowErrno(path, f.error);
    return f.data;
  }

  // A cooling device state: a base-10 integer once trimmed.
  static int64_t ParseState(const std::string& path) {
    FileRead f = ReadAttr(path);
    if (!f.ok()) ThrowErrno(path, f.error);
    return Unwrap(parse::ParseIntFile(f.data), path);
  }
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
