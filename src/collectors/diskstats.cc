// diskstats: node_disk_* from /proc/diskstats, with device properties from
// the udev database (--path.udev.data, b<major>:<minor>):
// node_disk_info, node_disk_filesystem_info, node_disk_device_mapper_info and
// node_disk_ata_*, exactly as node_exporter 1.9 exposes them (1.5 with
// --compat.node-exporter=1.5: zram devices reported, no "rotational" label
// on node_disk_info, serial from ID_SERIAL_SHORT only).
#include "parse/diskstats.h"

#include <sys/stat.h>

#include <array>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>

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
std::string Prop(const parse::UdevProperties& p, std::string_view key) {
  auto it = p.find(key);
  return it == p.end() ? std::string() : it->second;
}

class DiskstatsCollector : public Collector {
 public:
  DiskstatsCollector(Filter exclude, Filter include, bool ne15)
      : exclude_(std::move(exclude)),
        include_(std::move(include)),
        ne15_(ne15) {}

  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    const std::string path = paths.Proc("diskstats");
    const auto disks = Unwrap(parse::ParseDiskstats(ReadFile(path)), path);

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

    std::set<std::string> seen_devices, seen_udev;  // this cycle's
    // The queue directories are stamped through the kept /sys/block.
    if (!ne15_) block_dir_.Refresh(paths.Sys("block"));
    udev_dir_.Refresh(paths.UdevData());
    for (const parse::DiskStats& d : disks) {
      if (Ignored(d.name)) continue;
      seen_devices.insert(d.name);
      const std::string udev_name =
          "b" + std::to_string(d.major) + ":" + std::to_string(d.minor);
      const std::string udev_path = paths.UdevData() + "/" + udev_name;
      seen_udev.insert(udev_path);
      const parse::UdevProperties& udev = Udev(udev_name, udev_path);
      const Labels dev = {{"device", d.name}};

      // node_exporter 1.9 prefers SCSI_IDENT_SERIAL (the serial on the
      // label), 1.5 takes ID_SERIAL_SHORT only.
      std::string serial = ne15_ ? "" : Prop(udev, "SCSI_IDENT_SERIAL");
      if (serial.empty()) serial = Prop(udev, "ID_SERIAL_SHORT");
      Labels labels = {{"device", d.name},
                       {"major", std::to_string(d.major)},
                       {"minor", std::to_string(d.minor)},
                       {"path", Prop(udev, "ID_PATH")},
                       {"wwn", Prop(udev, "ID_WWN")},
                       {"model", Prop(udev, "ID_MODEL")},
                       {"serial", serial},
                       {"revision", Prop(udev, "ID_REVISION")}};
      if (!ne15_) labels.push_back({"rotational", Rotational(paths, d.name)});
      info->Add(labels, 1);

      // Only the counters this kernel prints (no discards before 4.18...).
      for (size_t i = 0; i < d.count; ++i) {
        stats[i]->Add(
            dev, static_cast<double>(d.stats[i]) * kStatFamilies[i].factor);
      }

      if (std::string type = Prop(udev, "ID_FS_TYPE"); !type.empty()) {
        fs_info->Add({{"device", d.name},
                      {"type", type},
                      {"usage", Prop(udev, "ID_FS_USAGE")},
                      {"uuid", Prop(udev, "ID_FS_UUID")},
                      {"version", Prop(udev, "ID_FS_VERSION")}},
                     1);
      }
      if (std::string name = Prop(udev, "DM_NAME"); !name.empty()) {
        dm_info->Add({{"device", d.name},
                      {"name", name},
                      {"uuid", Prop(udev, "DM_UUID")},
                      {"vg_name", Prop(udev, "DM_VG_NAME")},
                      {"lv_name", Prop(udev, "DM_LV_NAME")},
                      {"lv_layer", Prop(udev, "DM_LV_LAYER")}},
                     1);
      }
      if (!Prop(udev, "ID_ATA").empty()) {
        for (size_t i = 0; i < kAtaFamilies.size(); ++i) {
          auto it = udev.find(std::string_view(kAtaFamilies[i].property));
          if (it == udev.end()) continue;
          // node_exporter logs an unparsable value and skips the series.
          if (auto v = parse::ParseDouble(it->second)) ata[i]->Add(dev, *v);
        }
      }
    }

