#include "parse/sysctl_value.h"

#include <string>

#include "parse/sysfs_attr.h"

namespace host_exporter::parse {

Result<uint64_t> ParseSysctlUint(std::string_view text) {
  std::string_view v = Trim(text);
  if (v.empty()) return Result<uint64_t>::Fail("empty file");
  auto n = ParseU64(v);
  if (!n) {
    return Result<uint64_t>::Fail(
        LineError(0, "not an unsigned integer: '" + std::string(v) + "'"));
  }
  Result<uint64_t> r;
  r.value = *n;
  return r;
}

std::vector<std::string> ParseSysctlStrings(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view w : GoFields(text)) out.emplace_back(w);
  return out;
}

Result<std::vector<int64_t>> ParseSysctlInts(std::string_view text) {
  Result<std::vector<int64_t>> r;
  const auto words = GoFields(text);
  for (size_t i = 0; i < words.size(); ++i) {
    auto v = ParseGoInt(words[i], 0);
    if (!v) {
      return Result<std::vector<int64_t>>::Fail("field " + std::to_string(i) +
                                                " is not a valid int: '" +
                                                std::string(words[i]) + "'");
    }
    r.value.push_back(*v);
  }
  return r;
}

std::string SysctlSelector::Path() const {
  std::string p = name;
  for (char& c : p) {
    if (c == '.') c = '/';
  }
  return p;
}

SysctlSelector ParseSysctlSelector(std::string_view flag_value) {
  SysctlSelector s;
  const size_t colon = flag_value.find(':');
  s.name = std::string(flag_value.substr(0, colon));
  if (colon != std::string_view::npos) {
    for (std::string_view k : Split(flag_value.substr(colon + 1), ',')) {
      s.keys.emplace_back(k);
    }
  }
  return s;
}

}  // namespace host_exporter::parse
