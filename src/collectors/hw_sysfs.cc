#include "collectors/hw_sysfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "collectors/util.h"
#include "host_exporter/collector.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::hw {
namespace {

Kind KindOf(mode_t mode) {
  if (S_ISREG(mode)) return Kind::kRegular;
  if (S_ISDIR(mode)) return Kind::kDirectory;
  if (S_ISLNK(mode)) return Kind::kSymlink;
  return Kind::kOther;
}

FileRead ReadUpTo(const std::string& path, size_t limit) {
  FileRead r;
  r.error = ReadPath(path, limit, &r.data);
  return r;
}

}  // namespace

FileRead ReadWhole(const std::string& path) { return ReadUpTo(path, 0); }

FileRead ReadOnce(const std::string& path) { return ReadUpTo(path, 128); }

FileRead ReadAttr(const std::string& path) {
  FileRead r = ReadUpTo(path, 128);
  if (r.ok()) r.data = std::string(parse::GoTrimSpace(r.data));
  return r;
}

std::vector<DirEntry> ListOrNoData(const std::string& dir,
                                   bool denied_is_no_data) {
  DirRead list = ReadDir(dir);
  if (list.error == ENOENT) throw NoData();
  if (denied_is_no_data && (list.error == EACCES || list.error == EPERM)) {
    throw NoData();
  }
  if (!list.ok()) ThrowErrno(dir, list.error);
  return std::move(list.entries);
}

void ThrowErrno(const std::string& path, int error) {
  throw CollectError(path + ": " + std::strerror(error));
}

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

DirRead ReadDir(const std::string& path) {
  DirRead r;
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) {
    r.error = errno;
    return r;
  }
  while (true) {
    errno = 0;
    struct dirent* e = ::readdir(dir);
    if (e == nullptr) {
      r.error = errno;
      break;
    }
    std::string name = e->d_name;
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
        kind = Lstat(path + "/" + name).kind;
        break;
      default:
        break;
    }
    r.entries.push_back({std::move(name), kind});
  }
  ::closedir(dir);
  if (r.error) {
    r.entries.clear();
    return r;
  }
  std::sort(
      r.entries.begin(), r.entries.end(),
      [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return r;
}

std::vector<std::string> GlobDigit(const std::string& dir,
                                   std::string_view prefix) {
  std::vector<std::string> out;
  for (const DirEntry& e : ReadDir(dir).entries) {
    if (e.name.size() > prefix.size() &&
        std::string_view(e.name).substr(0, prefix.size()) == prefix &&
        e.name[prefix.size()] >= '0' && e.name[prefix.size()] <= '9') {
      out.push_back(e.name);
    }
  }
  return out;
}

std::optional<std::string> RealPath(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) return std::nullopt;
  std::string out = resolved;
  std::free(resolved);
  return out;
}

GoPattern::GoPattern(const std::string& flag, const std::string& pattern)
    : re_(CompileFilter(flag, pattern)) {}

bool GoPattern::Matches(const std::string& s) const {
  return !re_ || std::regex_search(s, *re_);
}

void FamilySet::Add(const std::string& name, const std::string& help,
                    prometheus::MetricType type, const Labels& labels,
                    double value) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_
             .emplace(name, Entry{FamilyBuilder(name, help, type), help, type})
             .first;
  } else if (it->second.help != help || it->second.type != type) {
    return;
  }
  it->second.builder.Add(labels, value);
}

Families FamilySet::Take() {
  Families out;
  for (auto& [name, entry] : families_) out.push_back(entry.builder.Take());
  families_.clear();
  return out;
}

}  // namespace host_exporter::hw
