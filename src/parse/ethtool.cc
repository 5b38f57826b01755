#include "parse/ethtool.h"

namespace host_exporter::parse {
namespace {

constexpr size_t kGstringLen = 32;  // ETH_GSTRING_LEN

bool IsNameChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
         (c >= 'a' && c <= 'z') || c == '_';
}

// Go's regexp `(^|_)word(_|$)` replaced by "${1}<with>${2}": non-overlapping
// matches, left to right.
std::string ReplaceWord(const std::string& s, std::string_view word,
                        std::string_view with) {
  std::string out;
  size_t p = 0;
  while (p <= s.size()) {
    // Try the alternatives of (^|_) at p in order: "^", then "_".
    size_t start = std::string::npos;  // where `word` would begin
    std::string_view lead;
    for (int alt = 0; alt < 2 && start == std::string::npos; ++alt) {
      size_t w = p;
      std::string_view l;
      if (alt == 0) {
        if (p != 0) continue;
      } else {
        if (p >= s.size() || s[p] != '_') continue;
        w = p + 1;
        l = "_";
      }
      if (s.compare(w, word.size(), word) != 0 || w + word.size() > s.size()) {
        continue;
      }
      const size_t after = w + word.size();
      if (after == s.size() || s[after] == '_') {
        start = w;
        lead = l;
      }
    }
    if (start == std::string::npos) {
      if (p < s.size()) out.push_back(s[p]);
      ++p;
      continue;
    }
    out.append(lead);
    out.append(with);
    size_t after = start + word.size();
    if (after < s.size()) {  // (_|$) consumed the '_'
      out.push_back('_');
      ++after;
    }
    p = after;
    if (p == s.size()) break;
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> ParseEthtoolStrings(std::string_view data,
                                                     size_t count) {
  using R = Result<std::vector<std::string>>;
  if (data.size() / kGstringLen < count) {
    return R::Fail("expected " + std::to_string(count) + " names of " +
                   std::to_string(kGstringLen) + " bytes, got " +
                   std::to_string(data.size()) + " bytes");
  }
  R r;
  r.value.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    std::string_view slot = data.substr(i * kGstringLen, kGstringLen);
    const size_t nul = slot.find('\0');
    if (nul != std::string_view::npos) slot = slot.substr(0, nul);
    r.value.emplace_back(slot);
  }
  return r;
}

std::string SanitizeEthtoolStatName(std::string_view name) {
  std::string out;
  size_t literal_underscores = 0;  // trailing '_' of `out` copied from input
  size_t i = 0;
  while (i < name.size()) {
    const char c = name[i];
    if (IsNameChar(c)) {
      out.push_back(c);
      literal_underscores = c == '_' ? literal_underscores + 1 : 0;
      ++i;
      continue;
    }
    out.resize(out.size() - literal_underscores);
    literal_underscores = 0;
    while (i < name.size() && !IsNameChar(name[i])) ++i;
    while (i < name.size() && name[i] == '_') ++i;
    out.push_back('_');
  }
  return out;
}

std::string EthtoolMetricName(std::string_view stat) {
  std::string name = SanitizeEthtoolStatName(stat);
  for (char& c : name) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  const size_t first = name.find_first_not_of('_');
  name = first == std::string::npos ? std::string() : name.substr(first);
  name = ReplaceWord(name, "rx", "received");
  name = ReplaceWord(name, "tx", "transmitted");
  return name.empty() ? "node_ethtool" : "node_ethtool_" + name;
}

}  // namespace host_exporter::parse
