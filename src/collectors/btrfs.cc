// btrfs: node_btrfs_* per btrfs filesystem, as node_exporter 1.9 (1.5 with
// --compat.node-exporter=1.5: no node_btrfs_*commit* families from
// <uuid>/commit_stats).
//
// Allocation (per block group type and profile), global reserve, label and
// device sizes come from /sys/fs/btrfs/<uuid>/. For filesystems mounted on
// the host (found in procfs 1/mounts), the device list comes instead from
// the BTRFS_IOC_FS_INFO / DEV_INFO / GET_DEV_STATS ioctls on the mount
// point under the root path, which add each device's UUID, unused bytes and
// I/O error counters. A mount point that cannot be opened or queried (not
// root, not a subvolume root, ...) falls back to the sysfs device list,
// silently, as in node_exporter.
#include "parse/btrfs.h"

#include <fcntl.h>
#include <linux/btrfs.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/mounts.h"

namespace host_exporter::collectors::btrfs {
namespace {

constexpr uint64_t kBtrfsSectorBytes =
    512;  // sysfs sizes are in 512-byte sectors
constexpr ino_t kSubvolumeRootInode = 256;  // BTRFS_FIRST_FREE_OBJECTID

// The block group types, in node_exporter's order.
constexpr const char* kBlockGroupTypes[] = {"data", "metadata", "system"};

// One device as the ioctls describe it.
struct IoctlDevice {
  std::string path;  // "/dev/sda"
  std::string uuid;  // dashed, or "<zero>"
  uint64_t bytes_used = 0;
  uint64_t total_bytes = 0;
  // write, read, flush, corruption, generation (the kernel's order).
  uint64_t errors[5] = {};
};

// node_exporter's rootfsStripPrefix.
std::string BtrfsStripRoot(std::string_view rootfs, const std::string& mp) {
  while (rootfs.size() > 1 && rootfs.back() == '/') rootfs.remove_suffix(1);
  if (rootfs.empty() || rootfs == "/") return mp;
  if (!mp.starts_with(rootfs)) return mp;
  std::string rest = mp.substr(rootfs.size());
  return rest.empty() ? "/" : rest;
}

// Opens a btrfs subvolume root read-only, as node_exporter's btrfs library
// does (including O_NOATIME, which needs root or the owner), or -1.
int OpenSubvolume(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) ||
      st.st_ino != kSubvolumeRootInode) {
    return -1;
  }
  struct statfs sfs;
  if (::statfs(path.c_str(), &sfs) != 0 ||
      static_cast<unsigned long>(sfs.f_type) != BTRFS_SUPER_MAGIC) {
    return -1;
  }
  return ::open(path.c_str(), O_RDONLY | O_NOATIME | O_CLOEXEC);
}

// The devices of the filesystem open on `fd`, or false if a query failed.
bool QueryDevices(int fd, const btrfs_ioctl_fs_info_args& info,
                  std::vector<IoctlDevice>* out) {
  // Device IDs need not start at 0 nor be contiguous: ENODEV is a gap.
  for (uint64_t id = 0; id <= info.max_id; ++id) {
    btrfs_ioctl_dev_info_args dev{};
    dev.devid = id;
    if (::ioctl(fd, BTRFS_IOC_DEV_INFO, &dev) != 0) {
      if (errno == ENODEV) continue;
      return false;
    }
    btrfs_ioctl_get_dev_stats stats{};
    stats.devid = id;
    stats.nr_items = BTRFS_DEV_STAT_VALUES_MAX;
    if (::ioctl(fd, BTRFS_IOC_GET_DEV_STATS, &stats) != 0) return false;
    IoctlDevice d;
    const char* p = reinterpret_cast<const char*>(dev.path);
    d.path.assign(p, ::strnlen(p, sizeof dev.path));
    d.uuid = parse::FormatBtrfsUuid(dev.uuid);
    d.bytes_used = dev.bytes_used;
    d.total_bytes = dev.total_bytes;
    for (int k = 0; k < 5; ++k) d.errors[k] = stats.values[k];
    out->push_back(std::move(d));
    if (out->size() == info.num_devices) break;
  }
  return true;
}

