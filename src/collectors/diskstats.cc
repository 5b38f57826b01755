// diskstats: node_disk_* from /proc/diskstats, with device properties from
// the udev database (--path.udev.data, b<major>:<minor>):
// node_disk_info, node_disk_filesystem_info, node_disk_device_mapper_info and
// node_disk_ata_*, exactly as node_exporter 1.9 exposes them (1.5 with
// --compat.node-exporter=1.5: zram devices reported, no "rotational" label
// on node_disk_info, serial from ID_SERIAL_SHORT only).
#include "parse/diskstats.h"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <regex>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "collectors/parsed_file.h"
#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::diskstats {
namespace {

constexpr char kExcludeFlag[] = "collector.diskstats.device-exclude";
constexpr char kIncludeFlag[] = "collector.diskstats.device-include";
constexpr char kOldExcludeFlag[] = "collector.diskstats.ignored-devices";
constexpr char kDefaultExclude[] =
    R"(^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$)";
// node_exporter 1.5's default (--compat.node-exporter=1.5).
constexpr char kDefaultExclude15[] =
    R"(^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$)";

// /proc/diskstats reports sectors of 512 bytes whatever the device's own
// sector size, and times in milliseconds.
constexpr double kSectorBytes = 512.0;
constexpr double kSecondsPerMs = 1.0 / 1000.0;

// One node_disk_* family per /proc/diskstats counter, in kernel column order
// (parse::DiskStat), with the factor that turns the raw value into the unit.
struct StatFamily {
  const char* name;
  const char* help;
  prometheus::MetricType type;
  double factor;
};
constexpr std::array<StatFamily, parse::kDiskStatCount> kStatFamilies = {{
    {"node_disk_reads_completed_total",
     "The total number of reads completed successfully.", kCounter, 1},
    {"node_disk_reads_merged_total", "The total number of reads merged.",
     kCounter, 1},
    {"node_disk_read_bytes_total",
     "The total number of bytes read successfully.", kCounter, kSectorBytes},
    {"node_disk_read_time_seconds_total",
     "The total number of seconds spent by all reads.", kCounter,
     kSecondsPerMs},
    {"node_disk_writes_completed_total",
     "The total number of writes completed successfully.", kCounter, 1},
    {"node_disk_writes_merged_total", "The number of writes merged.", kCounter,
     1},
    {"node_disk_written_bytes_total",
     "The total number of bytes written successfully.", kCounter, kSectorBytes},
    {"node_disk_write_time_seconds_total",
     "This is the total number of seconds spent by all writes.", kCounter,
     kSecondsPerMs},
    {"node_disk_io_now", "The number of I/Os currently in progress.",
     prometheus::MetricType::Gauge, 1},
    {"node_disk_io_time_seconds_total", "Total seconds spent doing I/Os.",
     kCounter, kSecondsPerMs},
    {"node_disk_io_time_weighted_seconds_total",
     "The weighted # of seconds spent doing I/Os.", kCounter, kSecondsPerMs},
    {"node_disk_discards_completed_total",
     "The total number of discards completed successfully.", kCounter, 1},
    {"node_disk_discards_merged_total", "The total number of discards merged.",
     kCounter, 1},
    // node_exporter 1.5 exposes discarded sectors as sectors, not bytes.
    {"node_disk_discarded_sectors_total",
     "The total number of sectors discarded successfully.", kCounter, 1},
    {"node_disk_discard_time_seconds_total",
     "This is the total number of seconds spent by all discards.", kCounter,
     kSecondsPerMs},
    {"node_disk_flush_requests_total",
     "The total number of flush requests completed successfully", kCounter, 1},
    {"node_disk_flush_requests_time_seconds_total",
     "This is the total number of seconds spent by all flush requests.",
     kCounter, kSecondsPerMs},
}};

// The udev properties behind node_disk_ata_*, exposed only for ATA disks.
struct AtaFamily {
  const char* property;
  const char* name;
  const char* help;
};
constexpr std::array<AtaFamily, 3> kAtaFamilies = {{
    {"ID_ATA_WRITE_CACHE", "node_disk_ata_write_cache",
     "ATA disk has a write cache."},
    {"ID_ATA_WRITE_CACHE_ENABLED", "node_disk_ata_write_cache_enabled",
     "ATA disk has its write cache enabled."},
    {"ID_ATA_ROTATION_RATE_RPM", "node_disk_ata_rotation_rate_rpm",
     "ATA disk rotation rate in RPMs (0 for SSDs)."},
}};

// A property's value, or "" if absent.
// What a device's udev database file says, as the strings its series
// carry: parsed when the file changes, not each cycle.
struct UdevInfo {
  std::string path, wwn, model, serial, revision;
  std::string fs_type, fs_usage, fs_uuid, fs_version;
  std::string dm_name, dm_uuid, vg_name, lv_name, lv_layer;
  bool ata = false;  ///< ID_ATA set: the node_disk_ata_* values below
  std::array<std::optional<double>, kAtaFamilies.size()> ata_values;
};

UdevInfo ParseUdev(const std::string& text, bool ne15) {
  const parse::UdevProperties p = parse::ParseUdevProperties(text).value;
  auto prop = [&](std::string_view key) {
    auto it = p.find(key);
    return it == p.end() ? std::string() : it->second;
  };
  UdevInfo u;
  u.path = prop("ID_PATH");
  u.wwn = prop("ID_WWN");
  u.model = prop("ID_MODEL");
  // node_exporter 1.9 prefers SCSI_IDENT_SERIAL; 1.5 knows ID_SERIAL_SHORT.
  if (!ne15) u.serial = prop("SCSI_IDENT_SERIAL");
  if (u.serial.empty()) u.serial = prop("ID_SERIAL_SHORT");
  u.revision = prop("ID_REVISION");
  u.fs_type = prop("ID_FS_TYPE");
  u.fs_usage = prop("ID_FS_USAGE");
  u.fs_uuid = prop("ID_FS_UUID");
  u.fs_version = prop("ID_FS_VERSION");
  u.dm_name = prop("DM_NAME");
  u.dm_uuid = prop("DM_UUID");
  u.vg_name = prop("DM_VG_NAME");
  u.lv_name = prop("DM_LV_NAME");
  u.lv_layer = prop("DM_LV_LAYER");
  u.ata = !prop("ID_ATA").empty();
  for (size_t i = 0; i < kAtaFamilies.size(); ++i) {
    auto it = p.find(std::string_view(kAtaFamilies[i].property));
    if (it != p.end()) u.ata_values[i] = parse::ParseDouble(it->second);
  }
  return u;
}

class DiskstatsCollector : public Collector {
 public:
  DiskstatsCollector(Filter exclude, Filter include, bool ne15)
      : exclude_(std::move(exclude)),
        include_(std::move(include)),
        ne15_(ne15) {}

