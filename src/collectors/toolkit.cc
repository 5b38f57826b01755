#include "collectors/toolkit.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "host_exporter/string_map.h"
#include "parse/sysfs_attr.h"

namespace host_exporter {
namespace {

// Reads fd until EOF (limit 0) or with one read of at most `limit` bytes,
// with read(2), or pread(2) from offset 0 if `from_start` (a kept
// descriptor). Returns errno on failure, 0 on success. With `short_is_end` (a
// sysfs attribute: one show of at most a page; a sysctl under /proc/sys, whose
// handler formats the whole value into a buffer of the size asked), a read
// shorter than asked and than a page is the end, and no read is spent on
// finding it; such a file is asked a page at a time (the kernel zeroes a buffer
// of the size asked for each read of a sysctl: 16 KB cost twice a page).
// Otherwise the end is the read that returns 0 (a procfs file of records may
// stop short of its end at its one-page buffer, and a sysfs binary attribute
// gives at most a page a read), unless `record_max` says the file is a
// procfs seq_file of records of at most that many bytes: the kernel fills a
// read's page with whole records, so a first read that left room in the
// page for one more ended at the end of the file.
int ReadFd(int fd, bool from_start, size_t limit, std::string* out,
           bool short_is_end, size_t record_max = 0) {
  out->clear();
  char buf[16384];
  constexpr size_t kPage = 4096;
  off_t offset = 0;
  while (true) {
    const size_t most = short_is_end ? kPage : sizeof buf;
    const size_t want = limit ? std::min(limit, most) : most;
    ssize_t n =
        from_start ? ::pread(fd, buf, want, offset) : ::read(fd, buf, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    out->append(buf, static_cast<size_t>(n));
    if (n == 0 || limit) return 0;
    if (offset == 0 && static_cast<size_t>(n) < want &&
        ((short_is_end && static_cast<size_t>(n) < kPage) ||
         (record_max > 0 && record_max < kPage &&
          static_cast<size_t>(n) + record_max <= kPage))) {
      return 0;
    }
    offset += n;
  }
}

// True for a path with an all-digit component other than "1"
// (/proc/<pid>/...): a process comes and goes, its files are not kept. PID
// 1's are (the filesystem collector's 1/mountinfo): it lives as long as the
// PID namespace we run in, and a kept descriptor of its mountinfo reads its
// mount namespace's table anew each time, as a fresh open would (an init
// that moved to another mount namespace or root after the first read would
// still be shown as it was; no init does).
bool HasNumericComponent(std::string_view path) {
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    const std::string_view part = path.substr(i, j - i);
    if (!part.empty() && part != "1" &&
        std::all_of(part.begin(), part.end(),
                    [](char c) { return c >= '0' && c <= '9'; })) {
      return true;
    }
    i = j + 1;
  }
  return false;
}

// Whether `path`, a procfs file, is a sysctl: below the directory "sys" of
// a procfs root (inode 1, whatever --path.procfs calls it), where what a
// handler gives fits the size asked of one read (see ReadFd). Asked once
// per path, when the cache first sees it.
bool IsSysctl(std::string_view path) {
  for (size_t at = path.find("/sys/"); at != std::string_view::npos;
       at = path.find("/sys/", at + 1)) {
    const std::string root = at == 0 ? "/" : std::string(path.substr(0, at));
    struct stat st;
    struct statfs fs;
    if (::stat(root.c_str(), &st) == 0 && st.st_ino == 1 &&
        ::statfs(root.c_str(), &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC) {
      return true;
    }
  }
  return false;
}

// Whether a file open as `fd` may be kept: procfs files but /proc/<pid>/
// ones (PID 1's are kept), and sysfs files under devices/system/ (CPUs, memory
// nodes, clocksources: never renamed, and a removed one fails to read, ENODEV,
// and is opened afresh). Not a regular file, which rename(2) may replace
// behind a kept descriptor, nor a sysfs device that may be renamed (a
// network interface: those are read with ReadPathStamped, which checks the
// directory).
bool Keepable(long fs_type, std::string_view path) {
  if (fs_type == PROC_SUPER_MAGIC) return !HasNumericComponent(path);
  return fs_type == SYSFS_MAGIC &&
         path.find("/devices/system/") != std::string_view::npos;
}

// The filesystem type of an open file, 0 if unknown.
long FsType(int fd) {
  struct statfs fs;
  return ::fstatfs(fd, &fs) == 0 ? static_cast<long>(fs.f_type) : 0;
}

// Whether a file that is not Keepable may be kept under its directory's
// stamp (DirStampScope): a sysfs attribute (a class device's: the directory
// the path leads to is a kernfs node whose inode number is never reused, so
// the same stamp is the same device, and a removed attribute fails to read,
// ENODEV), or a file on a filesystem of files (a fixture tree standing in for
// procfs and sysfs, where a file replaced by rename(2) changes its
// directory's change time). Not procfs (a /proc/<pid>/ directory's number
// is reused), nor cgroupfs, selinuxfs and the like, whose files come and go
// with what they show.
bool KeepableByDir(long fs_type) {
  switch (fs_type) {
    case SYSFS_MAGIC:
      return true;
    case PROC_SUPER_MAGIC:
    case CGROUP_SUPER_MAGIC:
    case CGROUP2_SUPER_MAGIC:
    case SELINUX_MAGIC:
    case SECURITYFS_MAGIC:
    case DEBUGFS_MAGIC:
    case TRACEFS_MAGIC:
    case BPF_FS_MAGIC:
    case 0:  // unknown
      return false;
    default:
      return true;
  }
}

// The stamps of the directories whose files are kept by directory, taken at
// most once per DirStampScope; one per thread, kept from scope to scope so
// that a steady cycle allocates nothing here.
struct DirStamps {
  const HostPaths* paths = nullptr;  // set while a scope lives
  std::chrono::nanoseconds settled{};
  uint64_t generation = 0;
  struct Taken {
    uint64_t generation = 0;
    bool usable = false;
    DirStamp stamp;
  };
  StringMap<Taken> dirs;

  static bool Below(std::string_view path, std::string_view root) {
    if (root.empty()) return false;
    while (root.size() > 1 && root.back() == '/') root.remove_suffix(1);
    return path.size() > root.size() && path.starts_with(root) &&
           (root == "/" || path[root.size()] == '/');
  }

  // The stamp of the directory of `path` this scope, or null: no scope, a
  // path outside its procfs and sysfs roots, a directory that cannot be
  // stat'ed or that changed too recently for its change time to tell two
  // changes apart (a change time within `settled` of now: a filesystem's
  // clock may tick coarser than the changes).
  const DirStamp* For(std::string_view path) {
    if (paths == nullptr ||
        !(Below(path, paths->sysfs) || Below(path, paths->procfs))) {
      return nullptr;
    }
    const std::string_view dir = path.substr(0, path.rfind('/'));
    auto it = dirs.find(dir);
    if (it == dirs.end()) {
      if (dirs.size() >= 8192) dirs.clear();
      it = dirs.emplace(std::string(dir), Taken{}).first;
    }
    Taken& t = it->second;
    if (t.generation != generation) {
      t.generation = generation;
      struct stat st;
      t.usable = false;
      if (::stat(it->first.c_str(), &st) == 0) {
        struct timespec now;
        ::clock_gettime(CLOCK_REALTIME, &now);
        const auto age =
            std::chrono::seconds(now.tv_sec - st.st_ctim.tv_sec) +
            std::chrono::nanoseconds(now.tv_nsec - st.st_ctim.tv_nsec);
        t.usable = age >= settled;
        t.stamp = DirStamp::Of(st);
      }
    }
    return t.usable ? &t.stamp : nullptr;
  }
};

thread_local DirStamps dir_stamps;

// The one cache of open files: procfs and sysfs files that ReadPath keeps
// open between cycles, and the files of renamable directories that
// ReadPathStamped keeps while their directory's stamp holds. Such a file
// makes its contents again on every read from offset 0, and its open(2)
// and close(2) (path walk, dentry, struct file) cost more than the read
// itself, so a kept descriptor read with pread(2) halves the cost of most
// procfs collectors. A descriptor has one reader at a time (two readers
// interleaving preads on one seq_file could mix two generations of it); a
// second concurrent reader opens its own.
class KeptFiles {
 public:
  // A kept descriptor of `path` for the caller alone, or -1. With a stamp,
  // only one kept under that stamp: those kept under another are closed.
  // *short_is_end tells whether a short read of the path is its end (a
  // sysfs file or a sysctl), as far as known.
  // A path kept under its directory's stamp and asked without a stamp gets
  // that stamp (DirStamps::For, taken here, under the lock: once per
  // directory and scope) in *stamp, for Give; *unkept is set if there is
  // none (no scope, an unsettled directory): the caller reads the file
  // afresh and closes it.
  int Take(const std::string& path, const DirStamp** stamp_in_out,
           bool* short_is_end, bool* unkept) {
    std::vector<int> stale;
    int fd = -1;
    *short_is_end = false;
    *unkept = false;
    const DirStamp*& stamp = *stamp_in_out;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = files_.find(path);
      if (it == files_.end()) return -1;
      Entry& e = it->second;
      *short_is_end = e.short_is_end;
      if (e.by_dir) {
        const int64_t now = CoarseSeconds();
        e.used = now;
        if (now - last_sweep_ >= kSweepEvery.count()) {
          last_sweep_ = now;
          SweepLocked(now - kIdleAfter.count(), &stale);
        }
        if (stamp == nullptr) stamp = dir_stamps.For(path);
        *unkept = stamp == nullptr;
      }
      if (*unkept || e.stamped != (stamp != nullptr)) {
        // read afresh
      } else if (stamp != nullptr && !(e.stamp == *stamp)) {
        stale.insert(stale.end(), e.idle.begin(), e.idle.end());
        e.idle.clear();
        e.stamp = *stamp;
      } else if (!e.idle.empty()) {
        fd = e.idle.back();
        e.idle.pop_back();
      }
    }
    for (int s : stale) Close(s, true);
    return fd;
  }

  // Closes the descriptors of the files kept under their directory's stamp
  // that were not read since `before` (CoarseSeconds) and forgets them: a
  // device that is gone is never read again, and its descriptors would
  // otherwise hold the budget for good. Called with the lock held; the
  // descriptors are added to *closing, for the caller to close.
  void SweepLocked(int64_t before, std::vector<int>* closing) {
    std::erase_if(files_, [&](auto& kv) {
      const Entry& e = kv.second;
      if (!e.by_dir || e.used >= before) return false;
      closing->insert(closing->end(), e.idle.begin(), e.idle.end());
      return true;
    });
  }

  void CloseIdle(std::chrono::seconds idle) {
    std::vector<int> closing;
    {
      std::lock_guard<std::mutex> lock(mu_);
      SweepLocked(CoarseSeconds() - idle.count() + 1, &closing);
    }
    for (int fd : closing) Close(fd, true);
  }

  // Hands back a descriptor after a read (one that succeeded or failed with
  // an attribute's error, IsAttributeError): kept for the next
  // reader if `path` may be kept (a stamped file always; else Keepable) and
  // the budget allows, else closed.
  void Give(const std::string& path, int fd, bool was_kept,
            const DirStamp* stamp) {
    std::unique_lock<std::mutex> lock(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) {
      if (files_.size() >= kMaxPaths) {
        lock.unlock();
        Close(fd, was_kept);
        return;
      }
      Entry e;
      e.stamped = stamp != nullptr;
      if (stamp != nullptr) e.stamp = *stamp;
      const long type = FsType(fd);
      e.short_is_end =
          type == SYSFS_MAGIC || (type == PROC_SUPER_MAGIC && IsSysctl(path));
      e.keep = e.stamped || Keepable(type, path);
      if (!e.keep && KeepableByDir(type)) {
        // Kept from the next read on, under its directory's stamp.
        e.by_dir = e.stamped = e.keep = true;
      }
      it = files_.emplace(path, std::move(e)).first;
    }
    Entry& e = it->second;
    const bool same_stamp =
        e.stamped == (stamp != nullptr) && (!stamp || e.stamp == *stamp);
    if (e.keep && same_stamp && e.idle.size() < kMaxIdlePerPath &&
        (was_kept || TryKeepFds(1))) {
      e.idle.push_back(fd);
      return;
    }
    lock.unlock();
    Close(fd, was_kept);
  }

  // Drops the entries of the files below `dir`, closing their descriptors.
  void ForgetUnder(const std::string& dir) {
    const std::string prefix = dir + "/";
    std::vector<int> idle;
    {
      std::lock_guard<std::mutex> lock(mu_);
      std::erase_if(files_, [&](auto& kv) {
        if (!kv.first.starts_with(prefix)) return false;
        idle.insert(idle.end(), kv.second.idle.begin(), kv.second.idle.end());
        return true;
      });
    }
    for (int fd : idle) Close(fd, true);
  }

  size_t CountUnder(const std::string& dir) {
    const std::string prefix = dir + "/";
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (const auto& [path, e] : files_) {
      if (path.starts_with(prefix)) n += e.idle.size();
    }
    return n;
  }

  // Closes a descriptor (returning it to the budget if it was kept).
  static void Close(int fd, bool was_kept) {
    ::close(fd);
    if (was_kept) ReleaseKeptFds(1);
  }

 private:
  static constexpr size_t kMaxPaths = 4096;
  static constexpr size_t kMaxIdlePerPath = 2;
  static constexpr std::chrono::seconds kSweepEvery{60};
  static constexpr std::chrono::seconds kIdleAfter{600};
  static int64_t CoarseSeconds() {
    struct timespec now;
    ::clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    return now.tv_sec;
  }
  int64_t last_sweep_ = CoarseSeconds();
  struct Entry {
    std::vector<int> idle;
    bool keep = false;
    bool stamped = false;       // a ReadPathStamped file, kept under `stamp`
    bool short_is_end = false;  // sysfs or a sysctl: see ReadFd
    bool by_dir = false;        // stamped by its directory (DirStampScope)
    int64_t used = 0;           // by_dir: when last read (CoarseSeconds)
    DirStamp stamp;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Entry> files_;
};

KeptFiles& Kept() {
  static auto* kept = new KeptFiles;  // never destroyed: used at exit
  return *kept;
}

// True for a read error that belongs to what the file shows rather than to
// the file: a sysfs attribute the driver cannot give now or ever (a virtual
// interface's speed: EINVAL; ENODATA, EOPNOTSUPP; a sensor's EIO, EAGAIN,
// EBUSY). The descriptor stays good for the next read. Other errors (ENODEV:
// the device is gone) have the file opened afresh.
bool IsAttributeError(int error) {
  switch (error) {
    case EINVAL:
    case ENODATA:
    case EOPNOTSUPP:
    case EIO:
    case EAGAIN:
    case EBUSY:
      return true;
    default:
      return false;
  }
}

// ReadPath and ReadPathStamped (`stamp` non-null). A descriptor whose read
// fails with an attribute's error is kept as after a successful read.
// Reads into *out (cleared first, its capacity kept); 0 or the errno (*out
// empty then).
int ReadKeeping(const std::string& path, size_t limit, const DirStamp* stamp,
                std::string* out, size_t record_max = 0) {
  bool short_is_end = false;
  bool unkept = false;  // read afresh and closed, not handed back
  if (int fd = Kept().Take(path, &stamp, &short_is_end, &unkept); fd >= 0) {
    const int err = ReadFd(fd, true, limit, out, short_is_end, record_max);
    if (err == 0 || IsAttributeError(err)) {
      if (err != 0) out->clear();
      Kept().Give(path, fd, true, stamp);
      return err;
    }
    KeptFiles::Close(fd, true);
  }
  out->clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  if (int err = ReadFd(fd, false, limit, out, short_is_end, record_max)) {
    out->clear();
    if (!unkept && IsAttributeError(err)) {
      Kept().Give(path, fd, false, stamp);
    } else {
      ::close(fd);
    }
    return err;
  }
  if (!unkept) {
    Kept().Give(path, fd, false, stamp);
  } else {
    ::close(fd);
  }
  return 0;
}

}  // namespace

int ReadPathInto(const std::string& path, std::string* out, size_t limit) {
  return ReadKeeping(path, limit, nullptr, out);
}

FileRead ReadPath(const std::string& path, size_t limit) {
  FileRead r;
  r.error = ReadKeeping(path, limit, nullptr, &r.data);
  return r;
}

FileRead ReadRecords(const std::string& path, size_t record_max) {
  FileRead r;
  r.error = ReadKeeping(path, 0, nullptr, &r.data, record_max);
  return r;
}

FileRead ReadPathStamped(const std::string& path, const DirStamp& stamp,
                         size_t limit) {
  FileRead r;
  r.error = ReadKeeping(path, limit, &stamp, &r.data);
  return r;
}

void ForgetKeptUnder(const std::string& dir) { Kept().ForgetUnder(dir); }

DirStampScope::DirStampScope(const HostPaths& paths,
                             std::chrono::nanoseconds settled)
    : previous_paths_(dir_stamps.paths), previous_settled_(dir_stamps.settled) {
  dir_stamps.paths = &paths;
  dir_stamps.settled = settled;
  ++dir_stamps.generation;
}

DirStampScope::~DirStampScope() {
  dir_stamps.paths = previous_paths_;
  dir_stamps.settled = previous_settled_;
  ++dir_stamps.generation;
}

size_t CountKeptUnder(const std::string& dir) { return Kept().CountUnder(dir); }

void CloseKeptIdleFor(std::chrono::seconds idle) { Kept().CloseIdle(idle); }

FileRead ReadUncached(const std::string& path) {
  FileRead r;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    r.error = errno;
    return r;
  }
  r.error = ReadFd(fd, false, 0, &r.data, false);
  if (r.error) r.data.clear();
  ::close(fd);
  return r;
}

bool FileRead::missing() const { return error == ENOENT || error == ENOTDIR; }

std::string& FileRead::Value(const std::string& path) & {
  if (error) ThrowErrno(path, error);
  return data;
}

std::string FileRead::Value(const std::string& path) && {
  if (error) ThrowErrno(path, error);
  return std::move(data);
}

std::optional<std::string> FileRead::OrNoData(const std::string& path) && {
  if (error == ENOENT) return std::nullopt;
  return std::move(*this).Value(path);
}

FileRead ReadAttr(const std::string& path) {
  FileRead r = ReadPath(path, 128);
  if (r.ok()) r.data = std::string(parse::GoTrimSpace(r.data));
  return r;
}

void ThrowErrno(const std::string& path, int error) {
  throw CollectError(path + ": " + std::strerror(error));
}

namespace {

std::atomic<size_t> kept_fds{0};

size_t KeptFdLimit() {
  static const size_t limit = [] {
    struct rlimit rl;
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
      return size_t{4096};
    return std::min<size_t>(4096, static_cast<size_t>(rl.rlim_cur) / 4);
  }();
  return limit;
}

}  // namespace

bool TryKeepFds(size_t n) {
  size_t cur = kept_fds.load();
  do {
    if (cur + n > KeptFdLimit()) return false;
  } while (!kept_fds.compare_exchange_weak(cur, cur + n));
  return true;
}

void ReleaseKeptFds(size_t n) { kept_fds -= n; }

ScopedFd::~ScopedFd() {
  if (fd_ >= 0) ::close(fd_);
}

const char* FileKind(unsigned mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

ReadOutcome ReadRegularFile(const std::string& path, uint64_t max_size,
                            int extra_open_flags, std::string* content,
                            struct stat* st, std::string* why) {
  struct stat local;
  if (st == nullptr) st = &local;
  content->clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
                                    extra_open_flags);
  if (fd < 0) {
    *why = std::strerror(errno);
    return ReadOutcome::kError;
  }
  ScopedFd closer(fd);
  const std::string too_big =
      "larger than " + std::to_string(max_size) + " bytes";
  if (::fstat(fd, st) != 0) {
    *why = std::strerror(errno);
    return ReadOutcome::kError;
  }
  if (!S_ISREG(st->st_mode)) {
    *why = std::string("is ") + FileKind(st->st_mode);
    return ReadOutcome::kNotRegular;
  }
  if (max_size != 0 && static_cast<uint64_t>(st->st_size) > max_size) {
    *why = too_big;
    return ReadOutcome::kTooBig;
  }
  content->reserve(static_cast<size_t>(st->st_size));
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *why = std::strerror(errno);
      content->clear();
      return ReadOutcome::kError;
    }
    if (n == 0) break;
    content->append(buf, static_cast<size_t>(n));
    if (max_size != 0 && content->size() > max_size) {  // it grew
      *why = too_big;
      content->clear();
      return ReadOutcome::kTooBig;
    }
  }
  return ReadOutcome::kOk;
}

