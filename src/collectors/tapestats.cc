// tapestats: node_tape_* per SCSI tape drive st<N> from
// /sys/class/scsi_tape/st<N>/stats/, as node_exporter 1.5 reads them
// (prometheus/procfs 0.8 SCSITapeClass). The non-rewinding and mode
// aliases (nst0, st0a, ...) are skipped; a statistic whose file is missing
// reads 0; times are nanoseconds.
//
// No /sys/class/scsi_tape, or a drive without stats/: no families. Where
// node_exporter crashes on a malformed statistic, this collector fails the
// scrape.
#include <array>
#include <cerrno>
#include <map>
#include <string>
#include <vector>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::tapestats {
namespace {

constexpr char kTapeIgnored[] = "collector.tapestats.ignored-devices";

// ^st[0-9]+$
bool IsTapeName(const std::string& name) {
  if (name.size() < 3 || !name.starts_with("st")) return false;
  for (size_t i = 2; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
  }
  return true;
}

// The files of stats/ and their families, as node_exporter 1.5 exposes
// them; times are nanoseconds, exposed as seconds (scale).
struct TapeStat {
  const char* file;
  const char* family;
  const char* help;
  prometheus::MetricType type;
  double scale;
};
constexpr double kNs = 0.000000001;
constexpr TapeStat kStats[] = {
    {"in_flight", "node_tape_io_now",
     "The number of I/Os currently outstanding to this device.", kGauge, 1},
    {"io_ns", "node_tape_io_time_seconds_total",
     "The amount of time spent waiting for all I/O to complete (including "
     "read and write). This includes tape movement commands such as seeking "
     "between file or set marks and implicit tape movement such as when "
     "rewind on close tape devices are used.",
     kCounter, kNs},
    {"other_cnt", "node_tape_io_others_total",
     "The number of I/Os issued to the tape drive other than read or write "
     "commands. The time taken to complete these commands uses the following "
     "calculation "
     "io_time_seconds_total-read_time_seconds_total-write_time_seconds_total",
     kCounter, 1},
    {"read_byte_cnt", "node_tape_read_bytes_total",
     "The number of bytes read from the tape drive.", kCounter, 1},
    {"read_cnt", "node_tape_reads_completed_total",
     "The number of read requests issued to the tape drive.", kCounter, 1},
    {"read_ns", "node_tape_read_time_seconds_total",
     "The amount of time spent waiting for read requests to complete.",
     kCounter, kNs},
    // node_exporter 1.5's help, typo included.
    {"resid_cnt", "node_tape_residual_total",
     "The number of times during a read or write we found the residual amount "
     "to be non-zero. This should mean that a program is issuing a read "
     "larger thean the block size on tape. For write not all data made it to "
     "tape.",
     kCounter, 1},
    {"write_byte_cnt", "node_tape_written_bytes_total",
     "The number of bytes written to the tape drive.", kCounter, 1},
    {"write_cnt", "node_tape_writes_completed_total",
     "The number of write requests issued to the tape drive.", kCounter, 1},
    {"write_ns", "node_tape_write_time_seconds_total",
     "The amount of time spent waiting for write requests to complete.",
     kCounter, kNs},
};

constexpr size_t kStatCount = std::size(kStats);

// A drive as listed when first seen (or when its stamps changed): the paths
// of its stats/ files and which statistic each is. The st driver registers
// a drive's statistics with its class device, so they stay while it lives:
// on sysfs its class symlink's stamp is fixed for that life
// (KeptDir::Stamp), elsewhere (a fixture tree) the directories' change
// times tell a file added or removed. A cycle reads the values only.
struct Tape {
  EntryStamps stamps;      // of the drive and its stats/
  bool has_stats = false;  // stats/ exists
  struct File {
    std::string path;
    int stat;  // index in kStats, or -1 (read, as procfs does, not kept)
  };
  std::vector<File> files;                    // stats/'s regular files, by name
  std::array<uint64_t, kStatCount> values{};  // this cycle's
  bool ignored = false;  // by the ignored-devices pattern (its name's)
  bool seen = false;
};

class TapestatsCollector : public Collector {
 public:
  explicit TapestatsCollector(const CollectorOptions& o)
      : ignored_(kTapeIgnored, o.Get(kTapeIgnored)) {}