  ~DiskstatsCollector() override {
    for (const Device& d : devices_) Forget(d);
  }

  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    if (paths.sysfs != sysfs_ || paths.UdevData() != udev_root_) {
      // Other roots (tests): every kept path is rebuilt.
      for (const Device& d : devices_) Forget(d);
      devices_.clear();
      sysfs_ = paths.sysfs;
      udev_root_ = paths.UdevData();
      block_path_ = paths.Sys("block");
    }
    const std::vector<parse::DiskStats>& disks = stat_.Read(paths);
    if (!Unchanged(disks)) Replan(disks);

    const auto stats = out.Handles(kStatFamilies);
    static constexpr FamilyDef kFamilies[] = {
        {"node_disk_info", "Info of /sys/block/<block_device>.", kGauge},
        {"node_disk_filesystem_info", "Info about disk filesystem.", kGauge},
        {"node_disk_device_mapper_info", "Info about disk device mapper.",
         kGauge},
    };
    const auto [info, fs_info, dm_info] = out.Handles(kFamilies);
    std::array<FamilyBuilder*, kAtaFamilies.size()> ata;
    for (size_t i = 0; i < kAtaFamilies.size(); ++i) {
      ata[i] = &out.Gauge(kAtaFamilies[i].name, kAtaFamilies[i].help);
    }