// Devices per filesystem id (32 hex digits) for the btrfs filesystems
// mounted on the host. Any failure just leaves a filesystem out.
std::map<std::string, std::vector<IoctlDevice>> IoctlStats(
    const HostPaths& paths) {
  std::map<std::string, std::vector<IoctlDevice>> by_fsid;
  std::optional<std::string> text;
  try {
    text = ReadFileIfExists(paths.Proc("1/mounts"));
    if (!text) text = ReadFileIfExists(paths.Proc("mounts"));
  } catch (const CollectError&) {
    return by_fsid;
  }
  if (!text) return by_fsid;
  auto mounts = parse::ParseMounts(*text);
  if (!mounts.ok()) return by_fsid;
  std::set<std::string> devices_done;
  for (const parse::MountEntry& m : mounts.value) {
    if (m.fs_type != "btrfs" || devices_done.count(m.device) > 0) continue;
    ScopedFd fd(
        OpenSubvolume(paths.Root(BtrfsStripRoot(paths.rootfs, m.mount_point))));
    if (fd.get() < 0) continue;
    btrfs_ioctl_fs_info_args info{};
    if (::ioctl(fd.get(), BTRFS_IOC_FS_INFO, &info) != 0) continue;
    const std::string fsid = parse::FormatBtrfsFsid(info.fsid);
    if (by_fsid.count(fsid) > 0) continue;  // seen through another mount
    std::vector<IoctlDevice> devs;
    if (!QueryDevices(fd.get(), info, &devs)) continue;
    devices_done.insert(m.device);
    by_fsid.emplace(fsid, std::move(devs));
  }
  return by_fsid;
}

