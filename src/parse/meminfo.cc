#include "parse/meminfo.h"

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

Result<std::vector<MeminfoField>> ParseMeminfo(std::string_view text) {
  using R = Result<std::vector<MeminfoField>>;
  R r = ParseLines<std::vector<MeminfoField>>(
      text,
      [&](size_t, std::string_view line,
          std::vector<MeminfoField>* out) -> std::string {
        const auto parts = SplitFields(Trim(line));
        if (parts.empty()) return {};
        if (parts.size() < 2 || parts.size() > 3) {
          return "expected 'Name: value [kB]', got '" +
                 std::string(Trim(line)) + "'";
        }
        if (parts[0].size() < 2 || parts[0].back() != ':') {
          return "expected a name ending in ':', got '" +
                 std::string(parts[0]) + "'";
        }
        auto value = ParseDouble(parts[1]);
        if (!value) {
          return "value is not a number: '" + std::string(parts[1]) + "'";
        }
        std::string name =
            MeminfoMetricName(parts[0].substr(0, parts[0].size() - 1));
        double v = *value;
        // A unit is always kB; node_exporter presumes so without checking.
        if (parts.size() == 3) {
          v *= 1024;
          name += "_bytes";
        }
        bool replaced = false;
        for (MeminfoField& f : *out) {
          if (f.name == name) {
            f.value = v;
            replaced = true;
            break;
          }
        }
        if (!replaced) out->push_back({std::move(name), v});
        return {};
      });
  if (!r.ok()) return r;
  if (r.value.empty()) return R::Fail("empty file");
  return r;
}

}  // namespace host_exporter::parse