    // What was kept for devices that are gone goes.
    std::erase_if(udev_,
                  [&](const auto& kv) { return !seen_udev.count(kv.first); });
    std::erase_if(queues_, [&](const auto& kv) {
      if (seen_devices.count(kv.first)) return false;
      ForgetKeptUnder(kv.second.dir);
      return true;
    });
    return out.Take();
  }

 private:
  // The udev properties in database file `name` (at `path`), parsed again
  // only when the file changes (StampedFile, stamped through the kept
  // database directory). A missing or unreadable file gives none:
  // node_exporter then exposes empty labels rather than failing (containers
  // often have no /run/udev).
  const parse::UdevProperties& Udev(const std::string& name,
                                    const std::string& path) {
    static const parse::UdevProperties kNone;
    try {
      const parse::UdevProperties* p =
          udev_[path].Get(udev_dir_, name, path, [](const std::string& text) {
            return parse::ParseUdevProperties(text).value;
          });
      return p ? *p : kNone;
    } catch (const CollectError&) {
      return kNone;
    }
  }

  // node_exporter 1.9's "rotational" label: sysfs block/<device>/queue/
  // rotational, as prometheus/procfs' SysBlockDeviceQueueStats gives it:
  // that reads every file below at once and returns all zeros when any one
  // is missing or does not parse (a partition has no queue; kernels differ
  // in which files they have: io_timeout is missing on some), so the label
  // is then "0" whatever rotational holds. Which files there are and that
  // they parse is a property of the kernel and the device: it is checked
  // again only when the device or its queue directory changes (its stamp
  // from the kept /sys/block, KeptDir::Stamp: on sysfs the device's symlink,
  // another one for another device under the same name; in a fixture tree
  // the queue directory's, also when a file is added or removed), and
  // rotational alone is read each cycle, through a descriptor kept under
  // that stamp.
  std::string Rotational(const HostPaths& paths, const std::string& device) {
    const std::string dir = paths.Sys("block/" + device + "/queue");
    DirStamp stamp;
    if (block_dir_.Stamp(device, &stamp, "queue") != 0) {
      if (auto it = queues_.find(device); it != queues_.end()) {
        ForgetKeptUnder(it->second.dir);
        queues_.erase(it);
      }
      return "0";
    }
    Queue& q = queues_[device];
    if (!q.checked || q.dir != dir || !(q.stamp == stamp)) {
      q.complete = QueueStatsComplete(dir + "/");
      if (!q.complete) ForgetKeptUnder(dir);
      q.dir = dir;
      q.stamp = stamp;
      q.checked = true;
    }
    if (!q.complete) return "0";
    const FileRead r = ReadPathStamped(dir + "/rotational", stamp);
    const auto v = r.ok() ? parse::ParseU64(parse::Trim(r.data)) : std::nullopt;
    return v ? std::to_string(*v) : "0";
  }

  // Whether every file of procfs' queue stats is there and parses
  // (rotational is read again each cycle).
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

  // node_exporter's deviceFilter: excluded if the exclude pattern matches,
  // or if an include pattern is set and does not match.
  bool Ignored(const std::string& name) const {
    return exclude_.Excludes(name) || !include_.Includes(name);
  }

  Filter exclude_;
  Filter include_;
  bool ne15_;
  // Per device: its queue directory, under which stamp it was checked, and
  // whether procfs' queue stats were complete then.
  struct Queue {
    std::string dir;
    DirStamp stamp;
    bool checked = false;
    bool complete = false;
  };
  std::map<std::string, Queue> queues_;
  // The block class directory, its devices stamped through it.
  KeptDir block_dir_;
  // Per udev database file, and their directory.
  std::map<std::string, StampedFile<parse::UdevProperties>> udev_;
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
