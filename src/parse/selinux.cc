#include "parse/selinux.h"

namespace host_exporter::parse {

Result<int> ParseSelinuxConfigMode(std::string_view text) {
  Result<int> r;
  r.value = kSelinuxDisabled;
  for (std::string_view line : SplitLines(text)) {
    line = Trim(line);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos || line.substr(0, eq) != "SELINUX") {
      continue;
    }
    std::string_view v = line.substr(eq + 1);
    while (!v.empty() && v.front() == '"') v.remove_prefix(1);
    while (!v.empty() && v.back() == '"') v.remove_suffix(1);
    if (v == "enforcing") {
      r.value = kSelinuxEnforcing;
    } else if (v == "permissive") {
      r.value = kSelinuxPermissive;
    }
    return r;  // the first SELINUX= line decides
  }
  return r;
}

Result<int> ParseSelinuxEnforce(std::string_view text) {
  Result<int> r;
  auto v = ParseI64(Trim(text));
  r.value = v && *v >= -2147483648LL && *v <= 2147483647LL
                ? static_cast<int>(*v)
                : kSelinuxDisabled;
  return r;
}

}  // namespace host_exporter::parse
