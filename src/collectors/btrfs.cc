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
//
// The filesystems are kept by name between cycles (Filesystem): their
// files' paths, and the names of their profile directories and devices as
// last listed. A steady cycle lists each directory without making a string
// of an entry (ForEachDirEntry) and compares the listing with the names
// kept; one that differs is kept instead. metadata_uuid is read again when
// its stamp changes (StampedFile), the label and commit_stats into kept
// buffers (ReadPathInto), the numbers every cycle. The mount table is parsed
// again only when its text changed, and the ioctls' answers are kept in entries
// assigned into.
#include "parse/btrfs.h"

#include <fcntl.h>
#include <linux/btrfs.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
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

// The names of directory `dir` whose entry type `keep` accepts, sorted, as
// ListEntries() gives them (none if `dir` is missing; another error throws
// CollectError naming it), kept in *names: listed every cycle without a
// string made, and only a listing that differs from *names replaces it.
// True if it did.
template <typename Keep>
bool RelistNames(const std::string& dir, Keep&& keep,
                 std::vector<std::string>* names) {
  size_t found = 0;
  bool differs = false;
  int err = ForEachDirEntry(dir, [&](std::string_view name, Kind kind) {
    if (differs || !keep(name, kind)) return;
    if (std::binary_search(names->begin(), names->end(), name, std::less<>())) {
      ++found;
    } else {
      differs = true;
    }
  });
  if (err == ENOENT || err == ENOTDIR) err = 0;  // none, as ListEntries
  if (err != 0) ThrowErrno(dir, err);
  if (!differs && found == names->size()) return false;
  names->clear();
  err = ForEachDirEntry(dir, [&](std::string_view name, Kind kind) {
    if (keep(name, kind)) names->emplace_back(name);
  });
  if (err == ENOENT || err == ENOTDIR) {
    names->clear();
    err = 0;
  }
  if (err != 0) {
    names->clear();
    ThrowErrno(dir, err);
  }
  std::sort(names->begin(), names->end());
  return true;
}

// One device as the ioctls describe it, kept from cycle to cycle (its
// strings assigned into).
struct IoctlDevice {
  std::string path;  // "/dev/sda"
  std::string uuid;  // dashed, or "<zero>"
  uint64_t bytes_used = 0;
  uint64_t total_bytes = 0;
  // write, read, flush, corruption, generation (the kernel's order).
  uint64_t errors[5] = {};
};

// A filesystem's devices as the ioctls on one of its mount points gave them
// this cycle.
struct IoctlFs {
  char fsid[32];  // 32 hex digits
  std::vector<IoctlDevice> devices;
  size_t used = 0;  // devices[0, used) are this cycle's
  std::string_view Fsid() const { return {fsid, sizeof fsid}; }
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

constexpr char kHex[] = "0123456789abcdef";

// parse::FormatBtrfsUuid into a kept string.
void AssignBtrfsUuid(const uint8_t* id16, std::string* out) {
  bool zero = true;
  for (int i = 0; i < 16; ++i) zero = zero && id16[i] == 0;
  if (zero) {
    out->assign("<zero>");
    return;
  }
  char buf[36];
  size_t n = 0;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) buf[n++] = '-';
    buf[n++] = kHex[id16[i] >> 4];
    buf[n++] = kHex[id16[i] & 0xf];
  }
  out->assign(buf, n);
}

// The devices of the filesystem open on `fd` into *out, or false if a
// query failed.
bool QueryDevices(int fd, const btrfs_ioctl_fs_info_args& info, IoctlFs* out) {
  out->used = 0;
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
    if (out->used == out->devices.size()) out->devices.emplace_back();
    IoctlDevice& d = out->devices[out->used++];
    const char* p = reinterpret_cast<const char*>(dev.path);
    d.path.assign(p, ::strnlen(p, sizeof dev.path));
    AssignBtrfsUuid(dev.uuid, &d.uuid);
    d.bytes_used = dev.bytes_used;
    d.total_bytes = dev.total_bytes;
    for (int k = 0; k < 5; ++k) d.errors[k] = stats.values[k];
    if (out->used == info.num_devices) break;
  }
  return true;
}

