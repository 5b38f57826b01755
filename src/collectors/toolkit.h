// The one toolkit collectors are written with: file and directory readers
// (a result carrying the data or the errno, and throwing conveniences whose
// CollectError names the path), regex name filters, and FamilySet.
//
// "No data here" (node_exporter's ErrNoData: absent hardware, a missing
// class directory, an absent or denied file anywhere in a required tree) is
// a return value, never an exception: ListOrNoData, DirOrNoData and
// AttrOrNoData return nullopt, the reader returns nullopt in turn, and the
// collector returns no families.
#ifndef HOST_EXPORTER_COLLECTORS_TOOLKIT_H_
#define HOST_EXPORTER_COLLECTORS_TOOLKIT_H_

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <memory_resource>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "host_exporter/collector.h"
#include "host_exporter/family.h"
#include "parse/parse_util.h"

namespace host_exporter {

// --- Files -----------------------------------------------------------------

/// A file's contents, or the errno of the failed open or read (data empty
/// then).
struct FileRead {
  std::string data;
  int error = 0;  ///< 0 on success
  bool ok() const { return error == 0; }
  /// ENOENT or ENOTDIR: the file (or a directory on its path) is absent.
  bool missing() const;
  /// The data; throws CollectError("<path>: <strerror>") on an error.
  std::string& Value(const std::string& path) &;
  std::string Value(const std::string& path) &&;
  /// The data, or nullopt if the file does not exist (ENOENT: node_exporter's
  /// "no data" for a hardware attribute); throws CollectError naming `path`
  /// on any other error.
  std::optional<std::string> OrNoData(const std::string& path) &&;
};

/// Reads `path` until EOF (limit 0) or with one read of at most `limit`
/// bytes. Procfs files (not /proc/<pid>/ ones but PID 1's) and sysfs files
/// under devices/system/ stay open for the next call, which reads them again
/// with pread(2) instead of paying for open and close (within the TryKeepFds
/// budget); so do those whose read fails with an error of the attribute
/// rather than of the file (EINVAL, ENODATA, EOPNOTSUPP, EIO, EAGAIN, EBUSY:
/// the error is returned each time, without an open and close). A kept
/// descriptor whose read fails otherwise (ENODEV: the device is gone) is
/// closed and the file opened afresh. Inside a DirStampScope (collector.h)
/// the other files below the procfs and sysfs roots are kept too, under
/// their directory's stamp.
FileRead ReadPath(const std::string& path, size_t limit = 0);

/// ReadPath into *out, a buffer the caller keeps between cycles (cleared
/// first, its capacity kept: a steady read allocates nothing), with exactly
/// ReadPath's rules for which descriptors stay open. 0, or the errno of the
/// failed open or read (*out empty then). For a collector that reads the
/// same files every cycle and parses them into what it keeps; thread-safe
/// as ReadPath (the buffer is the caller's).
int ReadPathInto(const std::string& path, std::string* out, size_t limit = 0);

/// ReadPath for a procfs file of records (a seq_file such as
/// /proc/net/udp) whose records are at most `record_max` bytes: the kernel
/// fills a read's page with whole records, so a first read that leaves room
/// in its page for one more is the whole file, and no second read is spent
/// on finding the end (for /proc/net/udp a second walk of every slot of
/// UDP's hash table).
FileRead ReadRecords(const std::string& path, size_t record_max);

/// What tells one directory from another across cycles: its device, inode
/// and change time. A renamed or re-created directory (a network interface)
/// is another one, and one where a file was added or removed has another
/// change time.
struct DirStamp {
  dev_t dev = 0;
  ino_t ino = 0;
  struct timespec ctime {};
  static DirStamp Of(const struct stat& st) {
    return {st.st_dev, st.st_ino, st.st_ctim};
  }
  bool operator==(const DirStamp& o) const {
    return dev == o.dev && ino == o.ino && ctime.tv_sec == o.ctime.tv_sec &&
           ctime.tv_nsec == o.ctime.tv_nsec;
  }
};

/// What tells one version of a file from another across cycles without
/// reading it: its device, inode, size and modification time (a file
/// replaced by rename(2) has another inode, one rewritten in place another
/// size or mtime), as node_exporter's os collector checks os-release.
struct FileStamp {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  struct timespec mtime {};
  static FileStamp Of(const struct stat& st) {
    return {st.st_dev, st.st_ino, st.st_size, st.st_mtim};
  }
  bool operator==(const FileStamp& o) const {
    return dev == o.dev && ino == o.ino && size == o.size &&
           mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec;
  }
};

/// The stat(2) of `path` as a FileStamp, or the errno of the failure.
struct StampResult {
  FileStamp stamp;
  int error = 0;
};
StampResult StampOf(const std::string& path);

/// ReadPath for a file of a directory that may be renamed or re-created (a
/// sysfs device such as /sys/class/net/<iface>/), whose DirStamp the caller
/// took this cycle: the descriptor is kept between calls (in the same cache
/// and budget as ReadPath's) while the stamp stays the one it was opened
/// under, and opened afresh once it differs. Failed reads are kept or not
/// as ReadPath's (a virtual interface's speed, EINVAL, stays open).
FileRead ReadPathStamped(const std::string& path, const DirStamp& stamp,
                         size_t limit = 0);

/// Closes the kept descriptors of the files below `dir` (a directory that
/// is gone: its files will not be read again).
void ForgetKeptUnder(const std::string& dir);

/// How many descriptors of files below `dir` are kept (for tests).
size_t CountKeptUnder(const std::string& dir);

/// Closes and forgets the files kept under their directory's stamp
/// (DirStampScope) that were not read for `idle` or longer (a device that
/// is gone, never read again). ReadPath does this itself once a minute for
/// those not read for ten minutes; for tests.
void CloseKeptIdleFor(std::chrono::seconds idle);

/// The whole file with open, read and close, bypassing the descriptor cache
/// of ReadPath: for the many files read once a cycle that are never kept
/// (the cgroup collector's thousands of cgroupfs files would fill the
/// cache's table of paths and cost an fstatfs each).
FileRead ReadUncached(const std::string& path);

/// The whole file, like Go's os.ReadFile.
inline FileRead ReadWhole(const std::string& path) { return ReadPath(path); }

/// One read(2) of at most 128 bytes, untrimmed (node_exporter's hwmon
/// sysReadFile, which never blocks on a broken driver).
inline FileRead ReadOnce(const std::string& path) {
  return ReadPath(path, 128);
}

/// One read(2) of at most 128 bytes with surrounding white space trimmed,
/// like procfs' util.SysReadFile (longer attributes are cut at 128 bytes,
/// as in node_exporter).
FileRead ReadAttr(const std::string& path);

/// The whole file; throws CollectError("<path>: <strerror>") on failure.
inline std::string ReadFile(const std::string& path) {
  return ReadPath(path).Value(path);
}

/// The whole file, or nullopt if it is missing (ENOENT, ENOTDIR); other
/// errors throw CollectError naming the path.
std::optional<std::string> ReadFileIfExists(const std::string& path);

/// A procfs mount table (`<procfs>/1/mountinfo`, `mounts`) read again only
/// when it may have changed. Its descriptor is kept open (within the
/// TryKeepFds budget), and poll(2) of it reports a mount, unmount or
/// remount in its mount namespace since the last poll as POLLPRI (proc(5)):
/// a cycle without one costs a poll, not the kernel's formatting of every
/// mount (about 40 us here) and the parse. A table not on procfs (a fixture
/// tree) is read every time.
class KeptMountTable {
 public:
  KeptMountTable() = default;
  KeptMountTable(const KeptMountTable&) = delete;
  KeptMountTable& operator=(const KeptMountTable&) = delete;
  ~KeptMountTable() { Forget(); }

