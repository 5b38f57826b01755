#include "parse/softnet.h"

#include <charconv>
#include <string>
#include <utility>

namespace host_exporter::parse {

Result<std::vector<SoftnetStat>> ParseSoftnetStat(std::string_view text) {
  using R = Result<std::vector<SoftnetStat>>;
  constexpr size_t kMinColumns = 9;
  R r;
  auto lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    auto f = SplitFields(lines[i]);
    if (f.size() < kMinColumns) {
      return R::Fail(LineError(i, std::to_string(f.size()) +
                                      " columns were detected, but at least "
                                      "9 were expected"));
    }
    SoftnetStat s;
    s.index = static_cast<uint32_t>(i);
    // Column (0-based) -> field; the index column only with the backlog.
    const std::pair<size_t, uint32_t*> columns[] = {
        {0, &s.processed},     {1, &s.dropped},      {2, &s.time_squeezed},
        {8, &s.cpu_collision}, {9, &s.received_rps}, {10, &s.flow_limit_count},
        {11, &s.backlog_len},  {12, &s.index}};
    for (const auto& [k, field] : columns) {
      if (k >= f.size() || (k >= 11 && f.size() < 13)) continue;
      std::string_view v = f[k];
      auto [ptr, ec] =
          std::from_chars(v.data(), v.data() + v.size(), *field, 16);
      if (ec != std::errc() || ptr != v.data() + v.size()) {
        return R::Fail(LineError(i, "column " + std::to_string(k + 1) +
                                        " is not a 32-bit hex number: '" +
                                        std::string(v) + "'"));
      }
    }
    r.value.push_back(s);
  }
  return r;
}

}  // namespace host_exporter::parse
