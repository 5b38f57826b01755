#include "collectors/util.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <unordered_map>

namespace host_exporter {
namespace {

std::string ErrnoMessage(const std::string& path, int err) {
  return path + ": " + std::strerror(err);
}

// Reads until EOF; returns errno on failure, 0 on success.
int ReadAll(const std::string& path, std::string* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  out->clear();
  char buf[16384];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return err;
    }
    if (n == 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return 0;
}

}  // namespace

ScopedFd::~ScopedFd() {
  if (fd_ >= 0) ::close(fd_);
}

std::string ReadFile(const std::string& path) {
  std::string out;
  if (int err = ReadAll(path, &out))
    throw CollectError(ErrnoMessage(path, err));
  return out;
}

std::optional<std::string> ReadFileIfExists(const std::string& path) {
  std::string out;
  int err = ReadAll(path, &out);
  if (err == ENOENT || err == ENOTDIR) return std::nullopt;
  if (err) throw CollectError(ErrnoMessage(path, err));
  return out;
}

std::vector<std::string> ListDir(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) {
    if (errno == ENOENT || errno == ENOTDIR) return names;
    throw CollectError(ErrnoMessage(path, errno));
  }
  while (struct dirent* e = ::readdir(dir)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    names.push_back(std::move(name));
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<std::regex> CompileFilter(const std::string& flag,
                                        const std::string& pattern) {
  if (pattern.empty()) return std::nullopt;
  try {
    return std::regex(pattern, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    throw std::invalid_argument("--" + flag + ": invalid regular expression '" +
                                pattern + "': " + e.what());
  }
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

bool Matches(const std::optional<std::regex>& re, const std::string& s) {
  if (!re) return false;
  if (!match_cache_enabled) return std::regex_search(s, *re);
  auto& cache = match_cache[&*re];
  if (auto it = cache.find(s); it != cache.end()) return it->second;
  if (cache.size() >= kMatchCacheMax) cache.clear();
  bool m = std::regex_search(s, *re);
  cache.emplace(s, m);
  return m;
}

}  // namespace host_exporter