  /// Reads `path` into *text and returns true, unless it is the path of the
  /// last read, kept, and its namespace has not changed since: then false,
  /// *text untouched. The open's or read's error in FileRead's terms in
  /// *error (0 if none; *text cleared, true returned).
  bool Read(const std::string& path, std::string* text, int* error);
  /// Closes the descriptor: the next Read() reads (after a parse error).
  void Forget();

 private:
  int fd_ = -1;
  std::string path_;
};

/// How ReadRegularFile() ended.
enum class ReadOutcome { kOk, kError, kNotRegular, kTooBig };

/// Reads a regular file without ever blocking: opens it O_NONBLOCK (a FIFO
/// or a device is never waited on; `extra_open_flags` such as O_NOFOLLOW are
/// added), checks with fstat that it is a regular file, and reads at most
/// `max_size` bytes (0 = no limit; a file that grows past it while being
/// read counts as too big). *why gets "is a FIFO", "larger than N bytes" or
/// the strerror text; *st (if given) the fstat result. Used for the config
/// files and textfiles.
ReadOutcome ReadRegularFile(const std::string& path, uint64_t max_size,
                            int extra_open_flags, std::string* content,
                            struct stat* st, std::string* why);

/// "a directory", "a FIFO", "a socket", "a character device", ...
const char* FileKind(unsigned mode);

/// Throws CollectError("<path>: <strerror(error)>").
[[noreturn]] void ThrowErrno(const std::string& path, int error);

/// The budget of descriptors collectors keep open between cycles (the
/// readers' procfs, sysfs and stamped files): a quarter of
/// RLIMIT_NOFILE's soft limit at the first call, at most 4096. TryKeepFds(n)
/// takes n from it if they fit; ReleaseKeptFds(n) gives them back.
bool TryKeepFds(size_t n);
void ReleaseKeptFds(size_t n);

/// Closes a file descriptor when it goes out of scope.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ~ScopedFd();
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// --- Directories and paths -------------------------------------------------

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

/// open(2) of directory `path` (O_DIRECTORY, following a symlink to it,
/// close-on-exec): the descriptor, or minus the errno of the failure.
int OpenDir(const std::string& path);

/// One directory entry with its own (lstat) kind, as Go's os.ReadDir.
struct DirEntry {
  std::string name;
  Kind kind = Kind::kNone;
};

/// Calls each(ctx, name, kind) for every entry of directory `fd` from its
/// current offset but "." and "..", in the order the kernel lists them
/// (getdents64(2): opendir(3) would add an fstat(2)), `name` viewing the
/// read buffer; `kind` is the entry's own (lstat) kind, an entry of unknown
/// type (DT_UNKNOWN) lstat'ed relative to the directory. 0, or the errno of
/// the failed listing (some entries may have been given then). The one
/// directory reader of the toolkit: ReadDir, DirListing and
/// ForEachDirEntry() are made with it.
int ListFd(int fd, void (*each)(void* ctx, std::string_view name, Kind kind),
           void* ctx);

/// Calls f(name, kind) for every entry of directory `dir` (following a
/// symlink to it) but "." and "..", unsorted, without making a string of a
/// name (ListFd's rules): for a collector that only looks for names or
/// compares them with those it keeps. 0, or the errno of the failed open or
/// listing (some entries may have been given then).
template <typename F>
int ForEachDirEntry(const std::string& dir, F&& f) {
  const int fd = OpenDir(dir);
  if (fd < 0) return -fd;
  ScopedFd closer(fd);
  return ListFd(
      fd,
      [](void* ctx, std::string_view name, Kind kind) {
        (*static_cast<std::remove_reference_t<F>*>(ctx))(name, kind);
      },
      &f);
}

/// A directory's entries (names and kinds, sorted by name, as ReadDir()
/// lists them) read each cycle into storage kept from the last: once it has
/// grown to the directory, a listing allocates nothing. A plan a collector
/// made from one listing holds while the next is equal to it (operator==;
/// copying one listing into another reuses the target's storage). A
/// collector's own state; not thread-safe.
class DirListing {
 public:
  /// An entry; `name` views the listing's storage until its next read.
  struct Entry {
    std::string_view name;
    Kind kind = Kind::kNone;
  };

