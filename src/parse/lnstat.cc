#include "parse/per_cpu_counters.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::parse {

Result<std::vector<PerCpuCounter>> ParseLnstat(std::string_view text) {
  using R = Result<std::vector<PerCpuCounter>>;
  R r;
  const auto lines = SplitLines(text);
  if (lines.empty()) return r;
  for (std::string_view h : GoFields(lines[0])) {
    r.value.push_back({std::string(h), {}});
  }
  for (size_t n = 1; n < lines.size(); ++n) {
    const auto words = GoFields(lines[n]);
    if (words.size() > r.value.size()) {
      return R::Fail(
          LineError(n, std::to_string(words.size()) + " values for " +
                           std::to_string(r.value.size()) + " column names"));
    }
    for (size_t i = 0; i < words.size(); ++i) {
      // Go's strconv.ParseUint(word, 16, 64).
      const std::string_view w = words[i];
      const size_t first = w.find_first_not_of('0');
      bool ok = first == std::string_view::npos || w.size() - first <= 16;
      uint64_t v = 0;
      for (char c : w) {
        const int d = HexDigit(c);
        if (d < 0) ok = false;
        v = (v << 4) | static_cast<uint64_t>(d < 0 ? 0 : d);
      }
      if (!ok) {
        return R::Fail(LineError(
            n, "not a hexadecimal counter: '" + std::string(w) + "'"));
      }
      r.value[i].per_cpu.push_back(v);
    }
  }
  return r;
}

}  // namespace host_exporter::parse
