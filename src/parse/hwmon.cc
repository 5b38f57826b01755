#include "parse/hwmon.h"

#include "parse/parse_util.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::parse {
namespace {

// The regexp's "(_(?P<property>.+))?$" on what follows type and id: empty,
// or '_' and at least one character that is not a newline ('.' does not
// match one).
bool PropertyTailMatches(std::string_view rest) {
  if (rest.empty()) return true;
  if (rest.size() < 2 || rest[0] != '_') return false;
  return rest.substr(1).find('\n') == std::string_view::npos;
}

}  // namespace

std::optional<SensorFilename> ExplodeSensorFilename(std::string_view name) {
  // The type is a run of non-digits from the start; the id is the digits
  // after it. Go prefers the longest type, then the longest id, that still
  // lets the rest match.
  size_t type_end = 0;
  while (type_end < name.size() && !IsDigit(name[type_end])) ++type_end;
  if (type_end == 0) return std::nullopt;
  for (size_t t = type_end; t >= 1; --t) {
    std::string_view id;
    std::string_view rest = name.substr(t);
    if (t == type_end) {
      size_t id_end = t;
      while (id_end < name.size() && IsDigit(name[id_end])) ++id_end;
      id = name.substr(t, id_end - t);
      rest = name.substr(id_end);
    }
    if (!PropertyTailMatches(rest)) continue;
    SensorFilename out;
    out.type = std::string(name.substr(0, t));
    if (!id.empty()) {
      auto n = ParseGoInt(id, 10);
      if (!n) return std::nullopt;
      out.number = *n;
    }
    if (!rest.empty()) out.property = std::string(rest.substr(1));
    return out;
  }
  return std::nullopt;
}

bool IsHwmonSensorType(std::string_view type) {
  static constexpr std::string_view kHwmonTypes[] = {
      "vrm",       "beep_enable", "update_interval",
      "in",        "cpu",         "fan",
      "pwm",       "temp",        "curr",
      "power",     "energy",      "humidity",
      "intrusion",
  };
  for (std::string_view t : kHwmonTypes) {
    if (t == type) return true;
  }
  return false;
}

std::string CleanMetricName(std::string_view name) {
  std::string out;
  while (!name.empty()) {
    const size_t n = Utf8RuneLength(name);
    char c = name[0];
    if (n == 1 && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool keep =
        n == 1 && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == ':' || c == '_');
    out.push_back(keep ? c : '_');
    name.remove_prefix(n);
  }
  const size_t first = out.find_first_not_of('_');
  if (first == std::string::npos) return "";
  const size_t last = out.find_last_not_of('_');
  return out.substr(first, last - first + 1);
}

}  // namespace host_exporter::parse