  /// Lists `path` (following a symlink to it): 0, or the errno of the
  /// failed open or listing (the listing is empty then).
  int Read(const std::string& path);
  /// Lists directory `fd` from its current offset (KeptDir::List); 0 or
  /// the errno (empty then).
  int ReadFd(int fd);
  /// Empties the listing (its storage kept).
  void clear() {
    names_.clear();
    items_.clear();
  }

  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  std::string_view name(size_t i) const { return View(items_[i]); }
  Kind kind(size_t i) const { return items_[i].kind; }
  Entry operator[](size_t i) const { return {name(i), kind(i)}; }

  /// Iterates over the entries in order (each an Entry by value).
  class Iterator {
   public:
    Iterator(const DirListing* l, size_t i) : l_(l), i_(i) {}
    Entry operator*() const { return (*l_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const Iterator& o) const { return i_ == o.i_; }

   private:
    const DirListing* l_;
    size_t i_;
  };
  Iterator begin() const { return {this, 0}; }
  Iterator end() const { return {this, items_.size()}; }

  /// The same names with the same kinds, in the same order.
  bool operator==(const DirListing& o) const;

 private:
  struct Item {
    size_t offset, size;
    Kind kind;
  };
  std::string_view View(const Item& item) const {
    return std::string_view(names_).substr(item.offset, item.size);
  }
  std::string names_;
  std::vector<Item> items_;
};

/// A directory's entries sorted by name, or the errno of the failure.
struct DirRead {
  std::vector<DirEntry> entries;
  int error = 0;
  bool ok() const { return error == 0; }
};

/// Lists a directory (following a symlink to it), like Go's os.ReadDir.
DirRead ReadDir(const std::string& path);

/// ReadDir() into *entries, a vector kept between cycles whose strings are
/// assigned to: a listing like the last one allocates nothing. For a
/// collector that keeps DirEntry's (a listing it compares with the last by
/// name); DirListing keeps less. 0, or the errno (*entries empty then).
int ReadDirInto(const std::string& path, std::vector<DirEntry>* entries);

/// The names in a directory, sorted; none if it is missing (ENOENT,
/// ENOTDIR); other errors throw CollectError naming it.
std::vector<std::string> ListDir(const std::string& path);

/// ListDir's entries with their kinds (from the listing: no stat(2) each).
std::vector<DirEntry> ListEntries(const std::string& path);

/// A class directory's entries (ReadDir) where its absence means "no such
/// hardware": nullopt if it does not exist (or, with `denied_is_no_data`,
/// may not be read: EACCES, EPERM), and the collector then returns no
/// families; throws CollectError naming it on any other failure.
std::optional<std::vector<DirEntry>> ListOrNoData(
    const std::string& dir, bool denied_is_no_data = false);

/// A directory kept open across cycles whose entries are devices that may be
/// renamed or re-created (a class directory: /sys/class/net, /sys/block):
/// their DirStamps are taken relative to its descriptor, so the kernel walks
/// one component instead of every one of the full path (and the symlink
/// into /sys/devices/), and it is listed again from offset 0 instead of
/// being opened. The descriptor itself is revalidated once a cycle by Refresh()
/// with one stat(2) of the full path, as a DirStamp was taken before: another
/// directory there (renamed, re-created) is opened anew. One instance per
/// collector; not thread-safe.
class KeptDir {
 public:
  KeptDir() = default;
  ~KeptDir();
  KeptDir(const KeptDir&) = delete;
  KeptDir& operator=(const KeptDir&) = delete;