  Families Collect(const HostPaths& paths) override {
    if (root_.empty() || sysfs_ != paths.sysfs) {
      sysfs_ = paths.sysfs;
      root_ = paths.Sys("class/scsi_tape");
      tapes_.clear();
    }
    const auto entries = root_dir_.ListOrNoData(root_);
    if (!entries) {
      tapes_.clear();
      return {};
    }
    FamilySet out;
    for (auto& [name, t] : tapes_) t.seen = false;
    // Every drive is read before any is exposed (procfs reads the class),
    // the ignored ones too: a drive without stats/ means no data at all.
    for (const DirEntry& e : *entries) {
      if (!IsTapeName(e.name)) continue;
      Tape& t = Plan(e.name);
      if (!t.has_stats) return {};
      Read(t);
    }
    std::erase_if(tapes_, [](const auto& kv) { return !kv.second.seen; });
    for (const auto& [name, t] : tapes_) {
      if (t.ignored) continue;
      for (size_t i = 0; i < kStatCount; ++i) {
        const TapeStat& st = kStats[i];
        out.Family(st.family, st.help, st.type)
            .Add({{"device", name}},
                 static_cast<double>(t.values[i]) * st.scale);
      }
    }
    return out.Take();
  }

 private:
  // Drive `name`, listed again if its stamps changed.
  Tape& Plan(const std::string& name) {
    auto [it, added] = tapes_.try_emplace(name);
    Tape& t = it->second;
    t.seen = true;
    // Go's empty regexp matches every name: an empty pattern ignores every
    // device (node_exporter's behaviour), unlike Filter's "no filter".
    if (added) t.ignored = !ignored_.active() || ignored_.Excludes(name);
    if (!added && t.stamps.Same(root_dir_, name)) return t;
    t.stamps.Take(root_dir_, name, {"", "stats"});
    t.files.clear();
    const std::string dir = root_ + "/" + name + "/stats";
    DirRead list = ReadDir(dir);
    t.has_stats = list.error != ENOENT;
    if (t.has_stats && !list.ok()) {
      tapes_.erase(it);
      ThrowErrno(dir, list.error);
    }
    for (const DirEntry& e : list.entries) {
      if (e.kind != Kind::kRegular) continue;
      int stat = -1;
      for (size_t i = 0; i < kStatCount; ++i) {
        if (e.name == kStats[i].file) stat = static_cast<int>(i);
      }
      t.files.push_back({dir + "/" + e.name, stat});
    }
    return t;
  }

  // This cycle's values of a drive with stats/ (0 for a missing file).
  static void Read(Tape& t) {
    t.values.fill(0);
    for (const Tape::File& file : t.files) {
      FileRead f = ReadAttr(file.path);
      // Gone since the listing: as if not listed (procfs lists each time).
      if (f.error == ENOENT) continue;
      if (!f.ok()) ThrowErrno(file.path, f.error);
      if (file.stat >= 0) {
        t.values[static_cast<size_t>(file.stat)] =
            Unwrap(parse::ParseUintAttr(f.data), file.path);
      }
    }
  }

  const Filter ignored_;
  std::string sysfs_, root_;  // class/scsi_tape, made for sysfs_
  KeptDir root_dir_;          // root_, the drives stamped in it
  std::map<std::string, Tape> tapes_;
};

}  // namespace

CollectorSpec Spec() {
  return {
      "tapestats",
      true,
      "Exposes SCSI tape device I/O statistics from "
      "/sys/class/scsi_tape.",
      {
          {kTapeIgnored, "^$", "Regexp of devices to ignore for tapestats."},
      },
      &MakeCollector<TapestatsCollector>};
}

}  // namespace host_exporter::collectors::tapestats