    if (!ne15_) block_dir_.Refresh(block_path_);
    udev_dir_.Refresh(udev_root_);
    for (size_t k = 0; k < disks.size(); ++k) {
      const parse::DiskStats& d = disks[k];
      Device& dev = devices_[k];
      if (dev.ignored) continue;
      const UdevInfo& udev = Udev(&dev);
      const std::string_view name = dev.name;
      // node_exporter 1.5 has no "rotational" label.
      const LabelView labels[] = {
          {"device", name},
          {"major", dev.major},
          {"minor", dev.minor},
          {"path", udev.path},
          {"wwn", udev.wwn},
          {"model", udev.model},
          {"serial", udev.serial},
          {"revision", udev.revision},
          {"rotational", ne15_ ? "" : Rotational(&dev)}};
      info->AddViews(std::span(labels).first(ne15_ ? 8 : 9), 1);

      for (size_t i = 0; i < d.count; ++i) {
        stats[i]->Add({{"device", name}}, static_cast<double>(d.stats[i]) *
                                              kStatFamilies[i].factor);
      }
      if (!udev.fs_type.empty()) {
        fs_info->Add({{"device", name},
                      {"type", udev.fs_type},
                      {"usage", udev.fs_usage},
                      {"uuid", udev.fs_uuid},
                      {"version", udev.fs_version}},
                     1);
      }
      if (!udev.dm_name.empty()) {
        dm_info->Add({{"device", name},
                      {"name", udev.dm_name},
                      {"uuid", udev.dm_uuid},
                      {"vg_name", udev.vg_name},
                      {"lv_name", udev.lv_name},
                      {"lv_layer", udev.lv_layer}},
                     1);
      }
      if (udev.ata) {
        for (size_t i = 0; i < kAtaFamilies.size(); ++i) {
          if (udev.ata_values[i])
            ata[i]->Add({{"device", name}}, *udev.ata_values[i]);
        }
      }
    }
    return out.Take();
  }

 private:
  // A device of /proc/diskstats and what is kept of it from cycle to cycle
  // while it is listed with the same name and numbers.
  struct Device {
    std::string name;
    uint32_t major_number = 0, minor_number = 0;
    bool ignored = false;      // by the device filters
    std::string major, minor;  // label values
    std::string udev_name;     // "b<major>:<minor>"
    std::string udev_path;
    StampedFile<UdevInfo> udev;
    // sysfs block/<name>/queue (node_exporter 1.9's "rotational" label):
    // whether procfs would read all its files, checked again when the
    // directory's stamp changes.
    std::string queue_dir, rotational_path;
    std::string rotational = "0";
    DirStamp stamp;
    bool checked = false;
    bool complete = false;
  };

  // Whether the devices listed are those planned, in the same order.
  bool Unchanged(const std::vector<parse::DiskStats>& disks) const {
    if (disks.size() != devices_.size()) return false;
    for (size_t k = 0; k < disks.size(); ++k) {
      const parse::DiskStats& d = disks[k];
      const Device& dev = devices_[k];
      if (d.name != dev.name || d.major != dev.major_number ||
          d.minor != dev.minor_number) {
        return false;
      }
    }
    return true;
  }

  // One Device per listed device, in the file's order: a device listed
  // before keeps what it had (moved), a new one is planned, one no longer
  // listed is forgotten.
  void Replan(const std::vector<parse::DiskStats>& disks) {
    std::unordered_map<std::string_view, Device*> before;
    before.reserve(devices_.size());
    for (Device& dev : devices_) before.emplace(dev.name, &dev);
    std::vector<Device> next(disks.size());
    for (size_t k = 0; k < disks.size(); ++k) {
      const parse::DiskStats& d = disks[k];
      Device& dev = next[k];
      auto it = before.find(d.name);
      if (it != before.end() && it->second->major_number == d.major &&
          it->second->minor_number == d.minor) {
        Device* old = it->second;
        before.erase(it);  // taken; erased before its key's name is moved
        dev = std::move(*old);
        continue;
      }
      dev.name = d.name;
      dev.major_number = d.major;
      dev.minor_number = d.minor;
      dev.ignored = exclude_.Excludes(d.name) || !include_.Includes(d.name);
      dev.major = std::to_string(d.major);
      dev.minor = std::to_string(d.minor);
      dev.udev_name = "b" + dev.major + ":" + dev.minor;
      dev.udev_path = udev_root_ + "/" + dev.udev_name;
      dev.queue_dir = block_path_ + "/" + d.name + "/queue";
      dev.rotational_path = dev.queue_dir + "/rotational";
    }
    for (const auto& [name, dev] : before) Forget(*dev);
    devices_ = std::move(next);
  }

  static void Forget(const Device& dev) {
    if (dev.checked) ForgetKeptUnder(dev.queue_dir);
  }

  const UdevInfo& Udev(Device* dev) {
    static const UdevInfo kNone;
    try {
      const UdevInfo* u = dev->udev.Get(
          udev_dir_, dev->udev_name, dev->udev_path,
          [&](const std::string& text) { return ParseUdev(text, ne15_); });
      return u ? *u : kNone;
    } catch (const CollectError&) {
      return kNone;
    }
  }