bool IsAbsentOrDenied(int error) {
  return error == ENOENT || error == ENOTDIR || error == EACCES ||
         error == EPERM;
}

std::optional<std::string> AttrOrNoData(const std::string& path) {
  FileRead r = ReadAttr(path);
  if (IsAbsentOrDenied(r.error)) return std::nullopt;
  return std::move(r).Value(path);
}

StampResult StampOf(const std::string& path) {
  StampResult r;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    r.error = errno;
  } else {
    r.stamp = FileStamp::Of(st);
  }
  return r;
}

std::optional<std::string> ReadFileIfExists(const std::string& path) {
  FileRead r = ReadPath(path);
  if (r.missing()) return std::nullopt;
  return std::move(r).Value(path);
}

bool KeptMountTable::Read(const std::string& path, std::string* text,
                          int* error) {
  *error = 0;
  if (fd_ >= 0 && path == path_) {
    struct pollfd p = {fd_, POLLPRI, 0};
    int n;
    do {
      n = ::poll(&p, 1, 0);
    } while (n < 0 && errno == EINTR);
    if (n == 0 ||
        (n == 1 && !(p.revents & (POLLPRI | POLLERR | POLLHUP | POLLNVAL)))) {
      return false;
    }
    // Changed (or poll failed): read again from the start, the event
    // taken; a change after this poll is reported by the next one.
    if (n == 1 && !(p.revents & (POLLHUP | POLLNVAL)) &&
        ReadFd(fd_, true, 0, text, false) == 0) {
      return true;
    }
  }
  Forget();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = errno;
    text->clear();
    return true;
  }
  // Opened before the read: a change from now on is reported.
  if (int err = ReadFd(fd, false, 0, text, false)) {
    ::close(fd);
    *error = err;
    text->clear();
    return true;
  }
  if (FsType(fd) == PROC_SUPER_MAGIC && TryKeepFds(1)) {
    fd_ = fd;
    path_ = path;
  } else {
    ::close(fd);
  }
  return true;
}