bool IsDirectory(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// node_exporter 1.9's commit statistics (sysfs <uuid>/commit_stats,
// Linux 6.0; all 0 without the file): family, HELP, type, key, scale.
struct CommitStat {
  const char* name;
  const char* help;
  prometheus::MetricType type;
  std::string_view key;
  double scale;
};
constexpr CommitStat kCommitStats[] = {
    {"node_btrfs_commits_total",
     "The total number of commits that have occurred.", kCounter, "commits", 1},
    {"node_btrfs_last_commit_seconds",
     "Duration of the most recent commit, in seconds.", kGauge,
     "last_commit_ms", 1e-3},
    {"node_btrfs_max_commit_seconds",
     "Duration of the slowest commit, in seconds.", kGauge, "max_commit_ms",
     1e-3},
    {"node_btrfs_commit_seconds_total",
     "Sum of the duration of all commits, in seconds.", kCounter,
     "total_commit_ms", 1e-3},
};

void AddCommitStats(const std::string& path, const Labels& labels,
                    FamilySet* out) {
  std::map<std::string_view, uint64_t, std::less<>> values;
  const std::optional<std::string> text = ReadFileIfExists(path);
  if (text) {
    for (std::string_view line : parse::SplitLines(*text)) {
      auto f = parse::SplitFields(line);
      if (f.size() != 2) continue;
      if (auto v = parse::ParseU64(f[1])) values[f[0]] = *v;
    }
  }
  for (const CommitStat& c : kCommitStats) {
    auto it = values.find(c.key);
    const uint64_t v = it == values.end() ? 0 : it->second;
    out->Family(c.name, c.help, c.type)
        .Add(labels, static_cast<double>(v) * c.scale);
  }
}

class BtrfsCollector : public Collector {
 public:
  explicit BtrfsCollector(const CollectorOptions& o)
      : ne15_(o.NodeExporter15()) {}

  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    const std::string root = paths.Sys("fs/btrfs");
    // Filesystems are the "<uuid>" entries; "features" is module-wide.
    std::vector<std::string> filesystems;
    for (const std::string& name : ListDir(root)) {
      if (name.find('-') != std::string::npos) filesystems.push_back(name);
    }
    if (filesystems.empty()) return {};
    const auto ioctl_stats = IoctlStats(paths);

    static constexpr FamilyDef kFamilies[] = {
        {"node_btrfs_info", "Filesystem information", kGauge},
        {"node_btrfs_global_rsv_size_bytes", "Size of global reserve.", kGauge},
        {"node_btrfs_reserved_bytes",
         "Amount of space reserved for a data type", kGauge},
        {"node_btrfs_used_bytes", "Amount of used space by a layout/data type",
         kGauge},
        {"node_btrfs_size_bytes",
         "Amount of space allocated for a layout/data type", kGauge},
        {"node_btrfs_allocation_ratio",
         "Data allocation ratio for a layout/data type", kGauge},
        {"node_btrfs_device_size_bytes",
         "Size of a device that is part of the filesystem.", kGauge},
        {"node_btrfs_device_unused_bytes",
         "Unused bytes unused on a device that is part of the filesystem.",
         kGauge},
        {"node_btrfs_device_errors_total", "Errors reported for the device",
         kCounter},
    };
    const auto [info, rsv, reserved, used, size, ratio, dev_size, dev_unused,
                dev_errors] = out.Handles(kFamilies);

    for (const std::string& name : filesystems) {
      const std::string dir = root + "/" + name;
      auto value = [&dir](const std::string& rel) -> uint64_t {
        auto text = ReadFileIfExists(dir + "/" + rel);
        return text ? parse::ParseBtrfsSysfsValue(*text) : 0;
      };
      auto text = [&dir](const std::string& rel) -> std::string {
        auto t = ReadFileIfExists(dir + "/" + rel);
        return t ? std::string(parse::Trim(*t)) : std::string();
      };
      const std::vector<std::string> devices = ListDir(dir + "/devices");
      std::string uuid = text("metadata_uuid");  // kernels 5.0+
      if (uuid.empty()) uuid = name;

      info->Add({{"uuid", uuid}, {"label", text("label")}}, 1);
      if (!ne15_) AddCommitStats(dir + "/commit_stats", {{"uuid", uuid}}, &out);
      // node_exporter 1.5 reads the reserve as 0 when the devices directory
      // could not be listed (its reader stops reading numbers after an
      // error).
      const bool devices_listed = IsDirectory(dir + "/devices");
      rsv->Add({{"uuid", uuid}},
               devices_listed
                   ? static_cast<double>(value("allocation/global_rsv_size"))
                   : 0.0);
      for (const char* type : kBlockGroupTypes) {
        const std::string alloc = std::string("allocation/") + type;
        // node_exporter 1.5 fails on a missing system directory only.
        if (std::string(type) == "system" && !IsDirectory(dir + "/" + alloc)) {
          throw CollectError(dir + "/" + alloc + ": No such directory");
        }
        reserved->Add({{"uuid", uuid}, {"block_group_type", type}},
                      static_cast<double>(value(alloc + "/bytes_reserved")));
        for (const DirEntry& entry : ListEntries(dir + "/" + alloc)) {
          if (entry.kind != Kind::kDirectory) continue;  // lstat's answer
          const std::string& mode = entry.name;
          const Labels l = {
              {"uuid", uuid}, {"block_group_type", type}, {"mode", mode}};
          used->Add(l, static_cast<double>(
                           value(alloc + "/" + mode + "/used_bytes")));
          size->Add(l, static_cast<double>(
                           value(alloc + "/" + mode + "/total_bytes")));
          ratio->Add(l, parse::BtrfsAllocationRatio(mode, devices.size()));
        }
      }

      std::string fsid = uuid;
      std::erase(fsid, '-');
      auto it = ioctl_stats.find(fsid);
      if (it == ioctl_stats.end()) {
        for (const std::string& dev : devices) {
          // uint64 arithmetic, wrapping as in node_exporter.
          dev_size->Add({{"uuid", uuid}, {"device", dev}},
                        static_cast<double>(kBtrfsSectorBytes *
                                            value("devices/" + dev + "/size")));
        }
        continue;
      }
      static constexpr const char* kErrorTypes[] = {"write", "read", "flush",
                                                    "corruption", "generation"};
      for (const IoctlDevice& d : it->second) {
        const Labels l = {
            {"uuid", uuid},
            {"device", std::string(parse::BtrfsDeviceName(d.path))},
            {"btrfs_dev_uuid", d.uuid}};
        dev_size->Add(l, static_cast<double>(d.total_bytes));
        dev_unused->Add(l, static_cast<double>(d.total_bytes - d.bytes_used));
        for (int k = 0; k < 5; ++k) {
          Labels el = l;
          el.emplace_back("type", kErrorTypes[k]);
          dev_errors->Add(el, static_cast<double>(d.errors[k]));
        }
      }
    }
    return out.Take();
  }

 private:
  bool ne15_;  // --compat.node-exporter=1.5: no commit statistics
};

}  // namespace

CollectorSpec Spec() {
  return {"btrfs",
          true,
          "Exposes btrfs statistics (allocation from /sys/fs/btrfs, device "
          "errors through ioctls on mounted filesystems).",
          {},
          &MakeCollector<BtrfsCollector>};
}

}  // namespace host_exporter::collectors::btrfs
