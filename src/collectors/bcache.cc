// bcache: node_bcache_* from /sys/fs/bcache/<uuid>/ (the cache set), its
// bdev<N>/ (backing devices) and cache<N>/ (cache devices), as
// node_exporter 1.5 reads them (prometheus/procfs 0.8, package bcache); as
// 1.9, node_bcache_cache_readaheads_total is left out when 0 (not with
// --compat.node-exporter=1.5).
//
// Every value file procfs reads is read, including the five-minute and
// set-wide statistics node_exporter does not expose, because a malformed
// one fails the scrape there too. A missing value file counts as 0; a
// missing writeback_rate_debug (or priority_stats with
// --collector.bcache.priorityStats) is an error. No /sys/fs/bcache: no
// families.
//
// The cache sets and each set's bdev<N> and cache<N> are listed every
// cycle, as node_exporter globs them; the paths and labels made of a
// listing are kept while the next listing is the same, so a steady cycle
// reads the values and allocates nothing for the files or series.
#include "parse/bcache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/toolkit.h"

namespace host_exporter::collectors::bcache {
namespace {

constexpr char kPriorityStats[] = "collector.bcache.priorityStats";

// procfs' readValue: a missing file is 0, any other failure an error.
uint64_t ReadValue(const std::string& path) {
  FileRead f = ReadWhole(path);
  if (!f.ok()) {
    if (f.error == ENOENT) return 0;
    ThrowErrno(path, f.error);
  }
  return Unwrap(parse::ParseBcacheValue(f.data), path);
}

// A value file below a directory and its family. Tables list the files in
// procfs' order, which is the order they are read in, so the first
// malformed file is the one named.
struct ValueFile {
  const char* file;
  const char* name;
  const char* help;
  prometheus::MetricType type;
  double scale = 1;
};

// The paths of `files` below `dir`.
template <size_t N>
std::array<std::string, N> PathsOf(const std::string& dir,
                                   const ValueFile (&files)[N]) {
  std::array<std::string, N> paths;
  for (size_t i = 0; i < N; ++i) paths[i] = dir + "/" + files[i].file;
  return paths;
}

template <size_t N>
std::array<uint64_t, N> ReadValues(const std::array<std::string, N>& paths) {
  std::array<uint64_t, N> values{};
  for (size_t i = 0; i < N; ++i) values[i] = ReadValue(paths[i]);
  return values;
}

// `omit_if_zero`: the name of a family left out when its value is 0.
template <size_t N>
void AddValues(FamilySet* out, const ValueFile (&files)[N],
               const std::array<uint64_t, N>& values, LabelViews labels,
               std::string_view omit_if_zero = {}) {
  for (size_t i = 0; i < N; ++i) {
    if (values[i] == 0 && files[i].name == omit_if_zero) continue;
    out->Family(files[i].name, files[i].help, files[i].type)
        .Add(labels, ToDouble(values[i]) * files[i].scale);
  }
}

// A cache set's files.
constexpr ValueFile kSetFiles[] = {
    {"average_key_size", "node_bcache_average_key_size_sectors",
     "Average data per key in the btree (sectors).", kGauge},
    {"btree_cache_size", "node_bcache_btree_cache_size_bytes",
     "Amount of memory currently used by the btree cache.", kGauge},
    {"cache_available_percent", "node_bcache_cache_available_percent",
     "Percentage of cache device without dirty data, usable for writeback "
     "(may contain clean cached data).",
     kGauge},
    {"congested", "node_bcache_congested", "Congestion.", kGauge},
    {"root_usage_percent", "node_bcache_root_usage_percent",
     "Percentage of the root btree node in use (tree depth increases if too "
     "high).",
     kGauge},
    {"tree_depth", "node_bcache_tree_depth", "Depth of the btree.", kGauge},
    {"internal/active_journal_entries", "node_bcache_active_journal_entries",
     "Number of journal entries that are newer than the index.", kGauge},
    {"internal/btree_nodes", "node_bcache_btree_nodes",
     "Total nodes in the btree.", kGauge},
    // node_exporter scales the "_us" file by 1e-9, as nanoseconds.
    {"internal/btree_read_average_duration_us",
     "node_bcache_btree_read_average_duration_seconds",
     "Average btree read duration.", kGauge, 1e-9},
    {"internal/cache_read_races", "node_bcache_cache_read_races_total",
     "Counts instances where while data was being read from the cache, the "
     "bucket was reused and invalidated - i.e. where the pointer was stale "
     "after the read completed.",
     kCounter},
};

// The seven counters of a stats_total/ (or stats_five_minute/, read but
// not exposed) directory.
constexpr ValueFile kPeriodFiles[] = {
    {"bypassed", "node_bcache_bypassed_bytes_total",
     "Amount of IO (both reads and writes) that has bypassed the cache.",
     kCounter},
    {"cache_bypass_hits", "node_bcache_cache_bypass_hits_total",
     "Hits for IO intended to skip the cache.", kCounter},
    {"cache_bypass_misses", "node_bcache_cache_bypass_misses_total",
     "Misses for IO intended to skip the cache.", kCounter},
    {"cache_hits", "node_bcache_cache_hits_total",
     "Hits counted per individual IO as bcache sees them.", kCounter},
    {"cache_miss_collisions", "node_bcache_cache_miss_collisions_total",
     "Instances where data insertion from cache miss raced with write (data "
     "already present).",
     kCounter},
    {"cache_misses", "node_bcache_cache_misses_total",
     "Misses counted per individual IO as bcache sees them.", kCounter},
    {"cache_readaheads", "node_bcache_cache_readaheads_total",
     "Count of times readahead occurred.", kCounter},
};

// A backing device's own file.
constexpr ValueFile kBdevFiles[] = {
    {"dirty_data", "node_bcache_dirty_data_bytes",
     "Amount of dirty data for this backing device in the cache.", kGauge},
};

// A cache device's files.
constexpr ValueFile kCacheFiles[] = {
    {"io_errors", "node_bcache_io_errors",
     "Number of errors that have occurred, decayed by io_error_halflife.",
     kGauge},
    {"metadata_written", "node_bcache_metadata_written_bytes_total",
     "Sum of all non data writes (btree writes and all other metadata).",
     kCounter},
    {"written", "node_bcache_written_bytes_total",
     "Sum of all data that has been written to the cache.", kCounter},
};

using parse::PriorityStats;
using parse::WritebackRateDebug;

// What node_exporter exposes of writeback_rate_debug.
constexpr FieldFamily<WritebackRateDebug> kWritebackFamilies[] = {
    {"node_bcache_dirty_target_bytes",
     "Current dirty data target threshold for this backing device in bytes.",
     kGauge, FieldOf<&WritebackRateDebug::target>},
    {"node_bcache_writeback_rate",
     "Current writeback rate for this backing device in bytes.", kGauge,
     FieldOf<&WritebackRateDebug::rate>},
    {"node_bcache_writeback_rate_proportional_term",
     "Current result of proportional controller, part of writeback rate",
     kGauge, FieldOf<&WritebackRateDebug::proportional>},
    {"node_bcache_writeback_rate_integral_term",
     "Current result of integral controller, part of writeback rate", kGauge,
     FieldOf<&WritebackRateDebug::integral>},
    {"node_bcache_writeback_change",
     "Last writeback rate change step for this backing device.", kGauge,
     FieldOf<&WritebackRateDebug::change>},
};

// What --collector.bcache.priorityStats adds from priority_stats.
constexpr FieldFamily<PriorityStats> kPriorityFamilies[] = {
    {"node_bcache_priority_stats_unused_percent",
     "The percentage of the cache that doesn't contain any data.", kGauge,
     FieldOf<&PriorityStats::unused_percent>},
    {"node_bcache_priority_stats_metadata_percent",
     "Bcache's metadata overhead.", kGauge,
     FieldOf<&PriorityStats::metadata_percent>},
};

// A file that must exist (writeback_rate_debug, priority_stats).
FileRead ReadRequired(const std::string& path) {
  FileRead f = ReadWhole(path);
  if (!f.ok()) ThrowErrno(path, f.error);
  return f;
}

// The paths of a cache set's files, its backing devices' and its cache
// devices', as planned from the listings of /sys/fs/bcache and the set.
struct Bdev {
  std::string name;  // the label: bdev0
  std::array<std::string, std::size(kBdevFiles)> own;
  std::array<std::string, std::size(kPeriodFiles)> five_minute, total;
  std::string writeback_rate_debug;
};
struct Cache {
  std::string name;  // the label: cache0
  std::array<std::string, std::size(kCacheFiles)> files;
  std::string priority_stats;
};
struct Set {
  std::string uuid;  // the label
  std::string dir;
  std::array<std::string, std::size(kSetFiles)> files;
  std::array<std::string, std::size(kPeriodFiles)> five_minute, total;
  DirListing
      listed;  // the set's listing `bdevs` and `caches` were planned from
  bool planned = false;
  std::vector<Bdev> bdevs;    // the glob bdev[0-9]*, sorted
  std::vector<Cache> caches;  // the glob cache[0-9]*, sorted
};

void PlanSet(const std::string& root, std::string_view name, Set* s) {
  s->uuid = std::string(name);
  s->dir = root + "/" + s->uuid;
  s->files = PathsOf(s->dir, kSetFiles);
  s->five_minute = PathsOf(s->dir + "/stats_five_minute", kPeriodFiles);
  s->total = PathsOf(s->dir + "/stats_total", kPeriodFiles);
  s->planned = false;
}

// The devices of the set's listing.
void PlanDevices(const DirListing& listing, Set* s) {
  s->bdevs.clear();
  s->caches.clear();
  for (size_t i = 0; i < listing.size(); ++i) {
    const std::string_view name = listing.name(i);
    if (IsPrefixDigit(name, "bdev")) {
      Bdev& b = s->bdevs.emplace_back();
      b.name = std::string(name);
      const std::string dir = s->dir + "/" + b.name;
      b.own = PathsOf(dir, kBdevFiles);
      b.five_minute = PathsOf(dir + "/stats_five_minute", kPeriodFiles);
      b.total = PathsOf(dir + "/stats_total", kPeriodFiles);
      b.writeback_rate_debug = dir + "/writeback_rate_debug";
    } else if (IsPrefixDigit(name, "cache")) {
      Cache& c = s->caches.emplace_back();
      c.name = std::string(name);
      const std::string dir = s->dir + "/" + c.name;
      c.files = PathsOf(dir, kCacheFiles);
      c.priority_stats = dir + "/priority_stats";
    }
  }
  s->listed = listing;
  s->planned = true;
}

class BcacheCollector : public Collector {
 public:
  explicit BcacheCollector(const CollectorOptions& o)
      : priority_stats_(o.GetBool(kPriorityStats)), ne15_(o.NodeExporter15()) {}

