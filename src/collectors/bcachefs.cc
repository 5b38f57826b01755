// bcachefs: node_bcachefs_* per filesystem of /sys/fs/bcachefs/<uuid>/, as
// node_exporter 1.11 reads them (prometheus/procfs' bcachefs.Stats):
// btree_cache_size, compression_stats, errors, counters/<name> (one
// counter family each, "since filesystem creation"), btree_write_stats and
// per device dev-<N>/ (label, state, bucket_size, nbuckets, durability,
// io_done, io_errors). No /sys/fs/bcachefs or no filesystem in it: no
// families. A missing file counts as empty (a device's label and state as
// "" whatever the error); any other read error or a malformed value fails
// the collector naming the file.
#include "parse/bcachefs.h"

#include <map>
#include <string>

#include "collectors/toolkit.h"
#include "parse/powercap.h"  // SanitizeMetricName
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::bcachefs {
namespace {

// A file's trimmed text; "" if it does not exist.
std::string Text(const std::string& path) {
  auto data = ReadFileIfExists(path);
  return data ? std::string(parse::GoTrimSpace(*data)) : std::string();
}

// A file parsed by `parse`; an absent file gives an empty value.
template <typename T>
T ParseFile(const std::string& path,
            parse::Result<T> (*parse)(std::string_view)) {
  auto data = ReadFileIfExists(path);
  return data ? Unwrap(parse(*data), path) : T{};
}

// A size file (ParseBcachefsBytes); 0 if absent or empty.
uint64_t Bytes(const std::string& path) {
  const std::string s = Text(path);
  return s.empty() ? 0 : Unwrap(parse::ParseBcachefsBytes(s), path);
}

// bucket_size: read as the label (an unreadable file counts as ""), then a
// size; 0 if "".
uint64_t BucketSize(const std::string& path);

// A base-10 number file; 0 if absent.
uint64_t Uint(const std::string& path) {
  auto data = ReadFileIfExists(path);
  if (!data) return 0;
  const auto v = parse::ParseGoUint(parse::GoTrimSpace(*data), 10);
  if (!v) throw CollectError(path + ": not a number");
  return *v;
}

// A device attribute's trimmed text; "" on any error (procfs reads label
// and state so).
std::string Label(const std::string& path) {
  FileRead f = ReadWhole(path);
  return f.ok() ? std::string(parse::GoTrimSpace(f.data)) : std::string();
}

uint64_t BucketSize(const std::string& path) {
  const std::string s = Label(path);
  return s.empty() ? 0 : Unwrap(parse::ParseBcachefsBytes(s), path);
}

class BcachefsCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string root = paths.Sys("fs/bcachefs");
    const auto entries = ListOrNoData(root);
    if (!entries) return {};
    FamilySet out;
    for (const DirEntry& e : *entries) {
      if (e.kind != Kind::kDirectory) continue;
      CollectFilesystem(root + "/" + e.name, parse::ToValidUtf8(e.name), &out);
    }
    return out.Take();
  }

 private:
  static void CollectFilesystem(const std::string& dir, const std::string& uuid,
                                FamilySet* out) {
    const Labels fs = {{"uuid", uuid}};
    out->Gauge("node_bcachefs_info", "Filesystem information.").Add(fs, 1);
    out->Gauge("node_bcachefs_btree_cache_size_bytes",
               "Btree cache memory usage in bytes.")
        .Add(fs, ToDouble(Bytes(dir + "/btree_cache_size")));
    auto& compressed = out->Gauge("node_bcachefs_compression_compressed_bytes",
                                  "Compressed size by algorithm.");
    auto& uncompressed =
        out->Gauge("node_bcachefs_compression_uncompressed_bytes",
                   "Uncompressed size by algorithm.");
    for (const auto& [algorithm, c] : ParseFile(
             dir + "/compression_stats", &parse::ParseBcachefsCompression)) {
      const Labels l = {{"uuid", uuid},
                        {"algorithm", parse::ToValidUtf8(algorithm)}};
      compressed.Add(l, ToDouble(c.compressed));
      uncompressed.Add(l, ToDouble(c.uncompressed));
    }
    auto& errors = out->Counter("node_bcachefs_errors_total",
                                "Error count by error type.");
    for (const auto& [type, err] :
         ParseFile(dir + "/errors", &parse::ParseBcachefsErrors)) {
      errors.Add({{"uuid", uuid}, {"error_type", parse::ToValidUtf8(type)}},
                 ToDouble(err.count));
    }
    for (const DirEntry& c : ListDirEntries(dir + "/counters")) {
      if (c.kind == Kind::kDirectory) continue;
      const auto counter =
          ParseFile(dir + "/counters/" + c.name, &parse::ParseBcachefsCounter);
      const std::string name = parse::ToValidUtf8(c.name);
      out->Counter(
             "node_bcachefs_" + parse::SanitizeMetricName(name) + "_total",
             "Bcachefs counter " + name + " since filesystem creation.")
          .Add(fs, ToDouble(counter.since_creation));
    }
    auto& writes = out->Counter("node_bcachefs_btree_writes_total",
                                "Number of btree writes by type.");
    auto& write_size =
        out->Gauge("node_bcachefs_btree_write_average_size_bytes",
                   "Average btree write size by type.");
    for (const auto& [type, w] : ParseFile(dir + "/btree_write_stats",
                                           &parse::ParseBcachefsBtreeWrites)) {
      const Labels l = {{"uuid", uuid}, {"type", parse::ToValidUtf8(type)}};
      writes.Add(l, ToDouble(w.count));
      write_size.Add(l, ToDouble(w.size));
    }
    DirRead devs = ReadDir(dir);
    if (!devs.ok()) ThrowErrno(dir, devs.error);
    for (const DirEntry& d : devs.entries) {
      if (d.kind != Kind::kDirectory || !d.name.starts_with("dev-")) continue;
      CollectDevice(dir + "/" + d.name, uuid,
                    parse::ToValidUtf8(d.name.substr(4)), out);
    }
  }

  static void CollectDevice(const std::string& dir, const std::string& uuid,
                            const std::string& device, FamilySet* out) {
    const Labels dev = {{"uuid", uuid}, {"device", device}};
    out->Gauge("node_bcachefs_device_info", "Device information.")
        .Add({{"uuid", uuid},
              {"device", device},
              {"label", parse::ToValidUtf8(Label(dir + "/label"))},
              {"state", parse::ToValidUtf8(Label(dir + "/state"))}},
             1);
    out->Gauge("node_bcachefs_device_bucket_size_bytes",
               "Bucket size in bytes.")
        .Add(dev, ToDouble(BucketSize(dir + "/bucket_size")));
    out->Gauge("node_bcachefs_device_buckets", "Total number of buckets.")
        .Add(dev, ToDouble(Uint(dir + "/nbuckets")));
    out->Gauge("node_bcachefs_device_durability", "Device durability setting.")
        .Add(dev, ToDouble(Uint(dir + "/durability")));
    auto& done = out->Counter("node_bcachefs_device_io_done_bytes_total",
                              "IO bytes by operation type and data type.");
    for (const auto& [op, types] :
         ParseFile(dir + "/io_done", &parse::ParseBcachefsIoDone)) {
      for (const auto& [type, bytes] : types) {
        done.Add({{"uuid", uuid},
                  {"device", device},
                  {"operation", parse::ToValidUtf8(op)},
                  {"data_type", parse::ToValidUtf8(type)}},
                 ToDouble(bytes));
      }
    }
    auto& io_errors = out->Counter("node_bcachefs_device_io_errors_total",
                                   "IO errors by error type.");
    for (const auto& [type, n] :
         ParseFile(dir + "/io_errors", &parse::ParseBcachefsIoErrors)) {
      io_errors.Add({{"uuid", uuid},
                     {"device", device},
                     {"type", parse::ToValidUtf8(type)}},
                    ToDouble(n));
    }
  }

  // The entries of `dir`; none if it does not exist; other errors throw
  // naming it.
  static std::vector<DirEntry> ListDirEntries(const std::string& dir) {
    auto entries = ListOrNoData(dir);
    return entries ? std::move(*entries) : std::vector<DirEntry>{};
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"bcachefs",
          true,
          "Exposes bcachefs filesystem statistics from /sys/fs/bcachefs "
          "(node_exporter 1.11; follows upstream's changelog, no 1.11 binary "
          "here to compare).",
          {},
          &MakeCollector<BcachefsCollector>};
}

}  // namespace host_exporter::collectors::bcachefs