void KeptMountTable::Forget() {
  if (fd_ >= 0) {
    ::close(fd_);
    ReleaseKeptFds(1);
  }
  fd_ = -1;
  path_.clear();
}

std::vector<DirEntry> ListEntries(const std::string& path) {
  DirRead list = ReadDir(path);
  if (list.error == ENOENT || list.error == ENOTDIR) return {};
  if (!list.ok()) ThrowErrno(path, list.error);
  return std::move(list.entries);
}

std::vector<std::string> ListDir(const std::string& path) {
  std::vector<std::string> names;
  std::vector<DirEntry> entries = ListEntries(path);
  names.reserve(entries.size());
  for (DirEntry& e : entries) names.push_back(std::move(e.name));
  return names;
}

namespace {

// Per-thread memo of filter answers, on only in the scheduler's pool threads
// (which never outlive the collectors, so a key, the address of a compiled
// filter, cannot be reused by another filter while cached): device
// and field names rarely change, and std::regex is slow enough that matching
// ~300 netstat fields each cycle dominated a collection's CPU time.
thread_local bool match_cache_enabled = false;
thread_local std::unordered_map<const std::regex*,
                                std::unordered_map<std::string, bool>>
    match_cache;
constexpr size_t kMatchCacheMax = 4096;  // per filter; then start over

}  // namespace

