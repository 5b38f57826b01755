#include "parse/process_top.h"

#include <charconv>

#include "parse/cgroup.h"

namespace host_exporter::parse {
namespace {

// The next space-separated field of `*rest` (advancing it), or empty.
std::string_view NextStatField(std::string_view* rest) {
  size_t b = 0;
  while (b < rest->size() && ((*rest)[b] == ' ' || (*rest)[b] == '\t')) ++b;
  size_t e = b;
  while (e < rest->size() && (*rest)[e] != ' ' && (*rest)[e] != '\t' &&
         (*rest)[e] != '\n') {
    ++e;
  }
  std::string_view f = rest->substr(b, e - b);
  rest->remove_prefix(e);
  return f;
}

template <typename T>
bool ToInteger(std::string_view s, T* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// The value after "key" and separator on a "key<sep>value" line of `text`.
std::string_view KeyValue(std::string_view text, std::string_view key) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (line.size() > key.size() && line.starts_with(key) &&
        (line[key.size()] == ':' || line[key.size()] == ' ')) {
      return Trim(line.substr(key.size() + 1));
    }
    pos = nl + 1;
  }
  return {};
}

bool IsUnitName(std::string_view c) {
  for (std::string_view suffix :
       {".service", ".scope", ".slice", ".socket", ".mount", ".swap"}) {
    if (c.size() > suffix.size() && c.ends_with(suffix)) return true;
  }
  return false;
}

}  // namespace

bool ParsePidStatFields(std::string_view text, PidStatFields* out,
                        std::string* error) {
  const size_t l = text.find('(');
  const size_t r = text.rfind(')');
  if (l == std::string_view::npos || r == std::string_view::npos || r < l) {
    *error = "unexpected format, couldn't extract comm";
    return false;
  }
  out->comm = text.substr(l + 1, r - l - 1);
  std::string_view rest = text.substr(r + 1);
  // Fields 3 to 24.
  std::string_view f[22];
  for (auto& field : f) {
    field = NextStatField(&rest);
    if (field.empty()) {
      *error = "expected at least 24 fields, got " +
               std::to_string(2 + (&field - f));
      return false;
    }
  }
  out->state = f[0][0];
  struct {
    int index;  // proc(5) field number
    bool ok;
  } checks[] = {
      {4, ToInteger(f[1], &out->ppid)},
      {14, ToInteger(f[11], &out->utime)},
      {15, ToInteger(f[12], &out->stime)},
      {20, ToInteger(f[17], &out->num_threads)},
      {22, ToInteger(f[19], &out->starttime)},
      {24, ToInteger(f[21], &out->rss_pages)},
  };
  for (const auto& c : checks) {
    if (!c.ok) {
      *error = "field " + std::to_string(c.index) + " is not an integer: '" +
               std::string(f[c.index - 3]) + "'";
      return false;
    }
  }
  return true;
}

bool ParsePidIo(std::string_view text, PidIoBytes* out, std::string* error) {
  for (auto [key, dst] : {std::pair{"read_bytes", &out->read_bytes},
                          std::pair{"write_bytes", &out->write_bytes}}) {
    std::string_view v = KeyValue(text, key);
    if (!ToInteger(v, dst)) {
      *error = v.empty() ? std::string("no ") + key
                         : std::string(key) + " is not a number: '" +
                               std::string(v) + "'";
      return false;
    }
  }
  return true;
}

PidUnit ParsePidUnit(std::string_view text) {
  std::string_view unified, named;
  bool have_unified = false, have_named = false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    // "ID:controllers:path"; the path may contain ':'.
    const size_t a = line.find(':');
    if (a == std::string_view::npos) continue;
    const size_t b = line.find(':', a + 1);
    if (b == std::string_view::npos) continue;
    std::string_view controllers = line.substr(a + 1, b - a - 1);
    std::string_view path = line.substr(b + 1);
    if (controllers == "name=systemd") {
      named = path;
      have_named = true;
    } else if (line.substr(0, a) == "0" && controllers.empty()) {
      unified = path;
      have_unified = true;
    }
  }
  std::string_view path = have_named ? named : have_unified ? unified : "/";
  // The deepest component that names a unit.
  size_t end = path.size();
  while (end > 0) {
    const size_t slash = path.rfind('/', end - 1);
    const size_t begin = slash == std::string_view::npos ? 0 : slash + 1;
    std::string_view c = path.substr(begin, end - begin);
    if (IsUnitName(c)) return {path.substr(0, end), c};
    if (slash == std::string_view::npos) break;
    end = slash;
  }
  return {"/", "-.slice"};
}

bool IsLeafUnit(std::string_view unit) {
  return unit.ends_with(".service") || unit.ends_with(".scope");
}

namespace {

// The user and system lines of a cgroup's keyed CPU file (the cgroup
// collector's parse), in seconds: each count divided by `per_second`.
Result<CgroupUsage> UserSystem(std::string_view text, const char* user_key,
                               const char* system_key, double per_second) {
  const Result<CgroupKeyed> keyed = ParseCgroupKeyed(text);
  if (!keyed.ok()) return Result<CgroupUsage>::Fail(keyed.error);
  const auto user = keyed.value.find(user_key);
  const auto system = keyed.value.find(system_key);
  if (user == keyed.value.end() || system == keyed.value.end()) {
    return Result<CgroupUsage>::Fail(std::string("no ") + user_key + " and " +
                                     system_key);
  }
  Result<CgroupUsage> out;
  out.value.user_seconds = static_cast<double>(user->second) / per_second;
  out.value.system_seconds = static_cast<double>(system->second) / per_second;
  return out;
}

}  // namespace

Result<CgroupUsage> ParseCgroupCpuStat(std::string_view text) {
  return UserSystem(text, "user_usec", "system_usec", 1e6);
}

Result<CgroupUsage> ParseCpuacctStat(std::string_view text,
                                     double ticks_per_second) {
  return UserSystem(text, "user", "system", ticks_per_second);
}

namespace {

// The cgroup collector's parse of the devices, summed over them.
Result<CgroupIoBytes> SumDevices(Result<std::vector<CgroupIoDevice>> r) {
  Result<CgroupIoBytes> out;
  if (!r.ok()) return Result<CgroupIoBytes>::Fail(r.error);
  for (const auto& d : r.value) {
    out.value.read_bytes += static_cast<double>(d.rbytes);
    out.value.write_bytes += static_cast<double>(d.wbytes);
  }
  return out;
}

}  // namespace

Result<CgroupIoBytes> ParseCgroupIoTotals(std::string_view text) {
  return SumDevices(ParseCgroupIoStat(text));
}

Result<CgroupIoBytes> ParseBlkioServiceBytes(std::string_view text) {
  Result<std::vector<CgroupIoDevice>> r;
  auto merged = MergeCgroupBlkio(text, BlkioKind::kBytes, &r.value);
  if (!merged.ok()) return Result<CgroupIoBytes>::Fail(merged.error);
  return SumDevices(std::move(r));
}

}  // namespace host_exporter::parse
