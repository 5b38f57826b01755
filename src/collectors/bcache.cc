// bcache: node_bcache_* from /sys/fs/bcache/<uuid>/ (the cache set), its
// bdev<N>/ (backing devices) and cache<N>/ (cache devices), as
// node_exporter 1.5 reads them (prometheus/procfs 0.8, package bcache).
//
// Every value file procfs reads is read, including the five-minute and
// set-wide statistics node_exporter does not expose, because a malformed
// one fails the scrape there too. A missing value file counts as 0; a
// missing writeback_rate_debug (or priority_stats with
// --collector.bcache.priorityStats) is an error. No /sys/fs/bcache: no
// families.
#include "parse/bcache.h"

#include <cerrno>
#include <cstring>

#include "collectors/toolkit.h"

namespace host_exporter::collectors::bcache {
namespace {

constexpr char kPriorityStats[] = "collector.bcache.priorityStats";

// The seven counters of a stats_total/ (or stats_five_minute/) directory.
struct PeriodStats {
  uint64_t bypassed = 0;
  uint64_t cache_bypass_hits = 0;
  uint64_t cache_bypass_misses = 0;
  uint64_t cache_hits = 0;
  uint64_t cache_miss_collisions = 0;
  uint64_t cache_misses = 0;
  uint64_t cache_readaheads = 0;
};

// procfs' readValue: a missing file is 0, any other failure an error.
uint64_t ReadValue(const std::string& path) {
  FileRead f = ReadWhole(path);
  if (!f.ok()) {
    if (f.error == ENOENT) return 0;
    ThrowErrno(path, f.error);
  }
  return Unwrap(parse::ParseBcacheValue(f.data), path);
}

PeriodStats ReadPeriod(const std::string& dir) {
  PeriodStats p;
  p.bypassed = ReadValue(dir + "/bypassed");
  p.cache_bypass_hits = ReadValue(dir + "/cache_bypass_hits");
  p.cache_bypass_misses = ReadValue(dir + "/cache_bypass_misses");
  p.cache_hits = ReadValue(dir + "/cache_hits");
  p.cache_miss_collisions = ReadValue(dir + "/cache_miss_collisions");
  p.cache_misses = ReadValue(dir + "/cache_misses");
  p.cache_readaheads = ReadValue(dir + "/cache_readaheads");
  return p;
}

// A file that must exist (writeback_rate_debug, priority_stats).
std::string ReadRequired(const std::string& path) {
  FileRead f = ReadWhole(path);
  if (!f.ok()) ThrowErrno(path, f.error);
  return f.data;
}

class BcacheCollector : public Collector {
 public:
  explicit BcacheCollector(const CollectorOptions& o)
      : priority_stats_(o.GetBool(kPriorityStats)) {}

  Families Collect(const HostPaths& paths) override {
    const std::string root = paths.Sys("fs/bcache");
    FamilySet out;
    // The glob "*-*": cache sets are named by their UUID.
    for (const DirEntry& e : ReadDir(root).entries) {
      if (e.name.find('-') == std::string::npos) continue;
      CollectSet(root + "/" + e.name, e.name, &out);
    }
    return out.Take();
  }

 private:
  void CollectSet(const std::string& dir, const std::string& uuid,
                  FamilySet* out) const {
    const Labels set = {{"uuid", uuid}};
    const std::string in = dir + "/internal";
    // Read in procfs' order, so the first malformed file is the one named.
    const uint64_t average_key_size = ReadValue(dir + "/average_key_size");
    const uint64_t btree_cache_size = ReadValue(dir + "/btree_cache_size");
    const uint64_t cache_available =
        ReadValue(dir + "/cache_available_percent");
    const uint64_t congested = ReadValue(dir + "/congested");
    const uint64_t root_usage = ReadValue(dir + "/root_usage_percent");
    const uint64_t tree_depth = ReadValue(dir + "/tree_depth");
    const uint64_t journal = ReadValue(in + "/active_journal_entries");
    const uint64_t btree_nodes = ReadValue(in + "/btree_nodes");
    const uint64_t read_duration =
        ReadValue(in + "/btree_read_average_duration_us");
    const uint64_t read_races = ReadValue(in + "/cache_read_races");
    ReadPeriod(dir + "/stats_five_minute");
    ReadPeriod(dir + "/stats_total");

    out->Gauge("node_bcache_average_key_size_sectors",
               "Average data per key in the btree (sectors).")
        .Add(set, ToDouble(average_key_size));
    out->Gauge("node_bcache_btree_cache_size_bytes",
               "Amount of memory currently used by the btree cache.")
        .Add(set, ToDouble(btree_cache_size));
    out->Gauge("node_bcache_cache_available_percent",
               "Percentage of cache device without dirty data, usable for "
               "writeback (may contain clean cached data).")
        .Add(set, ToDouble(cache_available));
    out->Gauge("node_bcache_congested", "Congestion.")
        .Add(set, ToDouble(congested));
    out->Gauge("node_bcache_root_usage_percent",
               "Percentage of the root btree node in use (tree depth "
               "increases if too high).")
        .Add(set, ToDouble(root_usage));
    out->Gauge("node_bcache_tree_depth", "Depth of the btree.")
        .Add(set, ToDouble(tree_depth));
    out->Gauge("node_bcache_active_journal_entries",
               "Number of journal entries that are newer than the index.")
        .Add(set, ToDouble(journal));
    out->Gauge("node_bcache_btree_nodes", "Total nodes in the btree.")
        .Add(set, ToDouble(btree_nodes));
    // node_exporter scales the "_us" file by 1e-9, as nanoseconds.
    out->Gauge("node_bcache_btree_read_average_duration_seconds",
               "Average btree read duration.")
        .Add(set, ToDouble(read_duration) * 1e-9);
    out->Counter("node_bcache_cache_read_races_total",
                 "Counts instances where while data was being read from the "
                 "cache, the bucket was reused and invalidated - i.e. where "
                 "the pointer was stale after the read completed.")
        .Add(set, ToDouble(read_races));

    for (const std::string& bdev : GlobDigit(dir, "bdev")) {
      CollectBdev(dir + "/" + bdev, {{"uuid", uuid}, {"backing_device", bdev}},
                  out);
    }
    for (const std::string& cache : GlobDigit(dir, "cache")) {
      CollectCache(dir + "/" + cache, {{"uuid", uuid}, {"cache_device", cache}},
                   out);
    }
  }

