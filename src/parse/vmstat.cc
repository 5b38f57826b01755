#include "parse/vmstat.h"

namespace host_exporter::parse {

std::string ParseVmstat(std::string_view text, std::vector<CounterView>* out) {
  size_t pos = 0;
  std::string_view line;
  for (size_t i = 0; NextLine(text, &pos, &line); ++i) {
    // The kernel's "name value": the name up to the one space, without a
    // tab, and a number (which has no blank) after it.
    const size_t space = line.find(' ');
    if (space != 0 && space != std::string_view::npos &&
        line.substr(0, space).find('\t') == std::string_view::npos &&
        IsNumber(line.substr(space + 1))) {
      out->push_back({{}, line.substr(0, space), line.substr(space + 1)});
      continue;
    }
    // Anything else as SplitFields splits it.
    std::string_view name;
    std::string_view value;
    std::string why = SplitNameNumber(line, false, &name, &value);
    if (!why.empty()) return LineError(i, why);
    out->push_back({{}, name, value});
  }
  return "";
}

}  // namespace host_exporter::parse