  /// Checks that `path` is still the directory kept (device and inode),
  /// and opens it (again) if not; 0, or the errno of the failed stat or
  /// open (nothing is kept then, and the other calls fail with it).
  int Refresh(const std::string& path);

  /// The entries, sorted, as ReadDir() lists them; the error of Refresh().
  DirRead List();
  /// The entries into *listing (its storage kept: a steady cycle allocates
  /// nothing), listed again from offset 0; 0, or the error of Refresh() or
  /// of the listing (*listing empty then).
  int List(DirListing* listing);
  /// Refresh(path) and List(listing): a class directory listed each cycle
  /// into kept storage, its descriptor kept while `path` is the same
  /// directory; 0 or the errno of either (*listing empty then).
  int List(const std::string& path, DirListing* listing);

  /// Refresh(path) and List() with ListOrNoData()'s rules: nullopt if the
  /// directory does not exist (or, with `denied_is_no_data`, may not be
  /// read); throws CollectError naming `path` on any other failure.
  std::optional<std::vector<DirEntry>> ListOrNoData(
      const std::string& path, bool denied_is_no_data = false);

  /// The stamp of entry `name` (a device), or the errno of the failure. On
  /// sysfs, where an entry is a symlink into /sys/devices/ whose target is
  /// fixed for its life and whose inode number is never reused, the
  /// symlink's own stamp (lstat): a renamed or re-created device has another
  /// symlink under that name. Elsewhere (a fixture tree) the stamp of the
  /// directory `name` leads to, or of `name`/`below` if `below` is given
  /// (diskstats' queue directory), as stat(2) of the full path gave it.
  /// Allocates nothing (a relative path of `name`/`below` longer than
  /// PATH_MAX is ENAMETOOLONG, as stat(2) would say).
  int Stamp(const std::string& name, DirStamp* out,
            std::string_view below = {}) const;