// The btrfs filesystems mounted on the host and their devices as the
// ioctls give them. The mount table is parsed again only when its text
// changed (KeptMountTable: on procfs, only when a mount or unmount was
// reported); the mount points are queried every cycle, into kept entries.
class IoctlStats {
 public:
  // Queries the filesystems mounted now; any failure just leaves one out.
  void Update(const HostPaths& paths) {
    used_ = 0;
    if (!ReadMounts(paths)) return;
    for (Mount& m : mounts_) m.done = false;
    for (size_t i = 0; i < mounts_.size(); ++i) {
      Mount& m = mounts_[i];
      bool device_done = false;
      for (size_t j = 0; j < i && !device_done; ++j) {
        device_done = mounts_[j].done && mounts_[j].device == m.device;
      }
      if (device_done) continue;
      ScopedFd fd(OpenSubvolume(m.path));
      if (fd.get() < 0) continue;
      btrfs_ioctl_fs_info_args info{};
      if (::ioctl(fd.get(), BTRFS_IOC_FS_INFO, &info) != 0) continue;
      char fsid[32];
      for (int k = 0; k < 16; ++k) {
        fsid[2 * k] = kHex[info.fsid[k] >> 4];
        fsid[2 * k + 1] = kHex[info.fsid[k] & 0xf];
      }
      // Seen through another mount?
      if (Find(std::string_view(fsid, sizeof fsid)) != nullptr) continue;
      if (used_ == by_fsid_.size()) by_fsid_.emplace_back();
      IoctlFs& fs = by_fsid_[used_];
      std::memcpy(fs.fsid, fsid, sizeof fsid);
      if (!QueryDevices(fd.get(), info, &fs)) continue;
      ++used_;
      m.done = true;
    }
  }

  // The devices of filesystem `fsid` (32 hex digits) this cycle, or null.
  const IoctlFs* Find(std::string_view fsid) const {
    for (size_t i = 0; i < used_; ++i) {
      if (by_fsid_[i].Fsid() == fsid) return &by_fsid_[i];
    }
    return nullptr;
  }

 private:
  struct Mount {
    std::string device;  // as the table names it
    std::string path;    // the mount point under the root path
    bool done = false;   // its filesystem was queried this cycle
  };

  // The btrfs mounts of procfs 1/mounts (or mounts, without it) into
  // mounts_, parsed again if the table's text changed; false if it cannot
  // be read or parsed (no filesystem is queried then).
  bool ReadMounts(const HostPaths& paths) {
    if (paths.procfs != procfs_ || paths.rootfs != rootfs_) {
      procfs_ = paths.procfs;
      rootfs_ = paths.rootfs;
      init_mounts_path_ = paths.Proc("1/mounts");
      mounts_path_ = paths.Proc("mounts");
      parsed_.reset();
    }
    // A table not read again (no change reported) keeps its last text.
    int error = 0;
    init_table_.Read(init_mounts_path_, &init_text_, &error);
    const std::string* text = &init_text_;
    if (error == ENOENT || error == ENOTDIR) {
      table_.Read(mounts_path_, &own_text_, &error);
      text = &own_text_;
    }
    if (error != 0) {
      parsed_.reset();
      return false;
    }
    if (parsed_ && *text == parsed_text_) return *parsed_;
    parsed_text_ = *text;
    mounts_.clear();
    auto mounts = parse::ParseMounts(parsed_text_);
    parsed_ = mounts.ok();
    if (!mounts.ok()) return false;
    for (const parse::MountEntry& m : mounts.value) {
      if (m.fs_type != "btrfs") continue;
      mounts_.push_back(
          {m.device, paths.Root(BtrfsStripRoot(paths.rootfs, m.mount_point))});
    }
    return true;
  }

  std::string procfs_, rootfs_;  // the paths the table was read under
  std::string init_mounts_path_, mounts_path_;
  KeptMountTable init_table_, table_;
  std::string init_text_, own_text_;  // their last texts read
  std::string parsed_text_;           // the text mounts_ came from
  std::optional<bool> parsed_;        // whether it parsed
  std::vector<Mount> mounts_;         // its btrfs mounts
  std::vector<IoctlFs> by_fsid_;      // [0, used_) this cycle's
  size_t used_ = 0;
};

