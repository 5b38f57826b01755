#include "parse/meminfo.h"

#include <algorithm>
#include <string>

namespace host_exporter::parse {

std::string MeminfoMetricName(std::string_view key) {
  const size_t open = key.find('(');
  if (open == std::string_view::npos) return std::string(key);
  const size_t close = key.rfind(')');
  if (close == std::string_view::npos || close < open) {
    return std::string(key);
  }
  std::string out(key.substr(0, open));
  out += '_';
  out += key.substr(open + 1, close - open - 1);
  out += key.substr(close + 1);
  return out;
}

std::string MeminfoFieldName(const MeminfoField& field) {
  std::string name = MeminfoMetricName(field.key);
  if (field.bytes) name += "_bytes";
  return name;
}

Result<std::vector<MeminfoField>> ParseMeminfo(std::string_view text) {
  using R = Result<std::vector<MeminfoField>>;
  R r = ParseLines<std::vector<MeminfoField>>(
      text,
      [&](size_t, std::string_view line,
          std::vector<MeminfoField>* out) -> std::string {
        // "Name: value [kB]", the fields taken one by one (no vector).
        if (out->capacity() == 0) {  // one allocation, not one per doubling
          out->reserve(
              static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) +
              1);
        }
        std::string_view rest = Trim(line);
        const std::string_view name = NextField(&rest);
        if (name.empty()) return {};
        const std::string_view number = NextField(&rest);
        const std::string_view unit = NextField(&rest);
        if (number.empty() || !NextField(&rest).empty()) {
          return "expected 'Name: value [kB]', got '" +
                 std::string(Trim(line)) + "'";
        }
        if (name.size() < 2 || name.back() != ':') {
          return "expected a name ending in ':', got '" + std::string(name) +
                 "'";
        }
        auto value = ParseDouble(number);
        if (!value) {
          return "value is not a number: '" + std::string(number) + "'";
        }
        // A unit is always kB; node_exporter presumes so without checking.
        const bool bytes = !unit.empty();
        out->push_back({name.substr(0, name.size() - 1), bytes,
                        bytes ? *value * 1024 : *value});
        return {};
      });
  if (!r.ok()) return r;
  if (r.value.empty()) return R::Fail("empty file");
  return r;
}

}  // namespace host_exporter::parse