  /// The FileStamp of file `name` in the directory (stat(2) relative to
  /// it), or the errno of the failure (StampOf() of the full path).
  StampResult FileStampOf(const std::string& name) const;

 private:
  void Close();
  int fd_ = -1;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  bool sysfs_ = false;
  int error_ = EBADF;
};

/// The stamps (KeptDir::Stamp) of a class directory's entry and of
/// directories below it, taken when a collector planned the entry from
/// their listings (a chip's sensor files, a host's statistics, a device's
/// ports and counters): the plan holds while each stamp, or the error of
/// taking it, is the same. On sysfs every stamp is the entry's symlink's,
/// fixed for the device's life; in a fixture tree each directory's, whose
/// change time tells a file added or removed.
class EntryStamps {
 public:
  /// Takes the stamps of entry `name` and of each of `below` ("" is the
  /// entry itself), replacing those held.
  void Take(const KeptDir& dir, const std::string& name,
            std::initializer_list<std::string_view> below);
  /// Takes the stamp of one more directory below it (a port's counters/).
  void Add(const KeptDir& dir, const std::string& name, std::string below);
  /// Whether every stamp is as taken (false before the first Take()).
  bool Same(const KeptDir& dir, const std::string& name) const;

 private:
  struct Stamped {
    std::string below;
    DirStamp stamp;
    int error = 0;
  };
  std::vector<Stamped> stamps_;
};

/// What a parser made of a file that rarely changes (os-release, a udev
/// database file), kept across cycles while the file's FileStamp holds: a
/// cycle then costs one stat(2) instead of an open, reads, a close and the
/// parse. One instance per file; not thread-safe (a collector's own state).
template <typename T>
class StampedFile {
 public:
  /// parse(text) of `path`'s contents, read and parsed again only when the
  /// file's stamp differs from the one it was read under; nullptr if the
  /// file is missing (ENOENT, ENOTDIR). Another error throws CollectError
  /// naming the path; what `parse` throws passes through. Either way nothing
  /// is kept. The pointer is valid until the next call.
  template <typename Parse>
  const T* Get(const std::string& path, Parse&& parse) {
    return Get(StampOf(path), path, std::forward<Parse>(parse));
  }
  /// The same for file `name` of a kept directory (`path` is its full path):
  /// the stamp is taken relative to it (KeptDir::FileStampOf), one component
  /// walked; `dir` was refreshed this cycle.
  template <typename Parse>
  const T* Get(const KeptDir& dir, const std::string& name,
               const std::string& path, Parse&& parse) {
    return Get(dir.FileStampOf(name), path, std::forward<Parse>(parse));
  }

 private:
  template <typename Parse>
  const T* Get(const StampResult& st, const std::string& path, Parse&& parse) {
    if (st.error == 0 && stamp_ && *stamp_ == st.stamp) return &value_;
    stamp_.reset();
    if (st.error == ENOENT || st.error == ENOTDIR) return nullptr;
    if (st.error != 0) ThrowErrno(path, st.error);
    std::optional<std::string> text = ReadFileIfExists(path);
    if (!text) return nullptr;
    value_ = parse(*text);
    stamp_ = st.stamp;  // taken before the read: a change after it is seen
    return &value_;
  }

