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
  return ParseLines<PsiStats>(
      text,
      [](size_t, std::string_view text_line, PsiStats* out) -> std::string {
        const auto fields = SplitFields(text_line);
        if (fields.empty()) return "";
        std::optional<PsiLine>* slot = nullptr;
        if (fields[0] == "some") {
          slot = &out->some;
        } else if (fields[0] == "full") {
          slot = &out->full;
        } else {
          return "";
        }
        if (fields.size() < 5) {
          return "expected avg10=, avg60=, avg300= and total=, got " +
                 std::to_string(fields.size() - 1) + " fields";
        }
        PsiLine line;
        double* avgs[] = {&line.avg10, &line.avg60, &line.avg300};
        const char* names[] = {"avg10", "avg60", "avg300"};
        for (int i = 0; i < 3; ++i) {
          auto raw = ValueOf(fields[1 + i], names[i]);
          auto v = raw ? ParseDouble(*raw) : std::nullopt;
          if (!v) {
            return std::string("bad ") + names[i] + " field: '" +
                   std::string(fields[1 + i]) + "'";
          }
          *avgs[i] = *v;
        }
        auto raw = ValueOf(fields[4], "total");
        auto total = raw ? ParseU64(*raw) : std::nullopt;
        if (!total) return "bad total field: '" + std::string(fields[4]) + "'";
        line.total_us = *total;
        *slot = line;
        return "";
      });
}

}  // namespace host_exporter::parse