  Families Collect(const HostPaths& paths) override {
    if (paths.sysfs != sysfs_ || root_.empty()) {
      sysfs_ = paths.sysfs;
      root_ = paths.Sys("fs/bcache");
      sets_.clear();
      planned_ = false;
    }
    FamilySet out;
    // The glob "*-*": cache sets are named by their UUID (an unreadable
    // directory matches nothing).
    scratch_.Read(root_);
    if (!planned_ || !(scratch_ == listed_)) {
      sets_.clear();
      for (size_t i = 0; i < scratch_.size(); ++i) {
        const std::string_view name = scratch_.name(i);
        if (name.find('-') == std::string_view::npos) continue;
        PlanSet(root_, name, &sets_.emplace_back());
      }
      listed_ = scratch_;
      planned_ = true;
    }
    for (Set& s : sets_) CollectSet(s, &out);
    return out.Take();
  }

 private:
  void CollectSet(Set& s, FamilySet* out) {
    const auto values = ReadValues(s.files);
    ReadValues(s.five_minute);
    ReadValues(s.total);
    AddValues(out, kSetFiles, values, {{"uuid", s.uuid}});

    scratch_.Read(s.dir);
    if (!s.planned || !(scratch_ == s.listed)) PlanDevices(scratch_, &s);
    for (const Bdev& b : s.bdevs) CollectBdev(s.uuid, b, out);
    for (const Cache& c : s.caches) CollectCache(s.uuid, c, out);
  }