  std::optional<FileStamp> stamp_;
  T value_{};
};

/// True for the errnos that mean "no data here" anywhere in a tree whose
/// every file is required (ENOENT, ENOTDIR, EACCES, EPERM): node_exporter's
/// collectors that return ErrNoData when their library's error is
/// os.ErrNotExist or os.ErrPermission, wherever in the tree it came from
/// (dmmultipath, nvmesubsystem).
bool IsAbsentOrDenied(int error);

/// The trimmed attribute (ReadAttr, procfs' util.SysReadFile), or nullopt if
/// it is absent or denied (IsAbsentOrDenied: no data here); throws
/// CollectError naming it on any other error. A reader of such a tree
/// returns nullopt as soon as one of its parts does, and the collector then
/// returns no families.
std::optional<std::string> AttrOrNoData(const std::string& path);

/// A directory's entries in such a tree (ReadDir), or nullopt if it is
/// absent or denied (IsAbsentOrDenied); throws CollectError naming it on any
/// other failure.
std::optional<std::vector<DirEntry>> DirOrNoData(const std::string& dir);

/// True if `name` matches the glob "<prefix>[0-9]*" (cpu3, node0,
/// clocksource1, ...).
inline bool IsPrefixDigit(std::string_view name, std::string_view prefix) {
  return name.size() > prefix.size() && name.starts_with(prefix) &&
         name[prefix.size()] >= '0' && name[prefix.size()] <= '9';
}

/// The names in `dir` matching the glob "<prefix>[0-9]*", sorted; none if
/// `dir` cannot be read (Go's filepath.Glob ignores I/O errors).
std::vector<std::string> GlobDigit(const std::string& dir,
                                   std::string_view prefix);

/// The entries of `dir`, sorted, as Go's filepath.Glob("<dir>/*") finds
/// them: none if `dir` cannot be read.
inline std::vector<DirEntry> GlobAll(const std::string& dir) {
  return ReadDir(dir).entries;
}

/// The path with every symlink resolved (realpath(3)), or nullopt.
std::optional<std::string> RealPath(const std::string& path);

// --- Parsing helpers -------------------------------------------------------

/// A count read as an integer, as the double a sample holds.
template <typename T>
double ToDouble(T v) {
  return static_cast<double>(v);
}

/// Throws CollectError("<path>: <error>") if a parser returned an error
/// (a parser that returns its error rather than a parse::Result).
inline void ThrowParseError(const std::string& error, const std::string& path) {
  if (!error.empty()) throw CollectError(path + ": " + error);
}

/// Turns a parser's error into a CollectError naming the file.
template <typename T>
T Unwrap(parse::Result<T> r, const std::string& path) {
  if (!r.ok()) ThrowParseError(r.error, path);
  return std::move(r.value);
}

// --- Filters ---------------------------------------------------------------

/// A regex over names from a collector flag, searched unanchored as Go's
/// regexp.MatchString (node_exporter's default patterns are anchored with
/// ^$ where they need it). One rule: an EMPTY PATTERN IS NO FILTER, it
/// includes every name and excludes none. A flag whose node_exporter meaning
/// differs for the empty pattern (cpu's flags-include: no info at all; the
/// ignored-devices flags of netclass, powersupply and tapestats, and
/// filesystem's mount-points-exclude and fs-types-exclude: Go's empty regexp
/// matches, so everything is left out) checks active() itself.
/// Answers are memoized per scheduler thread (EnableMatchCacheForThisThread).
class Filter {
 public:
  /// No filter.
  Filter() = default;
  /// Compiles the value of flag `flag`; throws std::invalid_argument naming
  /// the flag on a bad pattern (at start-up, never at collection time).
  Filter(const std::string& flag, const std::string& pattern);

  /// False for the empty pattern.
  bool active() const { return re_.has_value(); }
  /// True if there is no pattern or it matches somewhere in `s`.
  bool Includes(const std::string& s) const { return !re_ || Search(s); }
  /// True if there is a pattern and it matches somewhere in `s`.
  bool Excludes(const std::string& s) const { return re_ && Search(s); }

 private:
  bool Search(const std::string& s) const;
  std::optional<std::regex> re_;
};

/// A collector's pair of include and exclude flags (`--collector.arp.
/// device-include` and `-exclude`, ...): a name is kept when the include
/// pattern, if any, matches it and the exclude pattern, if any, does not.
class NameFilter {
 public:
  /// Whether both patterns may be given (node_exporter 1.5's arp accepts
  /// both despite its help text) or only one, refused before the patterns
  /// are compiled (qdisc) or after (interrupts: a bad pattern is named
  /// first), in node_exporter's order.
  enum class Both { kAllowed, kRefused, kRefusedOnceCompiled };

  NameFilter() = default;
  /// Compiles the flags "<prefix>include" and "<prefix>exclude" of `options`
  /// (prefix "collector.arp.device-": --collector.arp.device-include and
  /// --collector.arp.device-exclude; Filter's errors). With `old_prefix`,
  /// the flags of a deprecated spelling stand in for them (FilterPattern,
  /// with the empty pattern as the default). Both patterns given where
  /// `both` refuses them throw std::invalid_argument naming the flags they
  /// came from.
  NameFilter(const CollectorOptions& options, std::string_view prefix,
             Both both = Both::kAllowed, std::string_view old_prefix = {});

  bool Keeps(const std::string& s) const {
    return include_.Includes(s) && !exclude_.Excludes(s);
  }