void EnableMatchCacheForThisThread() { match_cache_enabled = true; }

Filter::Filter(const std::string& flag, const std::string& pattern) {
  if (pattern.empty()) return;
  try {
    re_.emplace(pattern, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    throw std::invalid_argument("--" + flag + ": invalid regular expression '" +
                                pattern + "': " + e.what());
  }
}

namespace {

// A NameFilter's "<prefix>include" or "<prefix>exclude": its pattern and the
// flag it came from (the deprecated spelling's, if that was given).
std::pair<std::string, std::string> NameFilterPattern(
    const CollectorOptions& options, std::string_view prefix,
    std::string_view old_prefix, std::string_view which) {
  std::string flag = std::string(prefix).append(which);
  if (old_prefix.empty()) return {options.Get(flag), std::move(flag)};
  return FilterPattern(options, flag, std::string(old_prefix).append(which),
                       "");
}

}  // namespace

NameFilter::NameFilter(const CollectorOptions& options, std::string_view prefix,
                       Both both, std::string_view old_prefix) {
  const auto include =
      NameFilterPattern(options, prefix, old_prefix, "include");
  const auto exclude =
      NameFilterPattern(options, prefix, old_prefix, "exclude");
  const auto refuse = [&](Both when) {
    if (both == when && !include.first.empty() && !exclude.first.empty()) {
      throw std::invalid_argument("--" + include.second + " and --" +
                                  exclude.second + " are mutually exclusive");
    }
  };
  refuse(Both::kRefused);
  include_ = Filter(include.second, include.first);
  exclude_ = Filter(exclude.second, exclude.first);
  refuse(Both::kRefusedOnceCompiled);
}

bool Filter::Search(const std::string& s) const {
  if (!match_cache_enabled) return std::regex_search(s, *re_);
  auto& cache = match_cache[&*re_];
  if (auto it = cache.find(s); it != cache.end()) return it->second;
  if (cache.size() >= kMatchCacheMax) cache.clear();
  bool m = std::regex_search(s, *re_);
  cache.emplace(s, m);
  return m;
}

std::pair<std::string, std::string> FilterPattern(
    const CollectorOptions& options, const std::string& flag,
    const std::string& old_flag, std::string_view default_value) {
  std::string pattern = options.Get(flag);
  std::string old_pattern = options.Get(old_flag);
  if (old_pattern.empty()) return {std::move(pattern), flag};
  if (pattern != default_value) {
    throw std::invalid_argument("--" + old_flag + " and --" + flag +
                                " are mutually exclusive");
  }
  return {std::move(old_pattern), old_flag};
}

namespace {

Kind KindOf(mode_t mode) {
  if (S_ISREG(mode)) return Kind::kRegular;
  if (S_ISDIR(mode)) return Kind::kDirectory;
  if (S_ISLNK(mode)) return Kind::kSymlink;
  return Kind::kOther;
}

}  // namespace

StatResult Lstat(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return {Kind::kNone, errno};
  return {KindOf(st.st_mode), 0};
}

StatResult Stat(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return {Kind::kNone, errno};
  return {KindOf(st.st_mode), 0};
}

int OpenDir(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

int ListFd(int fd, void (*each)(void* ctx, std::string_view name, Kind kind),
           void* ctx) {
  alignas(struct dirent64) char buf[32768];
  while (true) {
    const ssize_t n = ::getdents64(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) return 0;
    for (ssize_t off = 0; off < n;) {
      const auto* e = reinterpret_cast<const struct dirent64*>(buf + off);
      off += e->d_reclen;
      const std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      Kind kind = Kind::kOther;
      switch (e->d_type) {
        case DT_REG:
          kind = Kind::kRegular;
          break;
        case DT_DIR:
          kind = Kind::kDirectory;
          break;
        case DT_LNK:
          kind = Kind::kSymlink;
          break;
        case DT_UNKNOWN:
          if (struct stat st;
              ::fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
            kind = KindOf(st.st_mode);
          }
          break;
        default:
          break;
      }
      each(ctx, name, kind);
    }
  }
}

namespace {

// The entries of directory `fd` from its current offset into *entries (its
// strings assigned to), sorted by name; 0 or the errno (empty then).
int ReadEntriesInto(int fd, std::vector<DirEntry>* entries) {
  size_t n = 0;
  auto each = [&](std::string_view name, Kind kind) {
    if (n == entries->size()) entries->emplace_back();
    (*entries)[n].name.assign(name);
    (*entries)[n].kind = kind;
    ++n;
  };
  const int error = ListFd(
      fd,
      [](void* ctx, std::string_view name, Kind kind) {
        (*static_cast<decltype(each)*>(ctx))(name, kind);
      },
      &each);
  entries->resize(error == 0 ? n : 0);
  std::sort(
      entries->begin(), entries->end(),
      [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return error;
}

DirRead ReadEntries(int fd) {
  DirRead r;
  r.error = ReadEntriesInto(fd, &r.entries);
  return r;
}

}  // namespace

DirRead ReadDir(const std::string& path) {
  const int fd = OpenDir(path);
  if (fd < 0) return {{}, -fd};
  DirRead r = ReadEntries(fd);
  ::close(fd);
  return r;
}

int ReadDirInto(const std::string& path, std::vector<DirEntry>* entries) {
  const int fd = OpenDir(path);
  if (fd < 0) {
    entries->clear();
    return -fd;
  }
  const int error = ReadEntriesInto(fd, entries);
  ::close(fd);
  return error;
}

int DirListing::Read(const std::string& path) {
  const int fd = OpenDir(path);
  if (fd < 0) {
    clear();
    return -fd;
  }
  const int error = ReadFd(fd);
  ::close(fd);
  return error;
}

int DirListing::ReadFd(int fd) {
  clear();
  auto each = [this](std::string_view name, Kind kind) {
    items_.push_back({names_.size(), name.size(), kind});
    names_.append(name);
  };
  const int error = ListFd(
      fd,
      [](void* ctx, std::string_view name, Kind kind) {
        (*static_cast<decltype(each)*>(ctx))(name, kind);
      },
      &each);
  if (error != 0) {
    clear();
    return error;
  }
  std::sort(items_.begin(), items_.end(),
            [this](const Item& a, const Item& b) { return View(a) < View(b); });
  return 0;
}

bool DirListing::operator==(const DirListing& o) const {
  if (items_.size() != o.items_.size()) return false;
  for (size_t i = 0; i < items_.size(); ++i) {
    if (items_[i].kind != o.items_[i].kind || name(i) != o.name(i)) {
      return false;
    }
  }
  return true;
}

KeptDir::~KeptDir() { Close(); }

void KeptDir::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  error_ = EBADF;
}

int KeptDir::Refresh(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    Close();
    return error_ = err;
  }
  if (fd_ >= 0 && st.st_dev == dev_ && st.st_ino == ino_) return 0;
  Close();
  fd_ = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0) return error_ = errno;
  // The directory opened, which may differ from the one stat'ed if it was
  // replaced in between: the next Refresh() sees that.
  struct statfs fs;
  if (::fstat(fd_, &st) != 0 || ::fstatfs(fd_, &fs) != 0) {
    const int err = errno;
    Close();
    return error_ = err;
  }
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  sysfs_ = fs.f_type == SYSFS_MAGIC;
  return error_ = 0;
}

StampResult KeptDir::FileStampOf(const std::string& name) const {
  if (fd_ < 0) return {{}, error_};
  struct stat st;
  if (::fstatat(fd_, name.c_str(), &st, 0) != 0) return {{}, errno};
  return {FileStamp::Of(st), 0};
}

DirRead KeptDir::List() {
  if (fd_ < 0) return {{}, error_};
  if (::lseek(fd_, 0, SEEK_SET) != 0) return {{}, errno};
  return ReadEntries(fd_);
}

int KeptDir::List(DirListing* listing) {
  if (fd_ < 0) {
    listing->clear();
    return error_;
  }
  if (::lseek(fd_, 0, SEEK_SET) != 0) {
    listing->clear();
    return errno;
  }
  return listing->ReadFd(fd_);
}

int KeptDir::List(const std::string& path, DirListing* listing) {
  if (const int error = Refresh(path)) {
    listing->clear();
    return error;
  }
  return List(listing);
}

int KeptDir::Stamp(const std::string& name, DirStamp* out,
                   std::string_view below) const {
  if (fd_ < 0) return error_;
  struct stat st;
  if (sysfs_) {
    if (::fstatat(fd_, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return errno;
    }
    // The device's symlink, or a directory itself asked for: its own stamp.
    if (S_ISLNK(st.st_mode) || below.empty()) {
      *out = DirStamp::Of(st);
      return 0;
    }
  }
  const char* rel = name.c_str();
  char buf[PATH_MAX];
  if (!below.empty()) {
    if (name.size() + 1 + below.size() >= sizeof buf) return ENAMETOOLONG;
    std::memcpy(buf, name.data(), name.size());
    buf[name.size()] = '/';
    std::memcpy(buf + name.size() + 1, below.data(), below.size());
    buf[name.size() + 1 + below.size()] = '\0';
    rel = buf;
  }
  if (::fstatat(fd_, rel, &st, 0) != 0) return errno;
  *out = DirStamp::Of(st);
  return 0;
}

void EntryStamps::Take(const KeptDir& dir, const std::string& name,
                       std::initializer_list<std::string_view> below) {
  stamps_.clear();
  for (std::string_view b : below) Add(dir, name, std::string(b));
}

void EntryStamps::Add(const KeptDir& dir, const std::string& name,
                      std::string below) {
  Stamped s;
  s.below = std::move(below);
  s.error = dir.Stamp(name, &s.stamp, s.below);
  stamps_.push_back(std::move(s));
}

bool EntryStamps::Same(const KeptDir& dir, const std::string& name) const {
  if (stamps_.empty()) return false;
  for (const Stamped& s : stamps_) {
    DirStamp now;
    const int error = dir.Stamp(name, &now, s.below);
    if (error != s.error || (error == 0 && !(now == s.stamp))) return false;
  }
  return true;
}

std::vector<std::string> GlobDigit(const std::string& dir,
                                   std::string_view prefix) {
  std::vector<std::string> out;
  for (const DirEntry& e : ReadDir(dir).entries) {
    if (IsPrefixDigit(e.name, prefix)) out.push_back(e.name);
  }
  return out;
}

namespace {

// ListOrNoData's rules for a listing of `dir`.
std::optional<std::vector<DirEntry>> EntriesOrNoData(DirRead list,
                                                     const std::string& dir,
                                                     bool denied_is_no_data) {
  if (list.error == ENOENT) return std::nullopt;
  if (denied_is_no_data && (list.error == EACCES || list.error == EPERM)) {
    return std::nullopt;
  }
  if (!list.ok()) ThrowErrno(dir, list.error);
  return std::move(list.entries);
}

}  // namespace

std::optional<std::vector<DirEntry>> ListOrNoData(const std::string& dir,
                                                  bool denied_is_no_data) {
  return EntriesOrNoData(ReadDir(dir), dir, denied_is_no_data);
}

std::optional<std::vector<DirEntry>> KeptDir::ListOrNoData(
    const std::string& path, bool denied_is_no_data) {
  Refresh(path);
  return EntriesOrNoData(List(), path, denied_is_no_data);
}

std::optional<std::vector<DirEntry>> DirOrNoData(const std::string& dir) {
  DirRead list = ReadDir(dir);
  if (IsAbsentOrDenied(list.error)) return std::nullopt;
  if (!list.ok()) ThrowErrno(dir, list.error);
  return std::move(list.entries);
}

std::optional<std::string> RealPath(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) return std::nullopt;
  std::string out = resolved;
  std::free(resolved);
  return out;
}

namespace {

bool SameBytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
}

constexpr uint32_t kNotOutput = UINT32_MAX;

}  // namespace

