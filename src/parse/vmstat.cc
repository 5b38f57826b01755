#include "parse/vmstat.h"

namespace host_exporter::parse {

Result<std::vector<std::pair<std::string, double>>> ParseVmstat(
    std::string_view text) {
  using Fields = std::vector<std::pair<std::string, double>>;
  return ParseLines<Fields>(
      text, [](size_t, std::string_view line, Fields* out) {
        auto nv = ParseNameNumber(line, false);
        if (nv.ok())
          out->emplace_back(std::string(nv.value.first), nv.value.second);
        return nv.error;
      });
}

}  // namespace host_exporter::parse
