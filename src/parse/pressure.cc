#include "parse/pressure.h"

#include <string>

namespace host_exporter::parse {
namespace {

// The value of "key=value" if `field` has that key, else nullopt.
std::optional<std::string_view> ValueOf(std::string_view field,
                                        std::string_view key) {
  if (field.size() <= key.size() || field.substr(0, key.size()) != key ||
      field[key.size()] != '=') {
    return std::nullopt;
  }
  return field.substr(key.size() + 1);
}

}  // namespace

Result<PsiStats> ParsePressure(std::string_view text) {
  Result<PsiStats> r;
  const auto lines = SplitLines(text);
  for (size_t n = 0; n < lines.size(); ++n) {
    const auto fields = SplitFields(lines[n]);
    if (fields.empty()) continue;
    std::optional<PsiLine>* slot = nullptr;
    if (fields[0] == "some") {
      slot = &r.value.some;
    } else if (fields[0] == "full") {
      slot = &r.value.full;
    } else {
      continue;
    }
    if (fields.size() < 5) {
      return Result<PsiStats>::Fail(
          LineError(n, "expected avg10=, avg60=, avg300= and total=, got " +
                           std::to_string(fields.size() - 1) + " fields"));
    }
    PsiLine line;
    double* avgs[] = {&line.avg10, &line.avg60, &line.avg300};
    const char* names[] = {"avg10", "avg60", "avg300"};
    for (int i = 0; i < 3; ++i) {
      auto raw = ValueOf(fields[1 + i], names[i]);
      auto v = raw ? ParseDouble(*raw) : std::nullopt;
      if (!v) {
        return Result<PsiStats>::Fail(
            LineError(n, std::string("bad ") + names[i] + " field: '" +
                             std::string(fields[1 + i]) + "'"));
      }
      *avgs[i] = *v;
    }
    auto raw = ValueOf(fields[4], "total");
    auto total = raw ? ParseU64(*raw) : std::nullopt;
    if (!total) {
      return Result<PsiStats>::Fail(
          LineError(n, "bad total field: '" + std::string(fields[4]) + "'"));
    }
    line.total_us = *total;
    *slot = line;
  }
  return r;
}

}  // namespace host_exporter::parse