  static void CollectBdev(const std::string& dir, const Labels& labels,
                          FamilySet* out) {
    const uint64_t dirty_data = ReadValue(dir + "/dirty_data");
    ReadPeriod(dir + "/stats_five_minute");
    const PeriodStats total = ReadPeriod(dir + "/stats_total");
    const std::string wrd_path = dir + "/writeback_rate_debug";
    const parse::WritebackRateDebug wrd = Unwrap(
        parse::ParseWritebackRateDebug(ReadRequired(wrd_path)), wrd_path);

    out->Gauge("node_bcache_dirty_data_bytes",
               "Amount of dirty data for this backing device in the cache.")
        .Add(labels, ToDouble(dirty_data));
    out->Gauge("node_bcache_dirty_target_bytes",
               "Current dirty data target threshold for this backing device "
               "in bytes.")
        .Add(labels, ToDouble(wrd.target));
    out->Gauge("node_bcache_writeback_rate",
               "Current writeback rate for this backing device in bytes.")
        .Add(labels, ToDouble(wrd.rate));
    out->Gauge("node_bcache_writeback_rate_proportional_term",
               "Current result of proportional controller, part of writeback "
               "rate")
        .Add(labels, ToDouble(wrd.proportional));
    out->Gauge("node_bcache_writeback_rate_integral_term",
               "Current result of integral controller, part of writeback rate")
        .Add(labels, ToDouble(wrd.integral));
    out->Gauge("node_bcache_writeback_change",
               "Last writeback rate change step for this backing device.")
        .Add(labels, ToDouble(wrd.change));
    out->Counter(
           "node_bcache_bypassed_bytes_total",
           "Amount of IO (both reads and writes) that has bypassed the cache.")
        .Add(labels, ToDouble(total.bypassed));
    out->Counter("node_bcache_cache_hits_total",
                 "Hits counted per individual IO as bcache sees them.")
        .Add(labels, ToDouble(total.cache_hits));
    out->Counter("node_bcache_cache_misses_total",
                 "Misses counted per individual IO as bcache sees them.")
        .Add(labels, ToDouble(total.cache_misses));
    out->Counter("node_bcache_cache_bypass_hits_total",
                 "Hits for IO intended to skip the cache.")
        .Add(labels, ToDouble(total.cache_bypass_hits));
    out->Counter("node_bcache_cache_bypass_misses_total",
                 "Misses for IO intended to skip the cache.")
        .Add(labels, ToDouble(total.cache_bypass_misses));
    out->Counter("node_bcache_cache_miss_collisions_total",
                 "Instances where data insertion from cache miss raced with "
                 "write (data already present).")
        .Add(labels, ToDouble(total.cache_miss_collisions));
    out->Counter("node_bcache_cache_readaheads_total",
                 "Count of times readahead occurred.")
        .Add(labels, ToDouble(total.cache_readaheads));
  }

  void CollectCache(const std::string& dir, const Labels& labels,
                    FamilySet* out) const {
    const uint64_t io_errors = ReadValue(dir + "/io_errors");
    const uint64_t metadata_written = ReadValue(dir + "/metadata_written");
    const uint64_t written = ReadValue(dir + "/written");
    out->Gauge(
           "node_bcache_io_errors",
           "Number of errors that have occurred, decayed by io_error_halflife.")
        .Add(labels, ToDouble(io_errors));
    out->Counter(
           "node_bcache_metadata_written_bytes_total",
           "Sum of all non data writes (btree writes and all other metadata).")
        .Add(labels, ToDouble(metadata_written));
    out->Counter("node_bcache_written_bytes_total",
                 "Sum of all data that has been written to the cache.")
        .Add(labels, ToDouble(written));
    if (!priority_stats_) return;
    const std::string path = dir + "/priority_stats";
    const parse::PriorityStats ps =
        Unwrap(parse::ParsePriorityStats(ReadRequired(path)), path);
    out->Gauge("node_bcache_priority_stats_unused_percent",
               "The percentage of the cache that doesn't contain any data.")
        .Add(labels, ToDouble(ps.unused_percent));
    out->Gauge("node_bcache_priority_stats_metadata_percent",
               "Bcache's metadata overhead.")
        .Add(labels, ToDouble(ps.metadata_percent));
  }

  const bool priority_stats_;
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
          [](const CollectorOptions& o) -> std::unique_ptr<Collector> {
            return std::make_unique<BcacheCollector>(o);
          }};
}

}  // namespace host_exporter::collectors::bcache

namespace host_exporter {

CollectorSpec BcacheCollectorSpec() { return collectors::bcache::Spec(); }

}  // namespace host_exporter
