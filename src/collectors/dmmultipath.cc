// dmmultipath: node_dmmultipath_* for the device-mapper multipath maps of
// /sys/block/dm-* (those whose dm/uuid starts with "mpath-"), as
// node_exporter 1.12 reads them (prometheus/procfs' DMMultipathDevices):
// dm/name, dm/suspended, size (512-byte sectors) and, per entry of slaves/,
// /sys/block/<path>/device/state. A dm-* without dm/uuid is not a
// device-mapper device and is skipped. As upstream, a file that is absent or
// may not be read anywhere else means no data for the whole collector; a
// number that does not parse fails it naming the file.
#include <cerrno>
#include <optional>
#include <string>
#include <vector>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::dmmultipath {
namespace {

struct Path {
  std::string device;
  std::string state;
};

struct Map {
  std::string name;
  std::string sysfs_name;
  std::string uuid;
  bool suspended = false;
  uint64_t size_bytes = 0;
  std::vector<Path> paths;
};

// util.ReadUintFromFile: the whole file, trimmed, a base-10 uint64; nullopt
// if it is absent or denied.
std::optional<uint64_t> UintFile(const std::string& path) {
  FileRead f = ReadWhole(path);
  if (IsAbsentOrDenied(f.error)) return std::nullopt;
  return Unwrap(parse::ParseUintFile(std::move(f).Value(path)), path);
}

// The multipath map of <block>/<name> with its dm/uuid, or nullopt if one of
// its files is absent or denied.
std::optional<Map> ReadMap(const std::string& block, const std::string& name,
                           std::string uuid) {
  const std::string dir = block + "/" + name;
  const auto dm_name = AttrOrNoData(dir + "/dm/name");
  if (!dm_name) return std::nullopt;
  const auto suspended = UintFile(dir + "/dm/suspended");
  if (!suspended) return std::nullopt;
  const auto sectors = UintFile(dir + "/size");
  if (!sectors) return std::nullopt;
  Map m{*dm_name, name, std::move(uuid), *suspended == 1, *sectors * 512, {}};
  DirRead slaves = ReadDir(dir + "/slaves");  // absent: no paths
  if (slaves.error != ENOENT && slaves.error != ENOTDIR) {
    if (IsAbsentOrDenied(slaves.error)) return std::nullopt;
    if (!slaves.ok()) ThrowErrno(dir + "/slaves", slaves.error);
  }
  for (const DirEntry& s : slaves.entries) {
    const auto state = AttrOrNoData(block + "/" + s.name + "/device/state");
    if (!state) return std::nullopt;
    m.paths.push_back({s.name, *state});
  }
  return m;
}

// The multipath maps under <sys>/block, in the order of their names; nullopt
// if a file is absent or denied anywhere.
std::optional<std::vector<Map>> ReadMaps(const std::string& block) {
  const auto entries = DirOrNoData(block);
  if (!entries) return std::nullopt;
  std::vector<Map> maps;
  for (const DirEntry& e : *entries) {
    if (!e.name.starts_with("dm-")) continue;
    const std::string uuid_path = block + "/" + e.name + "/dm/uuid";
    FileRead uuid = ReadAttr(uuid_path);
    if (uuid.missing()) continue;  // not a device-mapper device
    if (IsAbsentOrDenied(uuid.error)) return std::nullopt;
    std::string id = std::move(uuid).Value(uuid_path);
    if (!id.starts_with("mpath-")) continue;
    auto m = ReadMap(block, e.name, std::move(id));
    if (!m) return std::nullopt;
    maps.push_back(std::move(*m));
  }
  return maps;
}

// SCSI "running" and NVMe "live" are the healthy path states.
bool PathActive(const std::string& state) {
  return state == "running" || state == "live";
}

double ActivePaths(const Map& m) {
  double up = 0;
  for (const Path& p : m.paths) up += PathActive(p.state) ? 1 : 0;
  return up;
}

// The families of a map with its device and sysfs_name labels.
const FieldFamily<Map> kMapFamilies[] = {
    {"node_dmmultipath_device_active",
     "Whether the multipath device-mapper device is active (1) or suspended "
     "(0).",
     kGauge, [](const Map& m) { return m.suspended ? 0.0 : 1.0; }},
    {"node_dmmultipath_device_size_bytes",
     "Size of the multipath device in bytes, read from /sys/block/<dm>/size.",
     kGauge, FieldOf<&Map::size_bytes>},
    {"node_dmmultipath_device_paths", "Number of paths for a multipath device.",
     kGauge, [](const Map& m) { return ToDouble(m.paths.size()); }},
    {"node_dmmultipath_device_paths_active",
     "Number of paths in active state (SCSI running or NVMe live) for a "
     "multipath device.",
     kGauge, ActivePaths},
    {"node_dmmultipath_device_paths_failed",
     "Number of paths not in active state for a multipath device.", kGauge,
     [](const Map& m) { return ToDouble(m.paths.size()) - ActivePaths(m); }},
};

class DmMultipathCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const auto maps = ReadMaps(paths.Sys("block"));
    if (!maps) return {};
    FamilySet out;
    auto& info =
        out.Gauge("node_dmmultipath_device_info",
                  "Non-numeric information about a DM-multipath device.");
    auto& state = out.Gauge(
        "node_dmmultipath_path_state",
        "Reports the underlying device state for a multipath path, as read "
        "from /sys/block/<dev>/device/state.");
    for (const Map& m : *maps) {
      const std::string name = parse::ToValidUtf8(m.name);
      const std::string sysfs_name = parse::ToValidUtf8(m.sysfs_name);
      info.Add({{"device", name},
                {"sysfs_name", sysfs_name},
                {"uuid", parse::ToValidUtf8(m.uuid)}},
               1);
      AddFields(&out, kMapFamilies, m,
                {{"device", name}, {"sysfs_name", sysfs_name}});
      for (const Path& p : m.paths) {
        state.Add({{"device", name},
                   {"path", parse::ToValidUtf8(p.device)},
                   {"state", parse::ToValidUtf8(p.state)}},
                  1);
      }
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"dmmultipath",
          true,
          "Exposes DM-multipath device and path states from /sys/block/dm-* "
          "(node_exporter 1.12; follows upstream's changelog, no 1.12 binary "
          "here to compare).",
          {},
          &MakeCollector<DmMultipathCollector>};
}

}  // namespace host_exporter::collectors::dmmultipath
