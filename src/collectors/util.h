// File access shared by collectors. Errors name the path.
#ifndef HOST_EXPORTER_COLLECTORS_UTIL_H_
#define HOST_EXPORTER_COLLECTORS_UTIL_H_

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "host_exporter/collector.h"
#include "parse/parse_util.h"

namespace host_exporter {

/// Reads a whole file (procfs and sysfs files report size 0, so this reads
/// until EOF). Throws CollectError("<path>: <strerror>") on failure.
/// Procfs files (not /proc/<pid>/ ones) and sysfs files under
/// devices/system/ stay open for the next call, which reads them again with
/// pread(2) instead of paying for open and close.
std::string ReadFile(const std::string& path);

/// What ReadFile and the hw:: readers share: reads `path` until EOF
/// (limit 0) or with one read of at most `limit` bytes into *out; returns 0
/// or the errno (*out empty then). Procfs files (not /proc/<pid>/ ones) and
/// sysfs files under devices/system/ stay open for the next call.
int ReadPath(const std::string& path, size_t limit, std::string* out);

/// Like ReadFile, but returns nullopt if the file does not exist (ENOENT or
/// ENOTDIR); other errors still throw.
std::optional<std::string> ReadFileIfExists(const std::string& path);

/// How ReadRegularFile() ended.
enum class ReadOutcome { kOk, kError, kNotRegular, kTooBig };

/// Reads a regular file without ever blocking: opens it O_NONBLOCK (a FIFO
/// or a device is never waited on; `extra_open_flags` such as O_NOFOLLOW are
/// added), checks with fstat that it is a regular file, and reads at most
/// `max_size` bytes (0 = no limit; a file that grows past it while being
/// read counts as too big). *why gets "is a FIFO", "larger than N bytes" or
/// the strerror text; *st (if given) the fstat result.
ReadOutcome ReadRegularFile(const std::string& path, uint64_t max_size,
                            int extra_open_flags, std::string* content,
                            struct stat* st, std::string* why);

/// "a directory", "a FIFO", "a socket", "a character device", ...
const char* FileKind(unsigned mode);

/// The names in a directory (without "." and ".."), sorted. Returns an empty
/// list if the directory does not exist; other errors throw CollectError.
std::vector<std::string> ListDir(const std::string& path);

/// The budget of descriptors collectors keep open between cycles (ReadFile's
/// procfs files, netclass' attributes): a quarter of RLIMIT_NOFILE's soft
/// limit at the first call, at most 4096. TryKeepFds(n) takes n from it if
/// they fit; ReleaseKeptFds(n) gives them back.
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

/// A count read as an integer, as the double a sample holds.
template <typename T>
double ToDouble(T v) {
  return static_cast<double>(v);
}

/// Turns a parser's error into a CollectError naming the file.
template <typename T>
T Unwrap(parse::Result<T> r, const std::string& path) {
  if (!r.ok()) throw CollectError(path + ": " + r.error);
  return std::move(r.value);
}

/// Compiles a device/mount filter regex from a collector option, or nullopt
/// for an empty pattern. Throws std::invalid_argument naming the flag on a
/// bad pattern (at start-up, never at collection time).
std::optional<std::regex> CompileFilter(const std::string& flag,
                                        const std::string& pattern);

/// True if `s` matches the whole of `re` (Go's regexp.MatchString anchors
/// nothing, but node_exporter's default patterns are all anchored with ^$,
/// so a search gives the same answers for them).
bool Matches(const std::optional<std::regex>& re, const std::string& s);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_COLLECTORS_UTIL_H_