FamilySet::FamilySet() {
  FamilyPool* pool = FamilyPool::Current();
  if (pool && !pool->kept().claimed) {
    pool->kept().claimed = true;
    pool_ = pool;
    kept_ = &pool->kept();
  } else {
    own_ = std::make_unique<FamilyPool::Kept>();
    kept_ = own_.get();
  }
}

FamilySet::~FamilySet() {
  if (used_ == 0 && call_ == 0) return;
  // A run cut short (an exception): what it asked is kept, consistently.
  kept_->calls.resize(call_);
  kept_->names.resize(used_);
  kept_->sorted.clear();
}

FamilyBuilder& FamilySet::Family(std::string_view name, std::string_view help,
                                 prometheus::MetricType type) {
  if (in_sync_) {
    // Collectors ask for their families in the same order each run: the
    // builder asked for at this call last run is tried first, checked by
    // length and bytes. While every call matched, the builders so far are
    // last run's, so one created at this call last run is new now too.
    const FamilyPool::Kept& k = *kept_;
    if (call_ < k.calls.size()) {
      const uint32_t j = k.calls[call_];
      if (SameBytes(k.names[j], name)) {
        if (j < used_) {
          ++call_;
          return Check(j, help, type);
        }
        if (j == used_) {
          ++call_;
          return Create(name, help, type);
        }
      }
    }
    // Another order from here: the builders so far are indexed by name, and
    // this run's calls recorded from here on.
    in_sync_ = false;
    kept_->calls.resize(call_);
    for (uint32_t j = 0; j < used_; ++j) {
      index_.emplace(kept_->builders[j].name(), j);
    }
  }
  return Find(name, help, type);
}

