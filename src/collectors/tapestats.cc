// tapestats: node_tape_* per SCSI tape drive st<N> from
// /sys/class/scsi_tape/st<N>/stats/, as node_exporter 1.5 reads them
// (prometheus/procfs 0.8 SCSITapeClass). The non-rewinding and mode
// aliases (nst0, st0a, ...) are skipped; a statistic whose file is missing
// reads 0; times are nanoseconds.
//
// No /sys/class/scsi_tape, or a drive without stats/: no families. Where
// node_exporter crashes on a malformed statistic, this collector fails the
// scrape.
#include <cerrno>
#include <map>
#include <optional>

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

class TapestatsCollector : public Collector {
 public:
  explicit TapestatsCollector(const CollectorOptions& o)
      : ignored_(kTapeIgnored, o.Get(kTapeIgnored)) {}

  Families Collect(const HostPaths& paths) override {
    const std::string root = paths.Sys("class/scsi_tape");
    const auto entries = ListOrNoData(root);
    if (!entries) return {};
    std::map<std::string, std::map<std::string, uint64_t>> tapes;
    for (const DirEntry& e : *entries) {
      if (!IsTapeName(e.name)) continue;
      auto stats = ReadStats(root + "/" + e.name + "/stats");
      if (!stats) return {};
      tapes[e.name] = std::move(*stats);
    }
    return Expose(tapes);
  }

 private:
  // The statistics of one drive, by file name (0 when missing), or nullopt
  // for no data (no stats directory).
  static std::optional<std::map<std::string, uint64_t>> ReadStats(
      const std::string& dir) {
    DirRead list = ReadDir(dir);
    if (list.error == ENOENT) return std::nullopt;
    if (!list.ok()) ThrowErrno(dir, list.error);
    std::map<std::string, uint64_t> stats;
    for (const TapeStat& st : kStats) stats[st.file] = 0;
    for (const DirEntry& e : list.entries) {
      if (e.kind != Kind::kRegular) continue;
      const std::string path = dir + "/" + e.name;
      FileRead f = ReadAttr(path);
      if (!f.ok()) ThrowErrno(path, f.error);
      if (stats.count(e.name)) {
        stats[e.name] = Unwrap(parse::ParseUintAttr(f.data), path);
      }
    }
    return stats;
  }

  Families Expose(
      std::map<std::string, std::map<std::string, uint64_t>>& tapes) const {
    FamilySet out;
    for (auto& [name, s] : tapes) {
      if (!ignored_.active() || ignored_.Excludes(name)) continue;
      const Labels labels = {{"device", name}};
      for (const TapeStat& st : kStats) {
        out.Family(st.family, st.help, st.type)
            .Add(labels, static_cast<double>(s[st.file]) * st.scale);
      }
    }
    return out.Take();
  }

  // Go's empty regexp matches every name: an empty pattern ignores every
  // device (node_exporter's behaviour), unlike Filter's "no filter".
  const Filter ignored_;
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
