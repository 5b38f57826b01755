#include "parse/sysfs_attr.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

#include "parse/utf8.h"

namespace host_exporter::parse {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// Go's strconv.underscoreOK: '_' only between digits, or between a base
// prefix and a digit.
bool UnderscoreOk(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && Lower(c) >= 'a' && Lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

// The UTF-8 encodings of the non-ASCII Unicode White_Space runes.
constexpr std::string_view kUnicodeSpaces[] = {
    "\xC2\x85",     "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\x80",
    "\xE2\x80\x81", "\xE2\x80\x82", "\xE2\x80\x83", "\xE2\x80\x84",
    "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87", "\xE2\x80\x88",
    "\xE2\x80\x89", "\xE2\x80\x8A", "\xE2\x80\xA8", "\xE2\x80\xA9",
    "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80",
};

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
         c == '\r';
}

// The length of a white-space rune at the start (front) or end of s, or 0.
// An ASCII byte there (a sysfs attribute's digits and newline) is one on its
// own: every other white-space rune is a sequence of non-ASCII bytes.
size_t SpaceAt(std::string_view s, bool front) {
  if (s.empty()) return 0;
  const char c = front ? s.front() : s.back();
  if (static_cast<unsigned char>(c) < 0x80) return IsAsciiSpace(c) ? 1 : 0;
  for (std::string_view sp : kUnicodeSpaces) {
    if (s.size() < sp.size()) continue;
    if ((front ? s.substr(0, sp.size()) : s.substr(s.size() - sp.size())) ==
        sp) {
      return sp.size();
    }
  }
  return 0;
}

int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// CVTTSD2SQ: truncation to int64, 0x8000000000000000 when out of range.
uint64_t TruncateToInt64Bits(double f) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (std::isnan(f) || f >= kTwo63 || f < -kTwo63) return 1ULL << 63;
  return static_cast<uint64_t>(static_cast<int64_t>(f));
}

}  // namespace

std::string_view GoTrimSpace(std::string_view s) {
  while (size_t n = SpaceAt(s, true)) s.remove_prefix(n);
  while (size_t n = SpaceAt(s, false)) s.remove_suffix(n);
  return s;
}

std::string_view NextGoField(std::string_view* rest) {
  std::string_view& s = *rest;
  while (size_t n = SpaceAt(s, true)) s.remove_prefix(n);
  size_t end = 0;
  while (end < s.size() && SpaceAt(s.substr(end), true) == 0) {
    end += Utf8RuneLength(s.substr(end));
  }
  const std::string_view field = s.substr(0, end);
  s.remove_prefix(end);
  return field;
}

std::vector<std::string_view> GoFields(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::string_view f = NextGoField(&s); !f.empty(); f = NextGoField(&s)) {
    out.push_back(f);
  }
  return out;
}

std::optional<uint64_t> ParseGoUint(std::string_view s, int base) {
  if (s.empty()) return std::nullopt;
  const bool base0 = base == 0;
  std::string_view digits = s;
  uint64_t b = base0 ? 10 : static_cast<uint64_t>(base);
  if (base0 && s[0] == '0') {
    if (s.size() >= 3 && Lower(s[1]) == 'b') {
      b = 2;
      digits = s.substr(2);
    } else if (s.size() >= 3 && Lower(s[1]) == 'o') {
      b = 8;
      digits = s.substr(2);
    } else if (s.size() >= 3 && Lower(s[1]) == 'x') {
      b = 16;
      digits = s.substr(2);
    } else {
      b = 8;
      digits = s.substr(1);
    }
  }
  uint64_t n = 0;
  bool underscores = false;
  for (char c : digits) {
    if (c == '_' && base0) {
      underscores = true;
      continue;
    }
    const int d = DigitValue(c);
    if (static_cast<uint64_t>(d) >= b) return std::nullopt;
    if (n > (std::numeric_limits<uint64_t>::max() - d) / b) return std::nullopt;
    n = n * b + d;
  }
  if (underscores && !UnderscoreOk(s)) return std::nullopt;
  return n;
}

