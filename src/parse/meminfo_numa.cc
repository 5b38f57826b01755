#include "parse/meminfo_numa.h"

namespace host_exporter::parse {

Result<std::vector<NumaMeminfoField>> ParseNumaMeminfo(std::string_view text) {
  using R = Result<std::vector<NumaMeminfoField>>;
  R r;
  const auto lines = SplitLines(text);
  for (size_t n = 0; n < lines.size(); ++n) {
    const auto f = SplitFields(lines[n]);
    if (f.empty()) continue;
    if (f.size() < 4) {
      return R::Fail(LineError(
          n, "expected at least 4 fields, got " + std::to_string(f.size())));
    }
    auto v = ParseDouble(f[3]);
    if (!v) {
      return R::Fail(
          LineError(n, "value is not a number: '" + std::string(f[3]) + "'"));
    }
    double value = *v;
    if (f.size() == 5 && f[4] == "kB") {
      value *= 1024;
    } else if (f.size() != 4) {
      return R::Fail(
          LineError(n, "invalid line: '" + std::string(Trim(lines[n])) + "'"));
    }
    std::string_view name = f[2];
    while (!name.empty() && name.back() == ':') name.remove_suffix(1);
    // "Active(anon)" -> "Active_anon": the text from the first '(' to the
    // last ')' becomes '_' + its inside (Go: `\((.*)\)` -> "_${1}").
    std::string metric(name);
    const size_t open = metric.find('(');
    const size_t close = metric.rfind(')');
    if (open != std::string::npos && close != std::string::npos &&
        close > open) {
      metric = metric.substr(0, open) + "_" +
               metric.substr(open + 1, close - open - 1) +
               metric.substr(close + 1);
    }
    r.value.push_back({std::move(metric), std::string(f[1]), value});
  }
  return r;
}

Result<std::vector<NumastatField>> ParseNumastat(std::string_view text) {
  using R = Result<std::vector<NumastatField>>;
  R r;
  const auto lines = SplitLines(text);
  for (size_t n = 0; n < lines.size(); ++n) {
    const auto f = SplitFields(lines[n]);
    if (f.empty()) continue;
    if (f.size() != 2) {
      return R::Fail(
          LineError(n, "expected 2 fields, got " + std::to_string(f.size())));
    }
    auto v = ParseDouble(f[1]);
    if (!v) {
      return R::Fail(
          LineError(n, "value is not a number: '" + std::string(f[1]) + "'"));
    }
    r.value.push_back({std::string(f[0]), *v});
  }
  return r;
}

}  // namespace host_exporter::parse
