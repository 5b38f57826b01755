// zfs: node_zfs_* from the ZFS on Linux kstats in /proc/spl/kstat/zfs, as
// node_exporter 1.5: the named kstats (ARC, ZIL, DMU, ...), and per pool
// its I/O kstat, its datasets' objset kstats and its state.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// ListDir()'s rules for ReadDirInto(): a missing directory lists nothing,
// another error throws CollectError naming it.
void ListOrNone(const std::string& path, std::vector<DirEntry>* entries) {
  const int error = ReadDirInto(path, entries);
  if (error != 0 && error != ENOENT && error != ENOTDIR) {
    ThrowErrno(path, error);
  }
}

// A pool (an entry of the kstat directory that is not a regular file: a
// file's io, state and listing would be ENOTDIR) and the paths read for it,
// made from its name when first listed. The objset files are listed again
// each cycle (procfs' directories tell nothing added by their stamps); a
// file's path is made again only when the listing differs from the last.
struct Pool {
  std::string dir, io_path, state_path;
  std::vector<DirEntry> listing;  // this cycle's entries of dir
  struct Objset {
    std::string name, path;
  };
  std::vector<Objset> objsets;  // this cycle's objset-* files
  bool seen = false;
};

class ZfsCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    if (base_.empty() || procfs_ != paths.procfs) {
      procfs_ = paths.procfs;
      base_ = paths.Proc(kBase);
      for (size_t i = 0; i < std::size(kSubsystems); ++i) {
        file_paths_[i] = base_ + "/" + std::string(kSubsystems[i].second);
      }
      pools_.clear();
    }
    // Without the zfs module the directory is absent and nothing is read.
    ListOrNone(base_, &entries_);
    FamilySet families;  // every pool and dataset adds to the same ones
    auto named = [](const DirEntry& e, std::string_view name) {
      return e.name < name;
    };
    for (size_t i = 0; i < std::size(kSubsystems); ++i) {
      const auto& [subsystem, file] = kSubsystems[i];
      // Kstats come and go with ZFS versions: a missing one is fine (and
      // not even tried: without ZFS that was ten failed opens a cycle).
      auto it = std::lower_bound(entries_.begin(), entries_.end(), file, named);
      if (it == entries_.end() || it->name != file) continue;
      const std::string& path = file_paths_[i];
      auto text = ReadFileIfExists(path);
      if (!text) continue;
      ThrowParseError(parse::ParseZfsKstatInto(*text, &kstat_), path);
      prefix_.assign("node_").append(subsystem).append("_");
      for (const auto& v : kstat_) {
        families
            .Untyped(MetricName(&name_, prefix_, v.name),
                     KstatHelp(&help_, file, v.name))
            .Add(static_cast<double>(v.value));
      }
    }

    // Pools are the subdirectories; node_exporter globs */io, then
    // */objset-*, then */state.
    for (auto& [name, pool] : pools_) pool.seen = false;
    listed_.clear();
    for (const DirEntry& e : entries_) {
      if (e.kind == Kind::kRegular) continue;
      auto it = pools_.find(std::string_view(e.name));
      if (it == pools_.end()) {
        Pool p;
        p.dir = base_ + "/" + e.name;
        p.io_path = p.dir + "/io";
        p.state_path = p.dir + "/state";
        it = pools_.emplace(e.name, std::move(p)).first;
      }
      it->second.seen = true;
      listed_.push_back(&*it);
    }
    std::erase_if(pools_, [](const auto& kv) { return !kv.second.seen; });

    for (const auto* entry : listed_) {
      const std::string_view pool = entry->first;
      const std::string& path = entry->second.io_path;
      auto text = ReadFileIfExists(path);
      if (!text) continue;
      ThrowParseError(parse::ParseZfsPoolIoInto(*text, &columns_, &kstat_),
                      path);
      for (const auto& v : kstat_) {
        families
            .Untyped(MetricName(&name_, "node_zfs_zpool_", v.name),
                     KstatHelp(&help_, "io", v.name))
            .Add({{"zpool", pool}}, static_cast<double>(v.value));
      }
    }
    for (auto* entry : listed_) {
      const std::string_view pool = entry->first;
      Pool& p = entry->second;
      // The listing of a kstat file (not a pool) gives nothing.
      ListOrNone(p.dir, &p.listing);
      size_t k = 0;
      for (const DirEntry& e : p.listing) {
        if (!e.name.starts_with("objset-")) continue;
        if (k == p.objsets.size()) p.objsets.emplace_back();
        Pool::Objset& o = p.objsets[k++];
        if (o.name != e.name) {
          o.name = e.name;
          o.path = p.dir + "/" + e.name;
        }
      }
      p.objsets.resize(k);
      for (const Pool::Objset& o : p.objsets) {
        auto text = ReadFileIfExists(o.path);
        if (!text) continue;
        ThrowParseError(parse::ParseZfsObjsetInto(*text, &objset_), o.path);
        for (const auto& v : objset_) {
          families
              .Untyped(MetricName(&name_, "node_zfs_zpool_dataset_", v.name),
                       KstatHelp(&help_, "objset", v.name))
              .Add({{"zpool", v.after_dataset_name ? pool : ""},
                    {"dataset", v.dataset}},
                   static_cast<double>(v.value));
        }
      }
    }
    for (const auto* entry : listed_) {
      const std::string_view pool = entry->first;
      auto text = ReadFileIfExists(entry->second.state_path);
      if (!text) continue;
      auto& f = families.Gauge("node_zfs_zpool_state", "kstat.zfs.misc.state");
      for (std::string_view name : parse::kZfsPoolStates) {
        f.Add({{"zpool", pool}, {"state", name}},
              parse::ZfsPoolStateIs(*text, name) ? 1 : 0);
      }
    }
    return families.Take();
  }

 private:
  // The kstat directory and its named kstats' paths, made for procfs_.
  std::string procfs_, base_;
  std::array<std::string, std::size(kSubsystems)> file_paths_;
  std::vector<DirEntry> entries_;  // this cycle's listing of base_
  std::map<std::string, Pool, std::less<>> pools_;
  std::vector<std::pair<const std::string, Pool>*> listed_;  // in order
  // What the parsers made of the last file (views into its text), kept for
  // their capacity.
  std::vector<parse::ZfsKstatValue> kstat_;
  std::vector<std::string_view> columns_;
  std::vector<parse::ZfsObjsetValue> objset_;
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