// The value of a sysfs number file, 0 if it is missing.
uint64_t ValueOf(const std::string& path) {
  FileRead f = ReadPath(path);
  if (f.missing()) return 0;
  return parse::ParseBtrfsSysfsValue(f.Value(path));
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
constexpr size_t kCommitStatCount = std::size(kCommitStats);

// The commit statistics of `text` (the file's contents; "" without it):
// "<key> <value>" lines, the last good value of a key counting.
void ParseCommitStats(std::string_view text,
                      uint64_t (&values)[kCommitStatCount]) {
  for (uint64_t& v : values) v = 0;
  std::string_view line;
  size_t pos = 0;
  while (parse::NextLine(text, &pos, &line)) {
    std::string_view rest = line;
    const std::string_view key = parse::NextField(&rest);
    const std::string_view value = parse::NextField(&rest);
    if (value.empty() || !parse::NextField(&rest).empty()) continue;
    auto v = parse::ParseU64(value);
    if (!v) continue;
    for (size_t k = 0; k < kCommitStatCount; ++k) {
      if (kCommitStats[k].key == key) values[k] = *v;
    }
  }
}

// A filesystem of /sys/fs/btrfs, kept by its directory's name: the paths of
// its files, and the names of its block group profiles and devices as last
// listed (listed again every cycle; a listing that differs replaces them).
// metadata_uuid, fixed for a mount, is read again when its stamp changes;
// the label and the numbers are read every cycle.
struct Filesystem {
  struct Group {  // a block group type: allocation/<type>
    std::string dir;
    std::string reserved_path;       // bytes_reserved
    std::vector<std::string> modes;  // its profile directories, sorted
    std::vector<std::string> used_paths, total_paths;  // of each mode
  };
  std::string metadata_uuid_path, label_path, commit_path, rsv_path;
  std::string devices_dir;
  StampedFile<std::string> metadata_uuid;  // trimmed
  std::string label, commit_text;          // this cycle's
  Group groups[std::size(kBlockGroupTypes)];
  std::vector<std::string> devices;       // devices/ entries, sorted
  std::vector<std::string> device_paths;  // devices/<name>/size
  std::string fsid;                       // the uuid without dashes
  bool listed = false;                    // listed this cycle

  void Init(const std::string& dir) {
    metadata_uuid_path = dir + "/metadata_uuid";
    label_path = dir + "/label";
    commit_path = dir + "/commit_stats";
    rsv_path = dir + "/allocation/global_rsv_size";
    devices_dir = dir + "/devices";
    for (size_t t = 0; t < std::size(kBlockGroupTypes); ++t) {
      groups[t].dir = dir + "/allocation/" + kBlockGroupTypes[t];
      groups[t].reserved_path = groups[t].dir + "/bytes_reserved";
    }
  }
};

// The trimmed contents of a text file read into *buf, "" if it is missing;
// another error throws CollectError naming it.
std::string_view TextOf(const std::string& path, std::string* buf) {
  const int err = ReadPathInto(path, buf);
  if (err == ENOENT || err == ENOTDIR) return {};
  if (err != 0) ThrowErrno(path, err);
  return parse::Trim(*buf);
}

class BtrfsCollector : public Collector {
 public:
  explicit BtrfsCollector(const CollectorOptions& o)
      : ne15_(o.NodeExporter15()) {}

  Families Collect(const HostPaths& paths) override {
    if (paths.sysfs != sysfs_ || root_.empty()) {
      filesystems_.clear();
      sysfs_ = paths.sysfs;
      root_ = paths.Sys("fs/btrfs");
    }
    // Filesystems are the "<uuid>" entries; "features" is module-wide.
    for (auto& [name, fs] : filesystems_) fs.listed = false;
    const int err = ForEachDirEntry(root_, [this](std::string_view name, Kind) {
      if (name.find('-') == std::string_view::npos) return;
      auto it = filesystems_.find(name);
      if (it == filesystems_.end()) {
        it = filesystems_.try_emplace(std::string(name)).first;
        it->second.Init(root_ + "/" + it->first);
      }
      it->second.listed = true;
    });
    if (err != 0 && err != ENOENT && err != ENOTDIR) ThrowErrno(root_, err);
    std::erase_if(filesystems_, [&](const auto& kv) {
      return err != 0 || !kv.second.listed;
    });
    if (filesystems_.empty()) return {};
    ioctl_.Update(paths);

    FamilySet out;
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
    };
    // Asked for only with the ioctls' devices: a family without series is
    // not output, and is made again (its name and help) each time.
    static constexpr FamilyDef kIoctlFamilies[] = {
        {"node_btrfs_device_unused_bytes",
         "Unused bytes unused on a device that is part of the filesystem.",
         kGauge},
        {"node_btrfs_device_errors_total", "Errors reported for the device",
         kCounter},
    };
    const auto [info, rsv, reserved, used, size, ratio, dev_size] =
        out.Handles(kFamilies);

    auto any = [](std::string_view, Kind) { return true; };
    auto directories = [](std::string_view, Kind kind) {
      return kind == Kind::kDirectory;  // lstat's answer
    };
    for (auto& [name, fs] : filesystems_) {
      if (RelistNames(fs.devices_dir, any, &fs.devices)) {
        fs.device_paths.clear();
        for (const std::string& dev : fs.devices) {
          fs.device_paths.push_back(fs.devices_dir + "/" + dev + "/size");
        }
      }
      const std::string* metadata_uuid = fs.metadata_uuid.Get(
          fs.metadata_uuid_path, [](const std::string& text) {
            return std::string(parse::Trim(text));
          });
      // kernels 5.0+
      const std::string_view uuid =
          metadata_uuid && !metadata_uuid->empty() ? *metadata_uuid : name;

      const std::string_view label = TextOf(fs.label_path, &fs.label);
      info->Add({{"uuid", uuid}, {"label", label}}, 1);
      if (!ne15_) {
        uint64_t values[kCommitStatCount];
        ParseCommitStats(TextOf(fs.commit_path, &fs.commit_text), values);
        for (size_t k = 0; k < kCommitStatCount; ++k) {
          const CommitStat& c = kCommitStats[k];
          out.Family(c.name, c.help, c.type)
              .Add({{"uuid", uuid}}, static_cast<double>(values[k]) * c.scale);
        }
      }
      // node_exporter 1.5 reads the reserve as 0 when the devices directory
      // could not be listed (its reader stops reading numbers after an
      // error).
      const bool devices_listed = IsDirectory(fs.devices_dir);
      rsv->Add({{"uuid", uuid}}, devices_listed
                                     ? static_cast<double>(ValueOf(fs.rsv_path))
                                     : 0.0);
      for (size_t t = 0; t < std::size(kBlockGroupTypes); ++t) {
        const char* type = kBlockGroupTypes[t];
        Filesystem::Group& g = fs.groups[t];
        // node_exporter 1.5 fails on a missing system directory only.
        if (t == 2 && !IsDirectory(g.dir)) {
          throw CollectError(g.dir + ": No such directory");
        }
        reserved->Add({{"uuid", uuid}, {"block_group_type", type}},
                      static_cast<double>(ValueOf(g.reserved_path)));
        if (RelistNames(g.dir, directories, &g.modes)) {
          g.used_paths.clear();
          g.total_paths.clear();
          for (const std::string& mode : g.modes) {
            g.used_paths.push_back(g.dir + "/" + mode + "/used_bytes");
            g.total_paths.push_back(g.dir + "/" + mode + "/total_bytes");
          }
        }
        for (size_t m = 0; m < g.modes.size(); ++m) {
          const std::string& mode = g.modes[m];
          const LabelViews l = {
              {"uuid", uuid}, {"block_group_type", type}, {"mode", mode}};
          used->Add(l, static_cast<double>(ValueOf(g.used_paths[m])));
          size->Add(l, static_cast<double>(ValueOf(g.total_paths[m])));
          ratio->Add(l, parse::BtrfsAllocationRatio(mode, fs.devices.size()));
        }
      }

      fs.fsid.assign(uuid);
      std::erase(fs.fsid, '-');
      const IoctlFs* ioctl = ioctl_.Find(fs.fsid);
      if (ioctl == nullptr) {
        for (size_t d = 0; d < fs.devices.size(); ++d) {
          // uint64 arithmetic, wrapping as in node_exporter.
          dev_size->Add({{"uuid", uuid}, {"device", fs.devices[d]}},
                        static_cast<double>(kBtrfsSectorBytes *
                                            ValueOf(fs.device_paths[d])));
        }
        continue;
      }
      static constexpr const char* kErrorTypes[] = {"write", "read", "flush",
                                                    "corruption", "generation"};
      const auto [dev_unused, dev_errors] = out.Handles(kIoctlFamilies);
      for (size_t i = 0; i < ioctl->used; ++i) {
        const IoctlDevice& d = ioctl->devices[i];
        const std::string_view device = parse::BtrfsDeviceName(d.path);
        const LabelViews l = {
            {"uuid", uuid}, {"device", device}, {"btrfs_dev_uuid", d.uuid}};
        dev_size->Add(l, static_cast<double>(d.total_bytes));
        dev_unused->Add(l, static_cast<double>(d.total_bytes - d.bytes_used));
        for (int k = 0; k < 5; ++k) {
          dev_errors->Add({{"uuid", uuid},
                           {"device", device},
                           {"btrfs_dev_uuid", d.uuid},
                           {"type", kErrorTypes[k]}},
                          static_cast<double>(d.errors[k]));
        }
      }
    }
    return out.Take();
  }

 private:
  bool ne15_;          // --compat.node-exporter=1.5: no commit statistics
  std::string sysfs_;  // the paths the filesystems were kept under
  std::string root_;   // <sysfs>/fs/btrfs
  std::map<std::string, Filesystem, std::less<>> filesystems_;
  IoctlStats ioctl_;
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
