#include "parse/arp.h"

namespace host_exporter::parse {

Result<std::vector<ArpEntry>> ParseArp(std::string_view text) {
  constexpr size_t kHeaderWidth = 9;
  constexpr size_t kDataWidth = 6;
  Result<std::vector<ArpEntry>> r;
  auto lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    auto f = SplitFields(lines[i]);
    if (f.empty() || f.size() == kHeaderWidth) continue;
    if (f.size() != kDataWidth) {
      return Result<std::vector<ArpEntry>>::Fail(
          LineError(i, std::to_string(f.size()) +
                           " columns were detected, but 6 were expected"));
    }
    r.value.push_back(
        {std::string(f[0]), std::string(f[3]), std::string(f[5])});
  }
  return r;
}

}  // namespace host_exporter::parse
