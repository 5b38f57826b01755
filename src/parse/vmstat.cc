#include "parse/vmstat.h"

namespace host_exporter::parse {

Result<std::vector<std::pair<std::string, double>>> ParseVmstat(
    std::string_view text) {
  using R = Result<std::vector<std::pair<std::string, double>>>;
  R r;
  const auto lines = SplitLines(text);
  for (size_t n = 0; n < lines.size(); ++n) {
    const auto f = SplitFields(lines[n]);
    if (f.size() < 2) {
      return R::Fail(
          LineError(n, "expected 2 fields, got " + std::to_string(f.size())));
    }
    auto v = ParseDouble(f[1]);
    if (!v) {
      return R::Fail(
          LineError(n, "value is not a number: '" + std::string(f[1]) + "'"));
    }
    r.value.emplace_back(std::string(f[0]), *v);
  }
  return r;
}

}  // namespace host_exporter::parse