FamilyBuilder& FamilySet::Find(std::string_view name, std::string_view help,
                               prometheus::MetricType type) {
  ++call_;
  auto it = index_.find(name);
  if (it != index_.end()) {
    kept_->calls.push_back(it->second);
    return Check(it->second, help, type);
  }
  kept_->calls.push_back(static_cast<uint32_t>(used_));
  FamilyBuilder& b = Create(name, help, type);
  index_.emplace(b.name(), static_cast<uint32_t>(used_ - 1));
  return b;
}

FamilyBuilder& FamilySet::Check(uint32_t j, std::string_view help,
                                prometheus::MetricType type) {
  FamilyBuilder& b = kept_->builders[j];
  if (b.type() != type || !SameBytes(b.help(), help)) return dropped_;
  return b;
}

FamilyBuilder& FamilySet::Create(std::string_view name, std::string_view help,
                                 prometheus::MetricType type) {
  FamilyPool::Kept& k = *kept_;
  const size_t j = used_++;
  if (j < k.names.size()) {
    if (!in_sync_) k.names[j].assign(name);
  } else {
    k.names.emplace_back(name);
  }
  // The family this builder output last run, as the snapshots handed it
  // back (its storage reused); a new one if it is not there. Without a
  // pool, the global pool's family of the name.
  auto make = [&] {
    if (!pool_) return FamilyBuilder(name, help, type);
    prometheus::MetricFamily recycled;
    if (j < k.output.size() && k.output[j] != kNotOutput) {
      pool_->Take(k.output[j], name, &recycled);
    }
    return FamilyBuilder(name, help, type, std::move(recycled));
  };
  if (j < k.builders.size()) {
    k.builders[j] = make();
    return k.builders[j];
  }
  return k.builders.emplace_back(make());
}

