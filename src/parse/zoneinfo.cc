#include "parse/zoneinfo.h"

#include "parse/parse_util.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::parse {

namespace {

// The leftmost match of `(\d+), zone\s+(\w+)` in `line`, as Go's
// FindStringSubmatch.
bool MatchNodeZone(std::string_view line, std::string* node,
                   std::string* zone) {
  constexpr std::string_view kSep = ", zone";
  for (size_t i = 0; i < line.size(); ++i) {
    if (!IsDigit(line[i]) || (i > 0 && IsDigit(line[i - 1]))) continue;
    size_t j = i;
    while (j < line.size() && IsDigit(line[j])) ++j;
    if (line.substr(j, kSep.size()) != kSep) continue;
    size_t k = j + kSep.size();
    const size_t space = k;
    while (k < line.size() && IsRegexpSpace(line[k])) ++k;
    if (k == space) continue;
    const size_t word = k;
    while (k < line.size() && IsWordChar(line[k])) ++k;
    if (k == word) continue;
    *node = std::string(line.substr(i, j - i));
    *zone = std::string(line.substr(word, k - word));
    return true;
  }
  return false;
}

// "protection: (0, 2039, 31932)": procfs takes the text after the first
// ':', removes the first '(' and ')', trims, splits at ", " and needs every
// part to be a base-10 integer.
bool ParseProtection(std::string_view line, std::vector<int64_t>* out) {
  std::string s(line.substr(line.find(':') + 1));
  if (auto p = s.find('('); p != std::string::npos) s.erase(p, 1);
  if (auto p = s.find(')'); p != std::string::npos) s.erase(p, 1);
  const std::string_view values = GoTrimSpace(s);
  std::vector<int64_t> parsed;
  size_t start = 0;
  while (true) {
    const size_t end = values.find(", ", start);
    auto v = ParseGoInt(values.substr(start, end == std::string_view::npos
                                                 ? std::string_view::npos
                                                 : end - start),
                        10);
    if (!v) return false;
    parsed.push_back(*v);
    if (end == std::string_view::npos) break;
    start = end + 2;
  }
  *out = std::move(parsed);
  return true;
}

}  // namespace

std::vector<ZoneinfoBlock> ParseZoneinfo(std::string_view text) {
  std::vector<ZoneinfoBlock> out;
  constexpr std::string_view kBlockSep = "\nNode";
  size_t pos = 0;
  while (true) {
    const size_t end = text.find(kBlockSep, pos);
    const std::string_view block =
        text.substr(pos, end == std::string_view::npos ? std::string_view::npos
                                                       : end - pos);
    ZoneinfoBlock z;
    for (std::string_view line : Split(block, '\n')) {
      if (MatchNodeZone(line, &z.node, &z.zone)) continue;
      const std::string_view trimmed = GoTrimSpace(line);
      if (trimmed.starts_with("per-node stats")) continue;
      const auto parts = GoFields(trimmed);
      if (parts.size() < 2) continue;
      if (parts[0] == "protection:") {
        ParseProtection(line, &z.protection);
        continue;
      }
      auto v = ParseGoInt(parts[1], 0);
      if (v) {
        z.values[std::string(parts[0])] = *v;
      } else {
        z.values.erase(std::string(parts[0]));
      }
    }
    out.push_back(std::move(z));
    if (end == std::string_view::npos) break;
    pos = end + kBlockSep.size();
  }
  return out;
}

}  // namespace host_exporter::parse