 private:
  Filter include_;
  Filter exclude_;
};

/// The pattern of a filter flag with a deprecated alias, and the flag it
/// came from (for error messages): the old flag stands in for the new one
/// unless that was changed from its default too (node_exporter refuses both
/// given explicitly; we cannot tell an explicit default apart). Both changed
/// throws std::invalid_argument naming them.
std::pair<std::string, std::string> FilterPattern(
    const CollectorOptions& options, const std::string& flag,
    const std::string& old_flag, std::string_view default_value);

// --- Families --------------------------------------------------------------

/// A family of a table: its name, help and type (FamilySet::Handles).
struct FamilyDef {
  const char* name;
  const char* help;
  prometheus::MetricType type;
};

/// The one way a collector builds its output. A collector asks the set for
/// a family once (a handle: `auto& f = set.Gauge(name, help);`) and adds its
/// series to the handle (`f.Add(labels, value)`): no lookup per series.
/// Families may be asked for in any order and more than once (the same
/// handle is returned); the output is sorted by name. A family asked for
/// with a help or type that differs from the first request gets a handle
/// whose series are dropped, as client_golang's registry drops a metric
/// inconsistent with its family (hwmon can make such pairs: "in0" and
/// "in1_input" both give node_hwmon_in_volts, with different helps).
/// Families without series are not output.
class FamilySet {
 public:
  /// Within a collector's run (FamilyPool::Scope, the scheduler's), the
  /// first set takes the collector's FamilyPool: what it learned last run
  /// and the families the last snapshots handed back. Otherwise the set
  /// keeps its own (a set used again after Take() learned from its last
  /// run) and takes recycled families from the global pool.
  FamilySet();
  ~FamilySet();
  // Handles point into the kept builders.
  FamilySet(const FamilySet&) = delete;
  FamilySet& operator=(const FamilySet&) = delete;

  /// The family `name`, created on first request (the name and help are
  /// copied then only: a table's `const char*` makes no string per call).
  FamilyBuilder& Family(std::string_view name, std::string_view help,
                        prometheus::MetricType type);
  /// Shorthands for the three types.
  FamilyBuilder& Gauge(std::string_view name, std::string_view help) {
    return Family(name, help, prometheus::MetricType::Gauge);
  }
  FamilyBuilder& Counter(std::string_view name, std::string_view help) {
    return Family(name, help, prometheus::MetricType::Counter);
  }
  FamilyBuilder& Untyped(std::string_view name, std::string_view help) {
    return Family(name, help, prometheus::MetricType::Untyped);
  }
  /// The handles of a table's families, in its order: each element has a
  /// name, a help and a type (FamilyDef, FieldFamily, ...). With structured
  /// bindings: `auto [size, free] = set.Handles(kFamilies);`.
  template <typename Def, size_t N>
  std::array<FamilyBuilder*, N> Handles(const Def (&table)[N]) {
    return HandlesOf<N>(table);
  }
  template <typename Def, size_t N>
  std::array<FamilyBuilder*, N> Handles(const std::array<Def, N>& table) {
    return HandlesOf<N>(table.data());
  }
  /// Moves the families with series out, sorted by name; the set is empty
  /// afterwards (handles taken before are no longer valid).
  Families Take();

 private:
  template <size_t N, typename Def>
  std::array<FamilyBuilder*, N> HandlesOf(const Def* table) {
    std::array<FamilyBuilder*, N> out;
    for (size_t i = 0; i < N; ++i) {
      out[i] = &Family(table[i].name, table[i].help, table[i].type);
    }
    return out;
  }
  // Builder j, or dropped_ if asked with another help or type.
  FamilyBuilder& Check(uint32_t j, std::string_view help,
                       prometheus::MetricType type);
  // A new builder j = used_ called `name`.
  FamilyBuilder& Create(std::string_view name, std::string_view help,
                        prometheus::MetricType type);
  // The lookup once the calls differ from last run's.
  FamilyBuilder& Find(std::string_view name, std::string_view help,
                      prometheus::MetricType type);
  // Records what this run asked (for the next) and resets for a new run.
  void Finish();

