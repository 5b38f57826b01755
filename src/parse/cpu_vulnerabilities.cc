#include "parse/cpu_vulnerabilities.h"

#include "parse/sysfs_attr.h"

namespace host_exporter::parse {
namespace {

// True if `s` starts with the lower-case ASCII `prefix`, ignoring case.
bool HasPrefixFold(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// The words after the first, joined by single spaces.
std::string Rest(std::string_view text) {
  const auto words = GoFields(text);
  std::string out;
  for (size_t i = 1; i < words.size(); ++i) {
    if (i > 1) out += ' ';
    out += words[i];
  }
  return out;
}

}  // namespace

CpuVulnerability ParseCpuVulnerability(std::string_view text) {
  text = GoTrimSpace(text);
  if (HasPrefixFold(text, "not affected")) return {"not affected", ""};
  for (const char* state : {"vulnerable", "mitigation", "unknown"}) {
    if (HasPrefixFold(text, state)) return {state, Rest(text)};
  }
  return {"unknown", std::string(text)};
}

}  // namespace host_exporter::parse
