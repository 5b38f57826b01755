#include "parse/softnet.h"

#include <charconv>
#include <string>

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
    uint32_t* out[] = {&s.processed, &s.dropped, &s.time_squeezed};
    for (size_t k = 0; k < 3; ++k) {
      std::string_view v = f[k];
      auto [ptr, ec] =
          std::from_chars(v.data(), v.data() + v.size(), *out[k], 16);
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