std::optional<int64_t> ParseGoInt(std::string_view s, int base) {
  if (s.empty()) return std::nullopt;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  auto un = ParseGoUint(s, base);
  if (!un) return std::nullopt;
  constexpr uint64_t kCutoff = 1ULL << 63;
  if (!negative && *un >= kCutoff) return std::nullopt;
  if (negative && *un > kCutoff) return std::nullopt;
  if (negative) return static_cast<int64_t>(0 - *un);
  return static_cast<int64_t>(*un);
}

std::optional<double> ParseGoFloat(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool negative = false;
  bool has_sign = false;
  std::string_view body = s;
  if (body[0] == '+' || body[0] == '-') {
    negative = body[0] == '-';
    has_sign = true;
    body.remove_prefix(1);
  }
  if (EqualsIgnoreCase(body, "inf") || EqualsIgnoreCase(body, "infinity")) {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (!has_sign && EqualsIgnoreCase(body, "nan")) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (body.empty() || body[0] == '+' || body[0] == '-') return std::nullopt;
  const bool hex = body.size() > 2 && body[0] == '0' && Lower(body[1]) == 'x';
  std::string clean;
  bool underscores = false;
  bool exponent = false;
  for (size_t i = hex ? 2 : 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '_') {
      underscores = true;
      continue;
    }
    const bool digit = (c >= '0' && c <= '9') ||
                       (hex && Lower(c) >= 'a' && Lower(c) <= 'f' && !exponent);
    const bool exp_char = hex ? Lower(c) == 'p' : Lower(c) == 'e';
    if (!digit && !exp_char && c != '.' && c != '+' && c != '-') {
      return std::nullopt;
    }
    if (exp_char) exponent = true;
    clean.push_back(c);
  }
  if (underscores && !UnderscoreOk(s)) return std::nullopt;
  if (hex && !exponent) return std::nullopt;  // Go requires a 'p' exponent.
  double v = 0;
  const char* begin = clean.data();
  const char* end = begin + clean.size();
  auto [ptr, ec] = std::from_chars(
      begin, end, v, hex ? std::chars_format::hex : std::chars_format::general);
  if (ptr != end || clean.empty()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Overflow is an error in Go; underflow quietly gives 0 or a denormal.
    // strtod tells them apart (the process never calls setlocale).
    std::string text = hex ? "0x" + clean : clean;
    v = std::strtod(text.c_str(), nullptr);
    if (std::isinf(v)) return std::nullopt;
  } else if (ec != std::errc()) {
    return std::nullopt;
  }
  return negative ? -v : v;
}

uint64_t GoFloatToUint64(double f) {
  constexpr double kTwo63 = 9223372036854775808.0;
  if (f < kTwo63) return TruncateToInt64Bits(f);
  return TruncateToInt64Bits(f - kTwo63) | (1ULL << 63);
}

Result<uint64_t> ParseUintFile(std::string_view text) {
  const std::string_view value = GoTrimSpace(text);
  auto v = ParseGoUint(value, 10);
  if (!v) {
    return Result<uint64_t>::Fail(
        LineError(0, "not an unsigned integer: '" + std::string(value) + "'"));
  }
  return {*v, ""};
}

Result<int64_t> ParseIntFile(std::string_view text) {
  const std::string_view value = GoTrimSpace(text);
  auto v = ParseGoInt(value, 10);
  if (!v) {
    return Result<int64_t>::Fail(
        LineError(0, "not an integer: '" + std::string(value) + "'"));
  }
  return {*v, ""};
}

Result<uint64_t> ParseUintAttr(std::string_view value) {
  auto v = ParseGoUint(value, 0);
  if (!v) {
    return Result<uint64_t>::Fail(
        LineError(0, "not an unsigned integer: '" + std::string(value) + "'"));
  }
  return {*v, ""};
}

Result<int64_t> ParseIntAttr(std::string_view value) {
  auto v = ParseGoInt(value, 0);
  if (!v) {
    return Result<int64_t>::Fail(
        LineError(0, "not an integer: '" + std::string(value) + "'"));
  }
  return {*v, ""};
}

}  // namespace host_exporter::parse
