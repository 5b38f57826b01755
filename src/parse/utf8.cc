#include "parse/utf8.h"

namespace host_exporter::parse {

size_t ValidRuneLength(std::string_view s) {
  if (s.empty()) return 0;
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (s.size() < 2) return 0;
    const unsigned char lo = (c == 0xE0) ? 0xA0 : 0x80;
    const unsigned char hi = (c == 0xED) ? 0x9F : 0xBF;
    if (b(1) < lo || b(1) > hi) return 0;
    return cont(2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (s.size() < 2) return 0;
    const unsigned char lo = (c == 0xF0) ? 0x90 : 0x80;
    const unsigned char hi = (c == 0xF4) ? 0x8F : 0xBF;
    if (b(1) < lo || b(1) > hi) return 0;
    return (cont(2) && cont(3)) ? 4 : 0;
  }
  return 0;
}

bool IsValidUtf8(std::string_view s) {
  while (!s.empty()) {
    const size_t n = ValidRuneLength(s);
    if (n == 0) return false;
    s.remove_prefix(n);
  }
  return true;
}

std::string ToValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool in_invalid_run = false;
  while (!s.empty()) {
    const size_t n = ValidRuneLength(s);
    if (n == 0) {
      if (!in_invalid_run) out.append("\xEF\xBF\xBD");
      in_invalid_run = true;
      s.remove_prefix(1);
      continue;
    }
    in_invalid_run = false;
    out.append(s.substr(0, n));
    s.remove_prefix(n);
  }
  return out;
}

size_t Utf8RuneLength(std::string_view s) {
  if (s.empty()) return 0;
  const size_t n = ValidRuneLength(s);
  return n == 0 ? 1 : n;
}

}  // namespace host_exporter::parse
