// dmmultipath: node_dmmultipath_* for the device-mapper multipath maps of
// /sys/block/dm-* (those whose dm/uuid starts with "mpath-"), as
// node_exporter 1.12 reads them (prometheus/procfs' DMMultipathDevices):
// dm/name, dm/suspended, size (512-byte sectors) and, per entry of slaves/,
// /sys/block/<path>/device/state. A dm-* without dm/uuid is not a
// device-mapper device and is skipped. As upstream, a file that is absent or
// may not be read anywhere else means no data for the whole collector; a
// number that does not parse fails it naming the file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::dmmultipath {
namespace {

// util.ReadUintFromFile: the whole file, trimmed, a base-10 uint64; nullopt
// if it is absent or denied.
std::optional<uint64_t> UintFile(const std::string& path) {
  FileRead f = ReadWhole(path);
  if (IsAbsentOrDenied(f.error)) return std::nullopt;
  return Unwrap(parse::ParseUintFile(f.Value(path)), path);
}

// `s` as a label value: itself if it is valid UTF-8, else its valid copy
// made in *scratch.
std::string_view Valid(const std::string& s, std::string* scratch) {
  if (parse::IsValidUtf8(s)) return s;
  *scratch = parse::ToValidUtf8(s);
  return *scratch;
}

// A path of a map: an entry of its slaves/ and the state file read for it.
struct Path {
  std::string device;      // the entry's name
  std::string label;       // device, valid UTF-8
  std::string state_path;  // <block>/<device>/device/state
  std::string state;       // this cycle's
  std::string state_scratch;
};

// What a map's families show of it this cycle.
struct MapValues {
  bool suspended = false;
  uint64_t size_bytes = 0;
  double paths = 0;
  double active = 0;
};

// A dm-* entry of the block directory: its files' paths, made from its name
// when first listed, and its dm/uuid once read non-empty: the kernel sets a
// device's uuid once (dm-ioctl refuses to change one that is set), so it is
// fixed while the entry's stamp (KeptDir::Stamp: on sysfs its symlink's,
// another for a re-created device) holds. The rest is read each cycle: the
// name (dmsetup rename), the values and the slaves/ listing (a table reload
// changes the paths; sysfs' directory stamps do not tell).
struct Map {
  EntryStamps stamps;  // of the entry
  std::string uuid_path, name_path, suspended_path, size_path, slaves_dir;
  std::string uuid;  // kept once read non-empty
  bool uuid_kept = false;
  bool multipath = false;               // uuid starts with "mpath-"
  std::string sysfs_label, uuid_label;  // valid UTF-8, with the uuid
  // This cycle's.
  std::string name, name_scratch;
  MapValues values;
  std::vector<DirEntry> slaves;  // the listing of slaves_dir
  std::vector<Path> paths;       // one per entry of slaves
  bool seen = false;
};

// SCSI "running" and NVMe "live" are the healthy path states.
bool PathActive(const std::string& state) {
  return state == "running" || state == "live";
}

// The families of a map with its device and sysfs_name labels.
const FieldFamily<MapValues> kMapFamilies[] = {
    {"node_dmmultipath_device_active",
     "Whether the multipath device-mapper device is active (1) or suspended "
     "(0).",
     kGauge, [](const MapValues& m) { return m.suspended ? 0.0 : 1.0; }},
    {"node_dmmultipath_device_size_bytes",
     "Size of the multipath device in bytes, read from /sys/block/<dm>/size.",
     kGauge, FieldOf<&MapValues::size_bytes>},
    {"node_dmmultipath_device_paths", "Number of paths for a multipath device.",
     kGauge, FieldOf<&MapValues::paths>},
    {"node_dmmultipath_device_paths_active",
     "Number of paths in active state (SCSI running or NVMe live) for a "
     "multipath device.",
     kGauge, FieldOf<&MapValues::active>},
    {"node_dmmultipath_device_paths_failed",
     "Number of paths not in active state for a multipath device.", kGauge,
     [](const MapValues& m) { return m.paths - m.active; }},
};

class DmMultipathCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    if (block_.empty() || sysfs_ != paths.sysfs) {
      sysfs_ = paths.sysfs;
      block_ = paths.Sys("block");
      maps_.clear();
    }
    if (!ReadMaps()) return {};
    FamilySet out;
    auto& info =
        out.Gauge("node_dmmultipath_device_info",
                  "Non-numeric information about a DM-multipath device.");
    auto& state = out.Gauge(
        "node_dmmultipath_path_state",
        "Reports the underlying device state for a multipath path, as read "
        "from /sys/block/<dev>/device/state.");
    for (Map* m : listed_) {
      const std::string_view name = Valid(m->name, &m->name_scratch);
      info.Add({{"device", name},
                {"sysfs_name", m->sysfs_label},
                {"uuid", m->uuid_label}},
               1);
      AddFields(&out, kMapFamilies, m->values,
                {{"device", name}, {"sysfs_name", m->sysfs_label}});
      for (Path& p : m->paths) {
        state.Add({{"device", name},
                   {"path", p.label},
                   {"state", Valid(p.state, &p.state_scratch)}},
                  1);
      }
    }
    return out.Take();
  }

 private:
  // This cycle's multipath maps into listed_, in the order of their names;
  // false if a file is absent or denied anywhere (no data).
  bool ReadMaps() {
    listed_.clear();
    const int error = ReadDirInto(block_, &entries_);
    if (IsAbsentOrDenied(error)) {
      maps_.clear();
      return false;
    }
    if (error != 0) ThrowErrno(block_, error);
    block_dir_.Refresh(block_);
    for (auto& [name, m] : maps_) m.seen = false;
    for (const DirEntry& e : entries_) {
      if (!e.name.starts_with("dm-")) continue;
      Map& m = Plan(e.name);
      if (!m.uuid_kept) {
        FileRead uuid = ReadAttr(m.uuid_path);
        if (uuid.missing()) continue;  // not a device-mapper device
        if (IsAbsentOrDenied(uuid.error)) return false;
        m.uuid = std::move(uuid).Value(m.uuid_path);
        m.multipath = m.uuid.starts_with("mpath-");
        m.uuid_label = parse::ToValidUtf8(m.uuid);
        m.uuid_kept = !m.uuid.empty();
      }
      if (!m.multipath) continue;
      if (!ReadMap(m)) return false;
      listed_.push_back(&m);
    }
    std::erase_if(maps_, [](const auto& kv) { return !kv.second.seen; });
    return true;
  }

  // The map of entry `name`, its kept uuid forgotten if its stamp changed.
  Map& Plan(const std::string& name) {
    auto [it, added] = maps_.try_emplace(name);
    Map& m = it->second;
    m.seen = true;
    if (added) {
      const std::string dir = block_ + "/" + name;
      m.uuid_path = dir + "/dm/uuid";
      m.name_path = dir + "/dm/name";
      m.suspended_path = dir + "/dm/suspended";
      m.size_path = dir + "/size";
      m.slaves_dir = dir + "/slaves";
      m.sysfs_label = parse::ToValidUtf8(name);
    }
    if (added || !m.stamps.Same(block_dir_, name)) {
      m.stamps.Take(block_dir_, name, {""});
      m.uuid_kept = false;
    }
    return m;
  }

  // This cycle's name, values and paths of map `m`; false if one of its
  // files is absent or denied.
  bool ReadMap(Map& m) {
    auto dm_name = AttrOrNoData(m.name_path);
    if (!dm_name) return false;
    m.name = std::move(*dm_name);
    const auto suspended = UintFile(m.suspended_path);
    if (!suspended) return false;
    const auto sectors = UintFile(m.size_path);
    if (!sectors) return false;
    const int error = ReadDirInto(m.slaves_dir, &m.slaves);  // absent: no paths
    if (error != 0 && error != ENOENT && error != ENOTDIR) {
      if (IsAbsentOrDenied(error)) return false;
      ThrowErrno(m.slaves_dir, error);
    }
    size_t k = 0;
    for (const DirEntry& s : m.slaves) {
      if (k == m.paths.size()) m.paths.emplace_back();
      Path& p = m.paths[k++];
      if (p.device != s.name) {
        p.device = s.name;
        p.label = parse::ToValidUtf8(s.name);
        p.state_path = block_ + "/" + s.name + "/device/state";
      }
    }
    m.paths.resize(k);
    double active = 0;
    for (Path& p : m.paths) {
      auto state = AttrOrNoData(p.state_path);
      if (!state) return false;
      p.state = std::move(*state);
      active += PathActive(p.state) ? 1 : 0;
    }
    m.values = {*suspended == 1, *sectors * 512,
                static_cast<double>(m.paths.size()), active};
    return true;
  }

  std::string sysfs_, block_;        // <sys>/block, made for sysfs_
  KeptDir block_dir_;                // block_, the maps stamped in it
  std::vector<DirEntry> entries_;    // this cycle's listing of block_
  std::map<std::string, Map> maps_;  // the dm-* entries, by name
  std::vector<Map*> listed_;         // this cycle's multipath maps, in order
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
