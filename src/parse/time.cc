#include "parse/time.h"

namespace host_exporter::parse {

Result<Clocksource> ParseClocksource(std::string_view available,
                                     std::string_view current) {
  Result<Clocksource> r;
  // Go's strings.Fields also splits on newlines; the file has just one line.
  for (std::string_view line : SplitLines(available)) {
    for (std::string_view name : SplitFields(Trim(line))) {
      r.value.available.emplace_back(name);
    }
  }
  r.value.current = std::string(Trim(current));
  return r;
}

}  // namespace host_exporter::parse
