// zfs: node_zfs_* from the ZFS on Linux kstats in /proc/spl/kstat/zfs, as
// node_exporter 1.5: the named kstats (ARC, ZIL, DMU, ...), and per pool
// its I/O kstat, its datasets' objset kstats and its state.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/zfs_kstat.h"

namespace host_exporter::collectors::zfs {
namespace {

// Metric subsystem and kstat file, as node_exporter 1.5 maps them (it does
// not read dbufstats yet).
constexpr std::pair<std::string_view, std::string_view> kSubsystems[] = {
    {"zfs_abd", "abdstats"},
    {"zfs_arc", "arcstats"},
    {"zfs_dmu_tx", "dmu_tx"},
    {"zfs_dnode", "dnodestats"},
    {"zfs_fm", "fm"},
    {"zfs_vdev_cache", "vdev_cache_stats"},  // deprecated in ZFS
    {"zfs_vdev_mirror", "vdev_mirror_stats"},
    {"zfs_xuio", "xuio_stats"},
    {"zfs_zfetch", "zfetchstats"},
    {"zfs_zil", "zil"},
};

constexpr std::string_view kBase = "spl/kstat/zfs";

// "<prefix><part>" into *out (a buffer kept between series), where the part
// is the metric name part of a kstat as node_exporter derives it from
// "kstat.zfs.misc.<file>.<name>": the text after the last dot, with dashes
// as underscores.
const std::string& MetricName(std::string* out, std::string_view prefix,
                              std::string_view kstat) {
  const size_t dot = kstat.rfind('.');
  out->assign(prefix).append(
      dot == std::string_view::npos ? kstat : kstat.substr(dot + 1));
  std::replace(out->begin() + static_cast<std::ptrdiff_t>(prefix.size()),
               out->end(), '-', '_');
  return *out;
}

// "kstat.zfs.misc.<file>.<name>" into *out (a kept buffer).
const std::string& KstatHelp(std::string* out, std::string_view file,
                             std::string_view name) {
  return out->assign("kstat.zfs.misc.").append(file).append(".").append(name);
}

class ZfsCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string base = paths.Proc(kBase);
    // Without the zfs module the directory is absent and nothing is read.
    const std::vector<std::string> entries = ListDir(base);
    FamilySet families;  // every pool and dataset adds to the same ones
    for (const auto& [subsystem, file] : kSubsystems) {
      // Kstats come and go with ZFS versions: a missing one is fine (and
      // not even tried: without ZFS that was ten failed opens a cycle).
      if (!std::binary_search(entries.begin(), entries.end(), file)) continue;
      const std::string path = base + "/" + std::string(file);
      auto text = ReadFileIfExists(path);
      if (!text) continue;
      for (const auto& v : Unwrap(parse::ParseZfsKstat(*text), path)) {
        families
            .Untyped(MetricName(
                         &name_,
                         prefix_.assign("node_").append(subsystem).append("_"),
                         v.name),
                     KstatHelp(&help_, file, v.name))
            .Add(static_cast<double>(v.value));
      }
    }

    // Pools are the subdirectories; node_exporter globs */io, then
    // */objset-*, then */state.
    for (const std::string& pool : entries) {
      const std::string path = base + "/" + pool + "/io";
      auto text = ReadFileIfExists(path);
      if (!text) continue;
      for (const auto& v : Unwrap(parse::ParseZfsPoolIo(*text), path)) {
        families
            .Untyped(MetricName(&name_, "node_zfs_zpool_", v.name),
                     KstatHelp(&help_, "io", v.name))
            .Add({{"zpool", pool}}, static_cast<double>(v.value));
      }
    }
    for (const std::string& pool : entries) {
      // ListDir of a kstat file (not a pool) gives nothing.
      for (const std::string& file : ListDir(base + "/" + pool)) {
        if (file.rfind("objset-", 0) != 0) continue;
        const std::string path = base + "/" + pool + "/" + file;
        auto text = ReadFileIfExists(path);
        if (!text) continue;
        for (const auto& v : Unwrap(parse::ParseZfsObjset(*text), path)) {
          families
              .Untyped(MetricName(&name_, "node_zfs_zpool_dataset_", v.name),
                       KstatHelp(&help_, "objset", v.name))
              .Add({{"zpool",
                     v.after_dataset_name ? std::string_view(pool) : ""},
                    {"dataset", v.dataset}},
                   static_cast<double>(v.value));
        }
      }
    }
    for (const std::string& pool : entries) {
      auto text = ReadFileIfExists(base + "/" + pool + "/state");
      if (!text) continue;
      const std::string state = parse::ParseZfsPoolState(*text);
      auto& f = families.Gauge("node_zfs_zpool_state", "kstat.zfs.misc.state");
      for (std::string_view name : parse::kZfsPoolStates) {
        f.Add({{"zpool", pool}, {"state", name}}, state == name ? 1 : 0);
      }
    }
    return families.Take();
  }

 private:
  // This series' family name and help, built in buffers kept between series
  // and cycles (FamilySet copies them only for a new family).
  std::string prefix_, name_, help_;
};

}  // namespace

CollectorSpec Spec() {
  return {"zfs",
          true,
          "Exposes ZFS performance statistics from /proc/spl/kstat/zfs.",
          {},
          &MakeCollector<ZfsCollector>};
}

}  // namespace host_exporter::collectors::zfs