Families FamilySet::Take() {
  FamilyPool::Kept& k = *kept_;
  // By name: last run's order when the builders are last run's (every call
  // as last run, as many builders), else sorted.
  if (!in_sync_ || k.sorted.size() != used_) {
    k.sorted.resize(used_);
    std::iota(k.sorted.begin(), k.sorted.end(), 0u);
    std::sort(k.sorted.begin(), k.sorted.end(), [&](uint32_t a, uint32_t b) {
      return k.builders[a].name() < k.builders[b].name();
    });
  }
  Families out;
  out.reserve(used_);
  k.output.assign(used_, kNotOutput);
  for (uint32_t j : k.sorted) {
    FamilyBuilder& b = k.builders[j];
    if (b.empty()) continue;
    k.output[j] = static_cast<uint32_t>(out.size());
    out.push_back(b.Take());
  }
  Finish();
  return out;
}

void FamilySet::Finish() {
  kept_->calls.resize(call_);
  kept_->names.resize(used_);
  used_ = 0;
  call_ = 0;
  in_sync_ = true;
  if (!index_.empty()) {
    index_ = std::pmr::unordered_map<std::string_view, uint32_t>(&arena_);
    arena_.release();
  }
  dropped_ = FamilyBuilder("", "", prometheus::MetricType::Untyped);
}

