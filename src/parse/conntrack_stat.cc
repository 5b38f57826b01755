#include "parse/conntrack_stat.h"

#include <charconv>
#include <string>

namespace host_exporter::parse {

Result<std::vector<ConntrackStatEntry>> ParseConntrackStat(
    std::string_view text) {
  using R = Result<std::vector<ConntrackStatEntry>>;
  constexpr size_t kColumns = 17;
  R r;
  auto lines = SplitLines(text);
  for (size_t i = 1; i < lines.size(); ++i) {
    auto f = SplitFields(lines[i]);
    if (f.size() != kColumns) {
      return R::Fail(
          LineError(i, "expected 17 fields, got " + std::to_string(f.size())));
    }
    ConntrackStatEntry e;
    // Column index and destination of each exposed counter.
    const std::pair<size_t, uint64_t*> columns[] = {
        {0, &e.entries}, {2, &e.found},       {4, &e.invalid},
        {5, &e.ignore},  {8, &e.insert},      {9, &e.insert_failed},
        {10, &e.drop},   {11, &e.early_drop}, {16, &e.search_restart},
    };
    for (const auto& [col, out] : columns) {
      std::string_view s = f[col];
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, 16);
      if (ec != std::errc() || ptr != s.data() + s.size()) {
        return R::Fail(LineError(i, "field " + std::to_string(col + 1) +
                                        " is not a hex number: '" +
                                        std::string(s) + "'"));
      }
    }
    r.value.push_back(e);
  }
  return r;
}

}  // namespace host_exporter::parse
