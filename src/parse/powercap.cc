#include "parse/powercap.h"

#include "parse/parse_util.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::parse {

RaplZoneName SplitRaplZoneName(std::string_view name) {
  auto parts = Split(name, '-');
  if (parts.size() == 2) {
    if (auto index = ParseGoInt(parts[1], 10)) {
      return {std::string(parts[0]), *index};
    }
  }
  return {std::string(name), std::nullopt};
}

std::string SanitizeMetricName(std::string_view name) {
  std::string out;
  size_t i = 0;
  while (i < name.size()) {
    // Try a match at i: underscores, at least one other character, then
    // underscores.
    size_t j = i;
    while (j < name.size() && name[j] == '_') ++j;
    size_t k = j;
    while (k < name.size() && !IsWordChar(name[k])) ++k;
    if (k == j) {
      out.push_back(name[i]);
      ++i;
      continue;
    }
    while (k < name.size() && name[k] == '_') ++k;
    out.push_back('_');
    i = k;
  }
  return out;
}

}  // namespace host_exporter::parse
