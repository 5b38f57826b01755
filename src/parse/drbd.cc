#include "parse/drbd.h"

namespace host_exporter::parse {

std::vector<DrbdDevice> ParseDrbd(std::string_view text) {
  std::vector<DrbdDevice> out;
  const std::vector<std::string_view> lines = SplitLines(text);
  for (size_t n = 0; n < lines.size(); ++n) {
    for (std::string_view word : SplitFields(lines[n])) {
      const auto kv = Split(word, ':');
      if (kv.size() != 2) continue;
      if (kv[1].empty() && ParseU64(kv[0])) {
        out.push_back({"drbd" + std::to_string(*ParseU64(kv[0])), {}});
        continue;
      }
      if (out.empty()) out.push_back({"unknown", {}});
      out.back().fields.push_back({std::string(kv[0]), std::string(kv[1]), n});
    }
  }
  return out;
}

}  // namespace host_exporter::parse
