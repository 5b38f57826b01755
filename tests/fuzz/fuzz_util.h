// Helpers shared by the libFuzzer targets: invariant checks that trap (so a
// logic bug stops the fuzzer like a crash does) and input slicing.
#ifndef HOST_EXPORTER_TESTS_FUZZ_FUZZ_UTIL_H_
#define HOST_EXPORTER_TESTS_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::fuzz {

/// Traps (after printing what failed) when an invariant does not hold.
#define FUZZ_CHECK(cond)                                              \
  do {                                                                \
    if (!(cond)) {                                                    \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, \
                   __LINE__, #cond);                                  \
      __builtin_trap();                                               \
    }                                                                 \
  } while (0)

/// The fuzzer's bytes as text.
inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// True if `s` is well-formed UTF-8 (no overlong forms, no surrogates,
/// nothing above U+10FFFF). Written independently of the code under test.
inline bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t n;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 2, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 3, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      const auto t = static_cast<unsigned char>(s[i + k]);
      if ((t & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (t & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n;
  }
  return true;
}

/// Number of lines of `text` as parse::SplitLines counts them, plus one (a
/// parser may blame the line after the last, e.g. "line 4: missing ...").
inline size_t MaxLineNumber(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n + 2;
}

/// The invariants every parse::Result<T> must keep: an error is the only
/// way to fail, and an error of the form "line N: why" names a line that
/// exists (1-based, at most one past the end).
template <typename T>
void CheckResult(const parse::Result<T>& r, std::string_view text) {
  if (r.ok()) return;
  FUZZ_CHECK(!r.error.empty());
  std::string_view e = r.error;
  if (e.size() > 5 && e.substr(0, 5) == "line " && parse::IsDigit(e[5])) {
    size_t colon = e.find(':');
    FUZZ_CHECK(colon != std::string_view::npos);
    auto n = parse::ParseU64(e.substr(5, colon - 5));
    FUZZ_CHECK(n.has_value());
    FUZZ_CHECK(*n >= 1 && *n <= MaxLineNumber(text));
  }
}

/// Splits off the first byte (a selector or a small number); 0 if empty.
inline uint8_t TakeByte(std::string_view* s) {
  if (s->empty()) return 0;
  auto b = static_cast<uint8_t>((*s)[0]);
  s->remove_prefix(1);
  return b;
}

/// Splits off everything up to the first '\n' (dropped); all if none.
inline std::string_view TakeLine(std::string_view* s) {
  size_t nl = s->find('\n');
  std::string_view line = s->substr(0, nl);
  s->remove_prefix(nl == std::string_view::npos ? s->size() : nl + 1);
  return line;
}

/// True if every byte of `s` is in [0-9A-Za-z_] (plus `extra`).
inline bool AllIn(std::string_view s, std::string_view extra = "") {
  for (char c : s) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                       (c >= 'A' && c <= 'Z') || c == '_';
    if (!alnum && extra.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace host_exporter::fuzz

#endif  // HOST_EXPORTER_TESTS_FUZZ_FUZZ_UTIL_H_