  // The "rotational" label: "0" unless procfs would read the whole queue
  // directory (SysBlockDeviceQueueStats fails otherwise).
  std::string_view Rotational(Device* dev) {
    DirStamp stamp;
    if (block_dir_.Stamp(dev->name, &stamp, "queue") != 0) {
      Forget(*dev);
      dev->checked = false;
      return "0";
    }
    if (!dev->checked || !(dev->stamp == stamp)) {
      dev->complete = QueueStatsComplete(dev->queue_dir + "/");
      if (!dev->complete) ForgetKeptUnder(dev->queue_dir);
      dev->stamp = stamp;
      dev->checked = true;
    }
    if (!dev->complete) return "0";
    const FileRead r = ReadPathStamped(dev->rotational_path, stamp);
    const auto v = r.ok() ? parse::ParseU64(parse::Trim(r.data)) : std::nullopt;
    if (!v) return "0";
    // The kept string is assigned only when the value changes.
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof(buf), *v);
    const std::string_view text(buf, static_cast<size_t>(res.ptr - buf));
    if (dev->rotational != text) dev->rotational.assign(text);
    return dev->rotational;
  }

  static bool QueueStatsComplete(const std::string& queue) {
    for (const char* f : parse::kQueueUnsignedFiles) {
      FileRead r = ReadUncached(queue + f);
      if (!r.ok() || !parse::ParseU64(parse::Trim(r.data))) return false;
    }
    for (const char* f : parse::kQueueSignedFiles) {
      FileRead r = ReadUncached(queue + f);
      if (!r.ok() || !parse::ParseGoInt(parse::Trim(r.data), 10)) return false;
    }
    for (const char* f : parse::kQueueTextFiles) {
      if (!ReadUncached(queue + f).ok()) return false;
    }
    return true;
  }

  Filter exclude_;
  Filter include_;
  bool ne15_;
  // The roots the kept paths were made from.
  std::string sysfs_, udev_root_, block_path_;
  // /proc/diskstats, its text and this cycle's devices, kept buffers.
  ParsedProcFile<std::vector<parse::DiskStats>, parse::ParseDiskstatsInto>
      stat_{"diskstats"};
  std::vector<Device> devices_;  // parallel to the file's devices
  KeptDir block_dir_;
  KeptDir udev_dir_;
};

std::unique_ptr<Collector> Create(const CollectorOptions& options) {
  std::string exclude =
      options.GetCompat(kExcludeFlag, kDefaultExclude, kDefaultExclude15);
  const char* exclude_flag = kExcludeFlag;  // for error messages
  const std::string include = options.Get(kIncludeFlag);
  const std::string old_exclude = options.Get(kOldExcludeFlag);
  // The deprecated flag stands in for device-exclude unless that was changed.
  if (!old_exclude.empty()) {
    if (exclude != kDefaultExclude && exclude != kDefaultExclude15) {
      throw std::invalid_argument(std::string("--") + kOldExcludeFlag +
                                  " and --" + kExcludeFlag +
                                  " are mutually exclusive");
    }
    exclude = old_exclude;
    exclude_flag = kOldExcludeFlag;
  }
  // Unlike node_exporter 1.5, which refuses to start whenever device-include
  // is given (device-exclude always has its default), an include pattern
  // replaces the *default* exclude pattern; only an explicit one conflicts.
  if (!include.empty()) {
    if (!exclude.empty() && exclude != kDefaultExclude &&
        exclude != kDefaultExclude15) {
      throw std::invalid_argument(std::string("--") + kExcludeFlag + " and --" +
                                  kIncludeFlag + " are mutually exclusive");
    }
    exclude.clear();
  }
  return std::make_unique<DiskstatsCollector>(Filter(exclude_flag, exclude),
                                              Filter(kIncludeFlag, include),
                                              options.NodeExporter15());
}

}  // namespace

CollectorSpec Spec() {
  return {"diskstats",
          true,
          "Exposes disk I/O statistics.",
          {
              {kExcludeFlag, kDefaultExclude,
               "Regexp of diskstats devices to exclude (mutually exclusive to "
               "device-include)."},
              {kIncludeFlag, "",
               "Regexp of diskstats devices to include (mutually exclusive to "
               "device-exclude)."},
              {kOldExcludeFlag, "",
               "DEPRECATED: Use collector.diskstats.device-exclude"},
          },
          &Create};
}

}  // namespace host_exporter::collectors::diskstats
