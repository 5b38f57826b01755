#include "parse/meminfo_numa.h"

#include "parse/meminfo.h"

namespace host_exporter::parse {

Result<std::vector<NumaMeminfoField>> ParseNumaMeminfo(std::string_view text) {
  using Fields = std::vector<NumaMeminfoField>;
  return ParseLines<Fields>(
      text, [](size_t, std::string_view line, Fields* out) -> std::string {
        const auto f = SplitFields(line);
        if (f.empty()) return {};
        if (f.size() < 4) {
          return "expected at least 4 fields, got " + std::to_string(f.size());
        }
        auto v = ParseDouble(f[3]);
        if (!v) {
          return "value is not a number: '" + std::string(f[3]) + "'";
        }
        double value = *v;
        if (f.size() == 5 && f[4] == "kB") {
          value *= 1024;
        } else if (f.size() != 4) {
          return "invalid line: '" + std::string(Trim(line)) + "'";
        }
        std::string_view name = f[2];
        while (!name.empty() && name.back() == ':') name.remove_suffix(1);
        std::string metric = MeminfoMetricName(name);
        out->push_back({std::move(metric), std::string(f[1]), value});
        return {};
      });
}

Result<std::vector<NumastatField>> ParseNumastat(std::string_view text) {
  using Fields = std::vector<NumastatField>;
  return ParseLines<Fields>(
      text, [](size_t, std::string_view line, Fields* out) {
        if (SplitFields(line).empty()) return std::string();
        auto nv = ParseNameNumber(line, true);
        if (nv.ok())
          out->push_back({std::string(nv.value.first), nv.value.second});
        return nv.error;
      });
}

}  // namespace host_exporter::parse
