#include "parse/duration.h"

#include <cstdint>
#include <utility>

namespace host_exporter::parse {
namespace {

using Nanos = std::chrono::nanoseconds;

constexpr uint64_t kDurationTwo63 = uint64_t{1} << 63;

// Quotes `s` for an error message: printable ASCII and UTF-8 as is, '"' and
// '\' escaped, other control bytes as \xNN (close to Go's quote()).
std::string DurationQuote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

// Consumes leading [0-9]*; false on overflow past 2^63 (Go's leadingInt).
bool LeadingInt(std::string_view* s, uint64_t* x) {
  size_t i = 0;
  *x = 0;
  for (; i < s->size() && IsDigit((*s)[i]); ++i) {
    if (*x > kDurationTwo63 / 10) return false;
    *x = *x * 10 + static_cast<uint64_t>((*s)[i] - '0');
    if (*x > kDurationTwo63) return false;
  }
  s->remove_prefix(i);
  return true;
}

// Consumes leading [0-9]* after a '.', returning value/scale; digits past
// what fits just stop adding precision (Go's leadingFraction).
void LeadingFraction(std::string_view* s, uint64_t* x, double* scale) {
  size_t i = 0;
  *x = 0;
  *scale = 1;
  bool overflow = false;
  for (; i < s->size() && IsDigit((*s)[i]); ++i) {
    if (overflow) continue;
    if (*x > (kDurationTwo63 - 1) / 10) {
      overflow = true;
      continue;
    }
    uint64_t y = *x * 10 + static_cast<uint64_t>((*s)[i] - '0');
    if (y > kDurationTwo63) {
      overflow = true;
      continue;
    }
    *x = y;
    *scale *= 10;
  }
  s->remove_prefix(i);
}

// Nanoseconds per unit, or 0 for an unknown unit.
uint64_t UnitNanos(std::string_view u) {
  static constexpr std::pair<std::string_view, uint64_t> kDurationUnits[] = {
      {"ns", 1},
      {"us", 1000},
      {"\xC2\xB5s", 1000},  // U+00B5 micro sign
      {"\xCE\xBCs", 1000},  // U+03BC Greek small letter mu
      {"ms", 1000 * 1000},
      {"s", 1000 * 1000 * 1000},
      {"m", uint64_t{60} * 1000 * 1000 * 1000},
      {"h", uint64_t{3600} * 1000 * 1000 * 1000},
  };
  for (const auto& [name, nanos] : kDurationUnits) {
    if (name == u) return nanos;
  }
  return 0;
}

// Writes the fraction v / 10^prec (".5", without trailing zeros, nothing if
// zero) before position *w of buf; returns v / 10^prec (Go's fmtFrac).
uint64_t FmtFrac(char* buf, int* w, uint64_t v, int prec) {
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    uint64_t digit = v % 10;
    print = print || digit != 0;
    if (print) buf[--*w] = static_cast<char>('0' + digit);
    v /= 10;
  }
  if (print) buf[--*w] = '.';
  return v;
}

// Writes v in decimal before position *w of buf (Go's fmtInt).
void FmtInt(char* buf, int* w, uint64_t v) {
  if (v == 0) {
    buf[--*w] = '0';
    return;
  }
  while (v > 0) {
    buf[--*w] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

}  // namespace

Result<Nanos> ParseDuration(std::string_view s) {
  using R = Result<Nanos>;
  const std::string_view orig = s;
  const std::string invalid = "invalid duration " + DurationQuote(orig);
  if (!s.empty() && s.front() == '-') {
    return R::Fail("negative duration " + DurationQuote(orig) +
                   " is not allowed");
  }
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s == "0") return R{};
  if (s.empty()) return R::Fail(invalid);

  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s.front() == '.' || IsDigit(s.front()))) return R::Fail(invalid);
    uint64_t v = 0;
    const size_t before = s.size();
    if (!LeadingInt(&s, &v)) return R::Fail(invalid);
    const bool pre = s.size() != before;

    uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s.front() == '.') {
      s.remove_prefix(1);
      const size_t at = s.size();
      LeadingFraction(&s, &f, &scale);
      post = s.size() != at;
    }
    if (!pre && !post) return R::Fail(invalid);  // ".s"

    size_t i = 0;
    while (i < s.size() && s[i] != '.' && !IsDigit(s[i])) ++i;
    if (i == 0)
      return R::Fail("missing unit in duration " + DurationQuote(orig));
    const std::string_view unit_name = s.substr(0, i);
    s.remove_prefix(i);
    const uint64_t unit = UnitNanos(unit_name);
    if (unit == 0) {
      return R::Fail("unknown unit " + DurationQuote(unit_name) +
                     " in duration " + DurationQuote(orig));
    }
    if (v > kDurationTwo63 / unit) return R::Fail(invalid);
    v *= unit;
    if (f > 0) {
      // Double precision keeps fractions of an hour nanosecond-exact, as in
      // Go: f * unit / scale <= 3.6e12.
      v += static_cast<uint64_t>(static_cast<double>(f) *
                                 (static_cast<double>(unit) / scale));
      if (v > kDurationTwo63) return R::Fail(invalid);
    }
    total += v;
    if (total > kDurationTwo63) return R::Fail(invalid);
  }
  if (total > kDurationTwo63 - 1) return R::Fail(invalid);
  R r;
  r.value = Nanos(static_cast<int64_t>(total));
  return r;
}

std::string FormatDuration(Nanos d) {
  // The longest is "-2562047h47m16.854775808s" (25 bytes).
  char buf[32];
  int w = sizeof buf;
  const bool neg = d.count() < 0;
  uint64_t u = static_cast<uint64_t>(d.count());
  if (neg) u = ~u + 1;  // two's complement magnitude, safe for INT64_MIN

  constexpr uint64_t kSecond = 1000 * 1000 * 1000;
  if (u < kSecond) {
    // Below a second: the largest sub-second unit, e.g. "1.2ms".
    if (u == 0) return "0s";
    int prec = 0;
    buf[--w] = 's';
    if (u < 1000) {
      buf[--w] = 'n';
    } else if (u < 1000 * 1000) {
      prec = 3;
      buf[--w] = '\xB5';  // "µ" is 0xC2 0xB5 in UTF-8
      buf[--w] = '\xC2';
    } else {
      prec = 6;
      buf[--w] = 'm';
    }
    u = FmtFrac(buf, &w, u, prec);
    FmtInt(buf, &w, u);
  } else {
    buf[--w] = 's';
    u = FmtFrac(buf, &w, u, 9);
    FmtInt(buf, &w, u % 60);  // seconds
    u /= 60;
    if (u > 0) {
      buf[--w] = 'm';
      FmtInt(buf, &w, u % 60);  // minutes
      u /= 60;
      // Hours are the largest unit: days can have different lengths.
      if (u > 0) {
        buf[--w] = 'h';
        FmtInt(buf, &w, u);
      }
    }
  }
  if (neg) buf[--w] = '-';
  return std::string(buf + w, sizeof buf - static_cast<size_t>(w));
}

}  // namespace host_exporter::parse
