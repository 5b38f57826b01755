#include "parse/schedstat.h"

namespace host_exporter::parse {
namespace {

bool SchedstatAllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

Result<std::vector<SchedstatCpu>> ParseSchedstat(std::string_view text) {
  Result<std::vector<SchedstatCpu>> r;
  for (std::string_view line : SplitLines(text)) {
    const auto f = SplitFields(line);
    if (f.size() < 10 || f[0].substr(0, 3) != "cpu" ||
        !SchedstatAllDigits(f[0].substr(3))) {
      continue;
    }
    bool numeric = true;
    for (size_t i = 1; i < 10; ++i)
      numeric = numeric && SchedstatAllDigits(f[i]);
    if (!numeric) continue;
    auto running = ParseU64(f[7]);
    auto waiting = ParseU64(f[8]);
    auto slices = ParseU64(f[9]);
    if (!running || !waiting || !slices) continue;  // beyond 2^64
    r.value.push_back(
        {std::string(f[0].substr(3)), *running, *waiting, *slices});
  }
  return r;
}

}  // namespace host_exporter::parse