  void CollectBdev(const std::string& uuid, const Bdev& b,
                   FamilySet* out) const {
    const auto own = ReadValues(b.own);
    ReadValues(b.five_minute);
    const auto total = ReadValues(b.total);
    const std::string& wrd_path = b.writeback_rate_debug;
    const WritebackRateDebug wrd = Unwrap(
        parse::ParseWritebackRateDebug(ReadRequired(wrd_path).data), wrd_path);
    AddValues(out, kBdevFiles, own,
              {{"uuid", uuid}, {"backing_device", b.name}});
    AddFields(out, kWritebackFamilies, wrd,
              {{"uuid", uuid}, {"backing_device", b.name}});
    // node_exporter 1.9 leaves out a readahead count of 0 (1.5 does not).
    AddValues(out, kPeriodFiles, total,
              {{"uuid", uuid}, {"backing_device", b.name}},
              ne15_ ? "" : "node_bcache_cache_readaheads_total");
  }

  void CollectCache(const std::string& uuid, const Cache& c,
                    FamilySet* out) const {
    AddValues(out, kCacheFiles, ReadValues(c.files),
              {{"uuid", uuid}, {"cache_device", c.name}});
    if (!priority_stats_) return;
    const std::string& path = c.priority_stats;
    const PriorityStats ps =
        Unwrap(parse::ParsePriorityStats(ReadRequired(path).data), path);
    AddFields(out, kPriorityFamilies, ps,
              {{"uuid", uuid}, {"cache_device", c.name}});
  }

  const bool priority_stats_;
  const bool ne15_;     // --compat.node-exporter=1.5
  std::string sysfs_;   // the sysfs root root_ was made from
  std::string root_;    // <sysfs>/fs/bcache
  DirListing scratch_;  // this cycle's listing
  DirListing listed_;   // the listing sets_ were planned from
  bool planned_ = false;
  std::vector<Set> sets_;  // by name, as listed
};

}  // namespace

CollectorSpec Spec() {
  return {"bcache",
          true,
          "Exposes bcache statistics from /sys/fs/bcache.",
          {
              {kPriorityStats, "false", "Expose expensive priority stats.",
               false, true},
          },
          &MakeCollector<BcacheCollector>};
}

}  // namespace host_exporter::collectors::bcache
