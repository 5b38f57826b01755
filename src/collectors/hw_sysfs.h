// sysfs access for the hardware collectors (bcache, bonding, cpufreq, dmi,
// edac, fibrechannel, hwmon, infiniband, netclass, nvme, powersupplyclass,
// rapl, tapestats, thermal_zone). Results keep the errno, because
// node_exporter 1.5 treats each errno differently per file: skipped,
// "no such hardware" (ErrNoData) or a failed scrape.
#ifndef HOST_EXPORTER_COLLECTORS_HW_SYSFS_H_
#define HOST_EXPORTER_COLLECTORS_HW_SYSFS_H_

#include <exception>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "host_exporter/collector.h"
#include "host_exporter/family.h"

namespace host_exporter::hw {

/// Thrown inside a hardware collector where node_exporter 1.5 returns
/// ErrNoData; the collector catches it and exposes no families (a success
/// with nothing to report, as for absent hardware).
class NoData : public std::exception {
 public:
  const char* what() const noexcept override { return "no data"; }
};

/// A file's contents, or the errno of the failed open or read.
struct FileRead {
  std::string data;
  int error = 0;  ///< 0 on success
  bool ok() const { return error == 0; }
};

/// The whole file, like Go's os.ReadFile.
FileRead ReadWhole(const std::string& path);

/// One read(2) of at most 128 bytes, untrimmed (node_exporter's hwmon
/// sysReadFile, which never blocks on a broken driver).
FileRead ReadOnce(const std::string& path);

/// One read(2) of at most 128 bytes with surrounding white space trimmed,
/// like procfs' util.SysReadFile (longer attributes are cut at 128 bytes,
/// as in node_exporter).
FileRead ReadAttr(const std::string& path);

/// Throws CollectError("<path>: <strerror(error)>").
[[noreturn]] void ThrowErrno(const std::string& path, int error);

/// What lstat(2) or stat(2) says a path is.
enum class Kind { kNone, kRegular, kDirectory, kSymlink, kOther };

/// A kind, or the errno when the call failed (kind is kNone then).
struct StatResult {
  Kind kind = Kind::kNone;
  int error = 0;
};

/// lstat(2): does not follow a final symlink.
StatResult Lstat(const std::string& path);
/// stat(2): follows symlinks.
StatResult Stat(const std::string& path);

/// One directory entry with its own (lstat) kind, as Go's os.ReadDir.
struct DirEntry {
  std::string name;
  Kind kind = Kind::kNone;
};

/// A directory's entries sorted by name, or the errno of the failure.
struct DirRead {
  std::vector<DirEntry> entries;
  int error = 0;
  bool ok() const { return error == 0; }
};

/// Lists a directory (following a symlink to it), like Go's os.ReadDir.
DirRead ReadDir(const std::string& path);

/// A class directory's entries (ReadDir) where its absence means "no such
/// hardware": throws NoData if it does not exist (or, with
/// `denied_is_no_data`, may not be read: EACCES, EPERM), CollectError
/// naming it on any other failure.
std::vector<DirEntry> ListOrNoData(const std::string& dir,
                                   bool denied_is_no_data = false);

/// The names in `dir` matching the glob "<prefix>[0-9]*", sorted; none if
/// `dir` cannot be read (Go's filepath.Glob ignores I/O errors).
std::vector<std::string> GlobDigit(const std::string& dir,
                                   std::string_view prefix);

/// The path with every symlink resolved (realpath(3)), or nullopt.
std::optional<std::string> RealPath(const std::string& path);

/// A Go regexp used with MatchString, as node_exporter's ignore flags: an
/// unanchored search, and the empty pattern matches every name.
class GoPattern {
 public:
  /// Compiles the value of flag `flag`; throws std::invalid_argument naming
  /// the flag on a bad pattern.
  GoPattern(const std::string& flag, const std::string& pattern);
  /// True if the pattern matches somewhere in `s`.
  bool Matches(const std::string& s) const;

 private:
  std::optional<std::regex> re_;  ///< none for the empty pattern
};

/// Families filled in any order, output sorted by name. A series whose help
/// or type differs from the family's first one is dropped, as
/// client_golang's registry drops a metric inconsistent with its family
/// (hwmon can make such pairs: "in0" and "in1_input" both give
/// node_hwmon_in_volts, with different helps).
class FamilySet {
 public:
  /// Adds one series to the family `name`, creating it if needed.
  void Add(const std::string& name, const std::string& help,
           prometheus::MetricType type, const Labels& labels, double value);
  /// Shorthand for a gauge series.
  void Gauge(const std::string& name, const std::string& help,
             const Labels& labels, double value) {
    Add(name, help, prometheus::MetricType::Gauge, labels, value);
  }
  /// Shorthand for a counter series.
  void Counter(const std::string& name, const std::string& help,
               const Labels& labels, double value) {
    Add(name, help, prometheus::MetricType::Counter, labels, value);
  }
  /// Moves the families out, sorted by name.
  Families Take();

 private:
  struct Entry {
    FamilyBuilder builder;
    std::string help;
    prometheus::MetricType type;
  };
  std::map<std::string, Entry> families_;
};

}  // namespace host_exporter::hw

#endif  // HOST_EXPORTER_COLLECTORS_HW_SYSFS_H_
