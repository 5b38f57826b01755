// bcachefs: node_bcachefs_* per filesystem of /sys/fs/bcachefs/<uuid>/, as
// node_exporter 1.11 reads them (prometheus/procfs' bcachefs.Stats):
// btree_cache_size, compression_stats, errors, counters/<name> (one
// counter family each, "since filesystem creation"), btree_write_stats and
// per device dev-<N>/ (label, state, bucket_size, nbuckets, durability,
// io_done, io_errors). No /sys/fs/bcachefs or no filesystem in it: no
// families. A missing file counts as empty (a device's label and state as
// "" whatever the error); any other read error or a malformed value fails
// the collector naming the file.
//
// The filesystems, each one's counters/ and its dev-<N> are listed every
// cycle, as procfs lists them; what is made of a listing (the files' paths,
// the labels, a counter's family name and help) is kept while the next
// listing is the same. The tables are parsed into rows viewed in the text
// read, in vectors kept from cycle to cycle, and sorted as procfs' maps
// order them: a steady cycle allocates for the files' texts only.
#include "parse/bcachefs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "collectors/toolkit.h"
#include "parse/powercap.h"  // SanitizeMetricName
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::bcachefs {
namespace {

// A file's text; empty if it does not exist (ENOENT, ENOTDIR); any other
// error throws naming it (ReadFileIfExists without the copy).
FileRead ReadOrEmpty(const std::string& path) {
  FileRead f = ReadPath(path);
  if (f.missing()) {
    f.data.clear();
    f.error = 0;
    return f;
  }
  if (!f.ok()) ThrowErrno(path, f.error);
  return f;
}

// A size file (ParseBcachefsBytes); 0 if absent or empty.
uint64_t Bytes(const std::string& path) {
  const FileRead f = ReadOrEmpty(path);
  const std::string_view s = parse::GoTrimSpace(f.data);
  return s.empty() ? 0 : Unwrap(parse::ParseBcachefsBytes(s), path);
}

// A base-10 number file; 0 if absent.
uint64_t Uint(const std::string& path) {
  FileRead f = ReadPath(path);
  if (f.missing()) return 0;
  if (!f.ok()) ThrowErrno(path, f.error);
  const auto v = parse::ParseGoUint(parse::GoTrimSpace(f.data), 10);
  if (!v) throw CollectError(path + ": not a number");
  return *v;
}

// A device attribute's file, read as procfs reads label and state: its
// trimmed text is Label(f), "" on any error.
FileRead ReadLabel(const std::string& path) {
  FileRead f = ReadWhole(path);
  if (!f.ok()) f.data.clear();
  return f;
}
std::string_view Label(const FileRead& f) { return parse::GoTrimSpace(f.data); }

// bucket_size: read as the label (an unreadable file counts as ""), then a
// size; 0 if "".
uint64_t BucketSize(const std::string& path) {
  const FileRead f = ReadLabel(path);
  const std::string_view s = Label(f);
  return s.empty() ? 0 : Unwrap(parse::ParseBcachefsBytes(s), path);
}

// `s` as a label value, as ToValidUtf8 makes it: `s` itself if it is valid
// UTF-8 (nothing made), else the copy made in *buf.
std::string_view Utf8(std::string_view s, std::string* buf) {
  if (parse::IsValidUtf8(s)) return s;
  *buf = parse::ToValidUtf8(s);
  return *buf;
}

// Throws a row parser's error naming the file.
void Check(const std::string& error, const std::string& path) {
  if (!error.empty()) ThrowParseError(error, path);
}

// Sorts rows by key, then line: a run of one key ends with its last row,
// the one procfs' map keeps (Last()).
template <typename Row>
void SortByKey(std::vector<Row>* rows) {
  std::sort(rows->begin(), rows->end(), [](const Row& a, const Row& b) {
    return std::tie(a.key, a.line) < std::tie(b.key, b.line);
  });
}
template <typename Row>
bool Last(const std::vector<Row>& rows, size_t i) {
  return i + 1 == rows.size() || rows[i + 1].key != rows[i].key;
}

// The rows of table file `path` parsed by `parse` into *rows, viewing *text
// that the file is read into (ReadPathInto: its storage kept from cycle to
// cycle), and sorted by key (SortByKey). A missing file has no rows; any
// other error throws naming it, as ReadOrEmpty().
template <typename Row, typename Parse>
void ReadRows(const std::string& path, Parse parse, std::string* text,
              std::vector<Row>* rows) {
  const int error = ReadPathInto(path, text);
  if (error != 0 && error != ENOENT && error != ENOTDIR) {
    ThrowErrno(path, error);
  }
  Check(parse(*text, rows), path);
  SortByKey(rows);
}

// A counter as planned from the listing of counters/.
struct Counter {
  std::string path;
  std::string name;  // node_bcachefs_<sanitized>_total
  std::string help;
};

// A device as planned from the filesystem's listing.
struct Device {
  std::string device;  // the label: N of dev-N, valid UTF-8
  std::string label, state, bucket_size, nbuckets, durability, io_done,
      io_errors;  // paths
};

// A filesystem as planned from the listing of /sys/fs/bcachefs.
struct Filesystem {
  std::string uuid;  // the label, valid UTF-8
  std::string dir, btree_cache_size, compression_stats, errors, counters_dir,
      btree_write_stats;       // paths
  DirListing counters_listed;  // the listing `counters` were planned from
  bool counters_planned = false;
  std::vector<Counter> counters;
  DirListing devices_listed;  // the listing `devices` were planned from
  bool devices_planned = false;
  std::vector<Device> devices;
};

void PlanFilesystem(const std::string& root, std::string_view name,
                    Filesystem* fs) {
  fs->uuid = parse::ToValidUtf8(name);
  fs->dir = root + "/" + std::string(name);
  fs->btree_cache_size = fs->dir + "/btree_cache_size";
  fs->compression_stats = fs->dir + "/compression_stats";
  fs->errors = fs->dir + "/errors";
  fs->counters_dir = fs->dir + "/counters";
  fs->btree_write_stats = fs->dir + "/btree_write_stats";
}

void PlanCounters(const DirListing& listing, Filesystem* fs) {
  fs->counters.clear();
  for (size_t i = 0; i < listing.size(); ++i) {
    if (listing.kind(i) == Kind::kDirectory) continue;
    const std::string_view file = listing.name(i);
    Counter& c = fs->counters.emplace_back();
    c.path = fs->counters_dir + "/" + std::string(file);
    const std::string name = parse::ToValidUtf8(file);
    c.name = "node_bcachefs_" + parse::SanitizeMetricName(name) + "_total";
    c.help = "Bcachefs counter " + name + " since filesystem creation.";
  }
  fs->counters_listed = listing;
  fs->counters_planned = true;
}

void PlanDevices(const DirListing& listing, Filesystem* fs) {
  fs->devices.clear();
  for (size_t i = 0; i < listing.size(); ++i) {
    const std::string_view name = listing.name(i);
    if (listing.kind(i) != Kind::kDirectory || !name.starts_with("dev-")) {
      continue;
    }
    Device& d = fs->devices.emplace_back();
    d.device = parse::ToValidUtf8(name.substr(4));
    const std::string dir = fs->dir + "/" + std::string(name);
    d.label = dir + "/label";
    d.state = dir + "/state";
    d.bucket_size = dir + "/bucket_size";
    d.nbuckets = dir + "/nbuckets";
    d.durability = dir + "/durability";
    d.io_done = dir + "/io_done";
    d.io_errors = dir + "/io_errors";
  }
  fs->devices_listed = listing;
  fs->devices_planned = true;
}

class BcachefsCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    if (paths.sysfs != sysfs_ || root_.empty()) {
      sysfs_ = paths.sysfs;
      root_ = paths.Sys("fs/bcachefs");
      filesystems_.clear();
      planned_ = false;
    }
    const int error = scratch_.Read(root_);
    if (error == ENOENT) {
      filesystems_.clear();
      planned_ = false;
      return {};
    }
    if (error != 0) ThrowErrno(root_, error);
    if (!planned_ || !(scratch_ == listed_)) {
      filesystems_.clear();
      for (size_t i = 0; i < scratch_.size(); ++i) {
        if (scratch_.kind(i) != Kind::kDirectory) continue;
        PlanFilesystem(root_, scratch_.name(i), &filesystems_.emplace_back());
      }
      listed_ = scratch_;
      planned_ = true;
    }
    FamilySet out;
    for (Filesystem& fs : filesystems_) CollectFilesystem(fs, &out);
    return out.Take();
  }

 private:
  void CollectFilesystem(Filesystem& fs, FamilySet* out) {
    const std::string& uuid = fs.uuid;
    out->Gauge("node_bcachefs_info", "Filesystem information.")
        .Add({{"uuid", uuid}}, 1);
    out->Gauge("node_bcachefs_btree_cache_size_bytes",
               "Btree cache memory usage in bytes.")
        .Add({{"uuid", uuid}}, ToDouble(Bytes(fs.btree_cache_size)));
    auto& compressed = out->Gauge("node_bcachefs_compression_compressed_bytes",
                                  "Compressed size by algorithm.");
    auto& uncompressed =
        out->Gauge("node_bcachefs_compression_uncompressed_bytes",
                   "Uncompressed size by algorithm.");
    {
      ReadRows(fs.compression_stats, parse::ParseBcachefsCompressionRows,
               &text_, &compression_);
      for (size_t i = 0; i < compression_.size(); ++i) {
        if (!Last(compression_, i)) continue;
        const parse::BcachefsCompression& c = compression_[i].value;
        const std::string_view algorithm = Utf8(compression_[i].key, &buf_);
        compressed.Add({{"uuid", uuid}, {"algorithm", algorithm}},
                       ToDouble(c.compressed));
        uncompressed.Add({{"uuid", uuid}, {"algorithm", algorithm}},
                         ToDouble(c.uncompressed));
      }
    }
    auto& errors = out->Counter("node_bcachefs_errors_total",
                                "Error count by error type.");
    {
      ReadRows(fs.errors, parse::ParseBcachefsErrorRows, &text_, &errors_);
      for (size_t i = 0; i < errors_.size(); ++i) {
        if (!Last(errors_, i)) continue;
        errors.Add(
            {{"uuid", uuid}, {"error_type", Utf8(errors_[i].key, &buf_)}},
            ToDouble(errors_[i].value.count));
      }
    }
    // counters/: none if it does not exist; another error throws naming it.
    const int counters_error = scratch_.Read(fs.counters_dir);
    if (counters_error != 0 && counters_error != ENOENT) {
      ThrowErrno(fs.counters_dir, counters_error);
    }
    if (!fs.counters_planned || !(scratch_ == fs.counters_listed)) {
      PlanCounters(scratch_, &fs);
    }
    for (const Counter& c : fs.counters) {
      const FileRead f = ReadPath(c.path);
      parse::BcachefsCounter counter;
      if (!f.missing()) {
        if (!f.ok()) ThrowErrno(c.path, f.error);
        counter = Unwrap(parse::ParseBcachefsCounter(f.data), c.path);
      }
      out->Counter(c.name, c.help)
          .Add({{"uuid", uuid}}, ToDouble(counter.since_creation));
    }
    auto& writes = out->Counter("node_bcachefs_btree_writes_total",
                                "Number of btree writes by type.");
    auto& write_size =
        out->Gauge("node_bcachefs_btree_write_average_size_bytes",
                   "Average btree write size by type.");
    {
      ReadRows(fs.btree_write_stats, parse::ParseBcachefsBtreeWriteRows, &text_,
               &writes_);
      for (size_t i = 0; i < writes_.size(); ++i) {
        if (!Last(writes_, i)) continue;
        const parse::BcachefsBtreeWrite& w = writes_[i].value;
        const std::string_view type = Utf8(writes_[i].key, &buf_);
        writes.Add({{"uuid", uuid}, {"type", type}}, ToDouble(w.count));
        write_size.Add({{"uuid", uuid}, {"type", type}}, ToDouble(w.size));
      }
    }
    const int devices_error = scratch_.Read(fs.dir);
    if (devices_error != 0) ThrowErrno(fs.dir, devices_error);
    if (!fs.devices_planned || !(scratch_ == fs.devices_listed)) {
      PlanDevices(scratch_, &fs);
    }
    for (const Device& d : fs.devices) CollectDevice(uuid, d, out);
  }

  void CollectDevice(const std::string& uuid, const Device& d, FamilySet* out) {
    const std::string& device = d.device;
    {
      const FileRead label = ReadLabel(d.label);
      const FileRead state = ReadLabel(d.state);
      std::string state_buf;
      out->Gauge("node_bcachefs_device_info", "Device information.")
          .Add({{"uuid", uuid},
                {"device", device},
                {"label", Utf8(Label(label), &buf_)},
                {"state", Utf8(Label(state), &state_buf)}},
               1);
    }
    out->Gauge("node_bcachefs_device_bucket_size_bytes",
               "Bucket size in bytes.")
        .Add({{"uuid", uuid}, {"device", device}},
             ToDouble(BucketSize(d.bucket_size)));
    out->Gauge("node_bcachefs_device_buckets", "Total number of buckets.")
        .Add({{"uuid", uuid}, {"device", device}}, ToDouble(Uint(d.nbuckets)));
    out->Gauge("node_bcachefs_device_durability", "Device durability setting.")
        .Add({{"uuid", uuid}, {"device", device}},
             ToDouble(Uint(d.durability)));
    auto& done = out->Counter("node_bcachefs_device_io_done_bytes_total",
                              "IO bytes by operation type and data type.");
    {
      const FileRead f = ReadOrEmpty(d.io_done);
      Check(parse::ParseBcachefsIoDoneRows(f.data, &io_done_), d.io_done);
      std::sort(io_done_.begin(), io_done_.end(),
                [](const auto& a, const auto& b) {
                  return std::tie(a.operation, a.data_type, a.line) <
                         std::tie(b.operation, b.data_type, b.line);
                });
      std::string op_buf;
      for (size_t i = 0; i < io_done_.size(); ++i) {
        const parse::BcachefsIoDoneRow& r = io_done_[i];
        if (i + 1 < io_done_.size() &&
            io_done_[i + 1].operation == r.operation &&
            io_done_[i + 1].data_type == r.data_type) {
          continue;  // a later line of the same pair wins
        }
        done.Add({{"uuid", uuid},
                  {"device", device},
                  {"operation", Utf8(r.operation, &op_buf)},
                  {"data_type", Utf8(r.data_type, &buf_)}},
                 ToDouble(r.bytes));
      }
    }
    auto& io_errors = out->Counter("node_bcachefs_device_io_errors_total",
                                   "IO errors by error type.");
    {
      ReadRows(d.io_errors, parse::ParseBcachefsIoErrorRows, &text_,
               &io_errors_);
      for (size_t i = 0; i < io_errors_.size(); ++i) {
        if (!Last(io_errors_, i)) continue;
        io_errors.Add({{"uuid", uuid},
                       {"device", device},
                       {"type", Utf8(io_errors_[i].key, &buf_)}},
                      ToDouble(io_errors_[i].value));
      }
    }
  }

  std::string sysfs_;   // the sysfs root root_ was made from
  std::string root_;    // <sysfs>/fs/bcachefs
  DirListing scratch_;  // this cycle's listing
  DirListing listed_;   // the listing filesystems_ were planned from
  bool planned_ = false;
  std::vector<Filesystem> filesystems_;  // by name, as listed
  // The rows of this cycle's tables, their capacity kept.
  std::vector<parse::BcachefsRow<parse::BcachefsCompression>> compression_;
  std::vector<parse::BcachefsRow<parse::BcachefsError>> errors_;
  std::vector<parse::BcachefsRow<parse::BcachefsBtreeWrite>> writes_;
  std::vector<parse::BcachefsIoDoneRow> io_done_;
  std::vector<parse::BcachefsRow<uint64_t>> io_errors_;
  std::string text_;  // the table file read last (ReadRows), rows view it
  std::string buf_;   // a label value made valid UTF-8
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