  // The collector's pool (pool_ set) or the set's own memory.
  FamilyPool* pool_ = nullptr;
  std::unique_ptr<FamilyPool::Kept> own_;
  FamilyPool::Kept* kept_;
  size_t used_ = 0;      // builders of this run: kept_->builders[0, used_)
  size_t call_ = 0;      // calls of this run
  bool in_sync_ = true;  // every call so far asked what last run's did
  // Builder index by name, built when the calls leave last run's order;
  // its nodes come from a buffer of the set's own.
  std::array<std::byte, 1024> buffer_;
  std::pmr::monotonic_buffer_resource arena_{buffer_.data(), buffer_.size()};
  std::pmr::unordered_map<std::string_view, uint32_t> index_{&arena_};
  // Where an inconsistent request's series go (cleared by Take()).
  FamilyBuilder dropped_{"", "", prometheus::MetricType::Untyped};
};

// --- Families from tables ------------------------------------------------

/// A source of values (a file, a statistic) and the family it becomes, for
/// tables that map one to the other.
struct SourceFamily {
  const char* source;
  const char* name;
  const char* help;
};

/// The family types, short for tables.
inline constexpr prometheus::MetricType kGauge = prometheus::MetricType::Gauge;
inline constexpr prometheus::MetricType kCounter =
    prometheus::MetricType::Counter;
inline constexpr prometheus::MetricType kUntyped =
    prometheus::MetricType::Untyped;

/// One family whose series are a field of a struct T, for collectors that
/// list their families once, in a table, rather than one statement each.
template <typename T>
struct FieldFamily {
  const char* name;
  const char* help;
  prometheus::MetricType type;
  double (*value)(const T&);  ///< FieldOf<&T::member>, or a function
  double scale = 1;           ///< the value is multiplied by it,
  double divisor = 1;         ///< then divided by this
};

/// A member of a struct as a double: `FieldOf<&T::member>` is a
/// FieldFamily<T>'s value.
template <auto kMember, typename T>
double FieldOf(const T& t) {
  return static_cast<double>(t.*kMember);
}

/// Adds a series with `labels` to each family of `table`, its value taken
/// from `from`.
template <typename T, size_t N, typename L>
void AddFieldsWith(FamilySet* out, const FieldFamily<T> (&table)[N],
                   const T& from, const L& labels) {
  for (const FieldFamily<T>& f : table) {
    out->Family(f.name, f.help, f.type)
        .Add(labels, f.value(from) * f.scale / f.divisor);
  }
}
template <typename T, size_t N>
void AddFields(FamilySet* out, const FieldFamily<T> (&table)[N], const T& from,
               const Labels& labels) {
  AddFieldsWith(out, table, from, labels);
}
/// The same for a braced list of label views (nothing allocated for them).
template <typename T, size_t N>
void AddFields(FamilySet* out, const FieldFamily<T> (&table)[N], const T& from,
               LabelViews labels) {
  AddFieldsWith(out, table, from, labels);
}

// --- Collectors of untyped fields -----------------------------------------

/// One field of a file of counters: `name` in `group` (a protocol of
/// /proc/net/snmp; empty for a file without groups, such as /proc/vmstat)
/// and the text of its value (a number: its parser checked it), viewed in
/// the file's contents as its reader keeps them. Its key is
/// "<group>_<name>", or "<name>" without a group.
using UntypedField = parse::CounterView;

/// Appends this cycle's fields, read under `paths`, to *out (empty, its
/// capacity kept from the last cycle), viewing the files' contents that the
/// reader keeps until its next call; throws CollectError naming the file at
/// fault.
using UntypedFieldReader =
    std::function<void(const HostPaths& paths, std::vector<UntypedField>* out)>;
/// The help of a field's family, from its group and name.
using UntypedFieldHelp =
    std::function<std::string(std::string_view group, std::string_view name)>;

/// What a key given twice in one cycle becomes.
enum class RepeatedKey {
  kLast,  ///< one series, of its last value (netstat: node_exporter's maps)
  kEach,  ///< a series each, of which the snapshot keeps the first and
          ///< warns (vmstat: node_exporter's registry reports the second)
};

/// node_exporter's netstat and vmstat collectors: one untyped family per
/// field, "<prefix><key>" with one unlabelled series, for the keys that its
/// --collector.<name>.fields regex (`fields`) includes. A key's family name,
/// help and inclusion are worked out once and kept; a field at the position
/// its key had last cycle is matched by comparing it with that key, and the
/// values of the fields left out are never converted.
std::unique_ptr<Collector> UntypedFieldsCollector(std::string prefix,
                                                  Filter fields,
                                                  UntypedFieldReader read,
                                                  UntypedFieldHelp help,
                                                  RepeatedKey repeated);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_COLLECTORS_TOOLKIT_H_