namespace {

class UntypedFields : public Collector {
 public:
  UntypedFields(std::string prefix, Filter fields, UntypedFieldReader read,
                UntypedFieldHelp help, RepeatedKey repeated)
      : prefix_(std::move(prefix)),
        fields_(std::move(fields)),
        read_(std::move(read)),
        help_(std::move(help)),
        repeated_(repeated) {}

  Families Collect(const HostPaths& paths) override {
    read_fields_.clear();
    read_(paths, &read_fields_);
    if (known_.size() > kMaxKnown) {
      known_.clear();
      order_.clear();
    }
    kept_.clear();
    const size_t n = read_fields_.size();
    for (size_t i = 0; i < n; ++i) {
      const UntypedField& f = read_fields_[i];
      // The files list their fields in the same order each cycle: the entry
      // of the field seen at this position last cycle is compared first (no
      // key built, no hash), and only a field that moved is looked up.
      Known* k = i < order_.size() && Is(*order_[i], f) ? order_[i] : Find(f);
      if (i < order_.size()) {
        order_[i] = k;
      } else {
        order_.push_back(k);
      }
      if (!k->included) continue;
      k->last = i;
      kept_.emplace_back(k, i);
    }
    order_.resize(n);
    FamilySet out;
    for (const auto& [k, i] : kept_) {
      if (repeated_ == RepeatedKey::kLast && k->last != i) continue;
      // Converted only now: the values of the fields left out never are.
      const std::optional<double> v = parse::ParseDouble(read_fields_[i].value);
      if (!v) {
        throw CollectError(k->name + ": value is not a number: '" +
                           std::string(read_fields_[i].value) + "'");
      }
      out.Untyped(k->name, k->help).Add(*v);
    }
    return out.Take();
  }

 private:
  // What a key's fields become, worked out the first time it is seen.
  struct Known {
    std::string name;  // prefix_ + key
    std::string help;
    bool included;
    size_t last = 0;  // the position of its last field this cycle
  };
  static constexpr size_t kMaxKnown = 4096;  // then start over

  // Whether `f`'s key is the key of `k` (its name after the prefix).
  bool Is(const Known& k, const UntypedField& f) const {
    const std::string_view key =
        std::string_view(k.name).substr(prefix_.size());
    if (f.group.empty()) return key == f.name;
    return key.size() == f.group.size() + 1 + f.name.size() &&
           key[f.group.size()] == '_' && key.starts_with(f.group) &&
           key.ends_with(f.name);
  }

  // The entry of `f`'s key, made if it is new.
  Known* Find(const UntypedField& f) {
    key_.assign(f.group);
    if (!f.group.empty()) key_.push_back('_');
    key_.append(f.name);
    auto it = known_.find(key_);
    if (it == known_.end()) {
      Known k{prefix_ + key_, help_(f.group, f.name), fields_.Includes(key_)};
      it = known_.emplace(key_, std::move(k)).first;
    }
    return &it->second;
  }

  const std::string prefix_;
  const Filter fields_;
  const UntypedFieldReader read_;
  const UntypedFieldHelp help_;
  const RepeatedKey repeated_;
  std::vector<UntypedField> read_fields_;  // this cycle's, kept for capacity
  std::string key_;                        // a key, in a kept buffer
  std::unordered_map<std::string, Known> known_;
  // The entries of last cycle's fields in the files' order (pointers to
  // unordered_map elements stay valid until known_ is cleared).
  std::vector<Known*> order_;
  // This cycle's included fields: entry and position.
  std::vector<std::pair<Known*, size_t>> kept_;
};

}  // namespace

std::unique_ptr<Collector> UntypedFieldsCollector(std::string prefix,
                                                  Filter fields,
                                                  UntypedFieldReader read,
                                                  UntypedFieldHelp help,
                                                  RepeatedKey repeated) {
  return std::make_unique<UntypedFields>(std::move(prefix), std::move(fields),
                                         std::move(read), std::move(help),
                                         repeated);
}

}  // namespace host_exporter
