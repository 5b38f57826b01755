#include "host_exporter/encoder.h"

#include <isa-l/igzip_lib.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "host_exporter/string_map.h"

namespace host_exporter {
namespace {

using Label = prometheus::ClientMetric::Label;

// Nonzero when a byte of the word x is b, eight bytes in a few instructions
// (the "has a zero byte" test on x ^ b..b: as a yes or no it is exact).
constexpr uint64_t HasByte(uint64_t x, unsigned char b) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  const uint64_t v = x ^ (kOnes * b);
  return (v - kOnes) & ~v & (kOnes << 7);
}

// The bytes up to the first one AppendEscaped escapes, eight at a time:
// label values and help texts rarely have one.
size_t PlainPrefix(std::string_view s, bool quote) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, sizeof w);
    if (HasByte(w, '\\') | HasByte(w, '\n') | (quote ? HasByte(w, '"') : 0)) {
      break;
    }
  }
  return i;
}

// A text form written through a pointer into its string: the string is
// sized ahead (one memset for the whole body) and each line makes room for
// its longest text once (Ensure), then its bytes are stored without the
// size and capacity checks of a std::string append each. Finish() cuts
// the string to what was written.
class Writer {
 public:
  Writer(std::string* out, size_t estimate) : out_(out) {
    const size_t used = out->size();
    out->resize(used + estimate);
    Reset(used);
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Room for n more bytes.
  void Ensure(size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) Grow(n);
  }
  void Put(char c) { *p_++ = c; }
  void Put(std::string_view s) {
    if (s.empty()) return;  // an empty view's data() may be null: no memcpy
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  // A string of any length: room made for it first.
  void Append(std::string_view s) {
    Ensure(s.size());
    Put(s);
  }
  char*& Cursor() { return p_; }
  void Finish() { out_->resize(static_cast<size_t>(p_ - out_->data())); }

 private:
  void Reset(size_t used) {
    p_ = out_->data() + used;
    end_ = out_->data() + out_->size();
  }
  void Grow(size_t n) {
    const size_t used = static_cast<size_t>(p_ - out_->data());
    out_->resize(std::max(out_->size() * 2, used + n + 4096));
    Reset(used);
  }

  std::string* out_;
  char* p_ = nullptr;
  char* end_ = nullptr;
};

// The bytes AppendEscaped escapes: 1 for a backslash and a newline, 2 for
// a double quote (escaped only in quoted strings).
constexpr std::array<unsigned char, 256> kEscaped = [] {
  std::array<unsigned char, 256> t{};
  t['\\'] = 1;
  t['\n'] = 1;
  t['"'] = 2;
  return t;
}();

// s escaped (backslash, newline, and a double quote if quote), with room
// for it made first (twice its size: every byte may be escaped). The whole
// of s is copied at once and its bytes after the words PlainPrefix cleared
// are looked at; from the first one escaped on, they are written again one
// by one (rare: label values and help texts seldom have one).
void AppendEscaped(Writer* w, std::string_view s, bool quote) {
  w->Ensure(2 * s.size());
  char*& p = w->Cursor();
  char* const start = p;
  w->Put(s);
  const unsigned char escapes = quote ? 3 : 1;
  size_t i = PlainPrefix(s, quote);
  while (i < s.size() &&
         !(kEscaped[static_cast<unsigned char>(s[i])] & escapes)) {
    ++i;
  }
  if (i == s.size()) return;
  p = start + i;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (kEscaped[static_cast<unsigned char>(c)] & escapes) {
      *p++ = '\\';
      *p++ = c == '\n' ? 'n' : c;
    } else {
      *p++ = c;
    }
  }
}

// The bytes of legacy names (a digit not first).
constexpr std::array<bool, 256> kLegacyByte = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           c == ':' || (c >= '0' && c <= '9');
  }
  return t;
}();

bool LegacyRune(char32_t c, size_t i) {
  return c < kLegacyByte.size() && kLegacyByte[c] &&
         (i > 0 || c < '0' || c > '9');
}

// Decodes the UTF-8 rune at s[*i] and advances *i; an invalid byte is
// returned as U+FFFD after advancing by one (the snapshot has made names
// valid UTF-8 already; this only keeps hostile bytes from misbehaving).
char32_t NextRune(std::string_view s, size_t* i) {
  const auto b = static_cast<unsigned char>(s[*i]);
  int n = b < 0x80         ? 1
          : (b >> 5) == 6  ? 2
          : (b >> 4) == 14 ? 3
          : (b >> 3) == 30 ? 4
                           : 0;
  if (n == 0 || *i + n > s.size()) {
    ++*i;
    return 0xFFFD;
  }
  char32_t c = n == 1 ? b : b & (0x7F >> n);
  for (int k = 1; k < n; ++k) {
    const auto cb = static_cast<unsigned char>(s[*i + k]);
    if ((cb & 0xC0) != 0x80) {
      ++*i;
      return 0xFFFD;
    }
    c = (c << 6) | (cb & 0x3F);
  }
  *i += n;
  return c;
}

void AppendRune(std::string* out, char32_t c) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// The syntax rules shared by text 0.0.4/1.0.0 and OpenMetrics.
struct Style {
  bool om = false;  // OpenMetrics: floats "1.0", HELP escapes '"'
  Escaping escaping = Escaping::kUnderscores;
  bool names_legacy = false;  // every name known legacy: none checked
};

// A value's text in a buffer of its own (no allocation): what FormatValue
// or OpenMetrics' float form gives.
struct ValueText {
  char buf[40];
  size_t size = 0;
  operator std::string_view() const { return {buf, size}; }
};

// FormatValue's text of v into t.
void FormatValueInto(double v, ValueText* t) {
  char* const buf = t->buf;
  auto put = [&](std::string_view s) {
    std::memcpy(buf, s.data(), s.size());
    t->size = s.size();
  };
  if (std::isnan(v)) return put("NaN");
  if (std::isinf(v)) return put(v > 0 ? "+Inf" : "-Inf");
  if (v == 0) return put(std::signbit(v) ? "-0" : "0");
  // Most values are whole numbers: one below 1e6 is its digits, as Go's
  // strconv.FormatFloat(v, 'g', -1, 64) writes it (below its exponent
  // form's threshold, and the shortest digits that round-trip).
  if (v > -1e6 && v < 1e6) {
    const auto whole = static_cast<int32_t>(v);
    if (static_cast<double>(whole) == v) {
      t->size = static_cast<size_t>(
          std::to_chars(buf, buf + sizeof t->buf, whole).ptr - buf);
      return;
    }
  }
  // A larger whole number below 2^53 (byte and packet counters): every
  // integer there is a double of its own, so its shortest round-trip digits
  // are its decimal digits without the trailing zeros, and with 7 to 16
  // digits it is in the exponent form (1.000001e+06, 2.70553174016e+11).
  constexpr double kExact = 9007199254740992.0;  // 2^53
  if (v > -kExact && v < kExact) {
    const auto whole = static_cast<int64_t>(v);
    if (static_cast<double>(whole) == v) {
      char digits[20];
      const uint64_t magnitude =
          whole < 0 ? uint64_t(0) - static_cast<uint64_t>(whole)
                    : static_cast<uint64_t>(whole);
      char* end = std::to_chars(digits, digits + sizeof digits, magnitude).ptr;
      const int exp10 = static_cast<int>(end - digits) - 1;  // 6 to 15
      while (end[-1] == '0') --end;
      char* p = buf;
      if (whole < 0) *p++ = '-';
      *p++ = digits[0];
      if (end - digits > 1) {
        *p++ = '.';
        std::memcpy(p, digits + 1, static_cast<size_t>(end - digits - 1));
        p += end - digits - 1;
      }
      *p++ = 'e';
      *p++ = '+';
      *p++ = static_cast<char>('0' + exp10 / 10);
      *p++ = static_cast<char>('0' + exp10 % 10);
      t->size = static_cast<size_t>(p - buf);
      return;
    }
  }
  // Shortest round-trip digits in scientific form tell the decimal exponent.
  auto sci =
      std::to_chars(buf, buf + sizeof t->buf, v, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(sci.ptr - buf));
  size_t e = s.find('e');
  int exp = 0;
  const char* digits = s.data() + e + 1;
  if (*digits == '+') ++digits;  // from_chars takes no '+'
  std::from_chars(digits, s.data() + s.size(), exp);
  // strconv.FormatFloat(v, 'g', -1, 64), as Prometheus' Go encoder writes
  // values, switches to the exponent form at exp < -4 || exp >= 6
  // (6.5733099e+07), and so do we: byte-identical values ease comparisons.
  if (exp < -4 || exp >= 6) {
    t->size = s.size();
    return;
  }
  auto fix =
      std::to_chars(buf, buf + sizeof t->buf, v, std::chars_format::fixed);
  t->size = static_cast<size_t>(fix.ptr - buf);
}

// FormatValue's text of v.
ValueText TextFloat(double v) {
  ValueText t;
  FormatValueInto(v, &t);
  return t;
}

// OpenMetrics' float: FormatValue's text with ".0" after a whole number.
ValueText OmFloat(double v) {
  ValueText t = TextFloat(v == 0 ? 0.0 : v);  // -0 too, as "0.0"
  const std::string_view s = t;
  if (!std::isnan(v) && !std::isinf(v) &&
      s.find_first_of("e.") == std::string_view::npos) {
    t.buf[t.size++] = '.';
    t.buf[t.size++] = '0';
  }
  return t;
}

ValueText StyleFloat(const Style& st, double v) {
  return st.om ? OmFloat(v) : TextFloat(v);
}

// Whether `name` is in the legacy charset: known for every name of a
// snapshot that said so (Style::names_legacy), checked otherwise.
bool Legacy(const Style& st, std::string_view name) {
  return st.names_legacy || IsLegacyName(name);
}

// A name (already escaped by the scheme): as is if legacy, else quoted (only
// kAllowUtf8 leaves such names).
void AppendName(Writer* w, const Style& st, std::string_view name) {
  if (Legacy(st, name)) {
    w->Append(name);
  } else {
    w->Ensure(2);
    w->Put('"');
    AppendEscaped(w, name, true);
    w->Ensure(1);
    w->Put('"');
  }
}

void AppendLabelName(Writer* w, const Style& st, const std::string& name) {
  if (Legacy(st, name)) {
    w->Append(name);
  } else {
    AppendName(w, st, EscapeName(name, st.escaping));
  }
}

// One sample line: name+suffix, labels, an extra label (le, quantile), the
// value, the timestamp. A name outside the legacy charset goes inside the
// braces, quoted, as client_golang writes it.
// `legacy`: whether name+suffix is a legacy name (LegacyWithSuffix()),
// worked out once per family.
void AppendSeries(Writer* w, const Style& st, std::string_view name,
                  std::string_view suffix, const std::vector<Label>& labels,
                  std::string_view extra_name, std::string_view extra_value,
                  std::string_view value, int64_t timestamp_ms, bool legacy) {
  char sep = '{';
  bool braces = false;
  if (legacy) {
    w->Ensure(name.size() + suffix.size());
    w->Put(name);
    w->Put(suffix);
  } else {
    w->Ensure(2);
    w->Put('{');
    w->Put('"');
    braces = true;
    sep = ',';
    AppendEscaped(w, name, true);
    AppendEscaped(w, suffix, true);
    w->Ensure(1);
    w->Put('"');
  }
  if (!labels.empty() || !extra_name.empty()) {
    for (const auto& l : labels) {
      w->Ensure(1);
      w->Put(sep);
      sep = ',';
      AppendLabelName(w, st, l.name);
      w->Ensure(2);
      w->Put('=');
      w->Put('"');
      AppendEscaped(w, l.value, true);
      w->Ensure(1);
      w->Put('"');
    }
    if (!extra_name.empty()) {
      w->Ensure(extra_name.size() + extra_value.size() + 4);
      w->Put(sep);
      w->Put(extra_name);
      w->Put('=');
      w->Put('"');
      w->Put(extra_value);
      w->Put('"');
    }
    braces = true;
  }
  // '}', ' ', the value, ' ' and the timestamp (at most 40 bytes), '\n'
  w->Ensure(value.size() + 44);
  if (braces) w->Put('}');
  w->Put(' ');
  w->Put(value);
  if (timestamp_ms != 0) {
    w->Put(' ');
    if (st.om) {
      w->Put(
          std::string_view(OmFloat(static_cast<double>(timestamp_ms) / 1000)));
    } else {
      char buf[24];
      w->Put(std::string_view(
          buf,
          static_cast<size_t>(
              std::to_chars(buf, buf + sizeof buf, timestamp_ms).ptr - buf)));
    }
  }
  w->Put('\n');
}

void AppendComment(Writer* w, const Style& st, std::string_view what,
                   std::string_view name, std::string_view text, bool escape) {
  w->Ensure(what.size() + 3);
  w->Put('#');
  w->Put(' ');
  w->Put(what);
  w->Put(' ');
  AppendName(w, st, name);
  w->Ensure(1);
  w->Put(' ');
  if (escape) {
    AppendEscaped(w, text, st.om);
  } else {
    w->Append(text);
  }
  w->Ensure(1);
  w->Put('\n');
}

// The samples of one family in the text forms. `created` is the series'
// created times (may be null or short); written only in OpenMetrics.
void AppendSamples(Writer* w, const Style& st,
                   const prometheus::MetricFamily& f, std::string_view name,
                   const std::vector<double>* created,
                   std::string_view total = {}) {
  // The suffixes ("_total", "_sum", "_bucket", ...) are legacy names'
  // bytes: with one, a name is legacy if it is, or is empty.
  const bool plain = Legacy(st, name);
  const bool suffixed = plain || name.empty();
  for (size_t i = 0; i < f.metric.size(); ++i) {
    const auto& m = f.metric[i];
    const double ct =
        st.om && created && i < created->size() ? (*created)[i] : 0;
    auto count = [&](uint64_t n) {
      if (!st.om) return TextFloat(static_cast<double>(n));
      ValueText t;
      t.size = static_cast<size_t>(
          std::to_chars(t.buf, t.buf + sizeof t.buf, n).ptr - t.buf);
      return t;
    };
    switch (f.type) {
      case prometheus::MetricType::Counter:
        AppendSeries(w, st, name, total, m.label, {}, {},
                     StyleFloat(st, m.counter.value), m.timestamp_ms,
                     total.empty() ? plain : suffixed);
        break;
      case prometheus::MetricType::Gauge:
        AppendSeries(w, st, name, {}, m.label, {}, {},
                     StyleFloat(st, m.gauge.value), m.timestamp_ms, plain);
        break;
      case prometheus::MetricType::Untyped:
        AppendSeries(w, st, name, {}, m.label, {}, {},
                     StyleFloat(st, m.untyped.value), m.timestamp_ms, plain);
        break;
      case prometheus::MetricType::Summary: {
        for (const auto& q : m.summary.quantile) {
          AppendSeries(w, st, name, {}, m.label, "quantile",
                       TextFloat(q.quantile), StyleFloat(st, q.value),
                       m.timestamp_ms, plain);
        }
        AppendSeries(w, st, name, "_sum", m.label, {}, {},
                     StyleFloat(st, m.summary.sample_sum), m.timestamp_ms,
                     suffixed);
        AppendSeries(w, st, name, "_count", m.label, {}, {},
                     count(m.summary.sample_count), m.timestamp_ms, suffixed);
        break;
      }
      case prometheus::MetricType::Histogram: {
        bool has_inf = false;
        for (const auto& b : m.histogram.bucket) {
          if (std::isinf(b.upper_bound)) has_inf = true;
          AppendSeries(w, st, name, "_bucket", m.label, "le",
                       TextFloat(b.upper_bound), count(b.cumulative_count),
                       m.timestamp_ms, suffixed);
        }
        if (!has_inf) {
          AppendSeries(w, st, name, "_bucket", m.label, "le", "+Inf",
                       count(m.histogram.sample_count), m.timestamp_ms,
                       suffixed);
        }
        AppendSeries(w, st, name, "_sum", m.label, {}, {},
                     StyleFloat(st, m.histogram.sample_sum), m.timestamp_ms,
                     suffixed);
        AppendSeries(w, st, name, "_count", m.label, {}, {},
                     count(m.histogram.sample_count), m.timestamp_ms, suffixed);
        break;
      }
    }
    if (ct > 0 && f.type != prometheus::MetricType::Gauge &&
        f.type != prometheus::MetricType::Untyped) {
      AppendSeries(w, st, name, "_created", m.label, {}, {}, OmFloat(ct),
                   m.timestamp_ms, suffixed);
    }
  }
}

// A family's text size to size the body for: it grows if it is more.
size_t Estimate(const prometheus::MetricFamily& f) {
  return 96 + f.metric.size() * 64;
}

size_t Estimate(const Families& families) {
  size_t estimate = 0;
  for (const auto& f : families) estimate += Estimate(f);
  return estimate;
}

}  // namespace

std::string_view EscapingName(Escaping e) {
  switch (e) {
    case Escaping::kAllowUtf8:
      return "allow-utf-8";
    case Escaping::kUnderscores:
      return "underscores";
    case Escaping::kDots:
      return "dots";
    case Escaping::kValues:
      return "values";
  }
  return "underscores";
}

bool IsLegacyName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  for (char c : name) {
    if (!kLegacyByte[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

std::string EscapeName(std::string_view name, Escaping scheme) {
  if (name.empty() || scheme == Escaping::kAllowUtf8 || IsLegacyName(name)) {
    return std::string(name);
  }
  std::string out;
  out.reserve(name.size() + 8);
  if (scheme == Escaping::kValues) out.append("U__");
  for (size_t i = 0; i < name.size();) {
    const size_t at = i;  // Go ranges over byte offsets
    const char32_t c = NextRune(name, &i);
    switch (scheme) {
      case Escaping::kUnderscores:
        out.push_back(LegacyRune(c, at) ? static_cast<char>(c) : '_');
        break;
      case Escaping::kDots:
        if (c == '_') {
          out.append("__");
        } else if (c == '.') {
          out.append("_dot_");
        } else if (LegacyRune(c, at)) {
          out.push_back(static_cast<char>(c));
        } else {
          out.append("__");
        }
        break;
      case Escaping::kValues:
        if (c == '_') {
          out.append("__");
        } else if (LegacyRune(c, at)) {
          out.push_back(static_cast<char>(c));
        } else {
          char buf[16];
          auto r = std::to_chars(buf, buf + sizeof buf,
                                 static_cast<uint32_t>(c), 16);
          out.push_back('_');
          out.append(buf, r.ptr);
          out.push_back('_');
        }
        break;
      case Escaping::kAllowUtf8:
        AppendRune(&out, c);
        break;
    }
  }
  return out;
}

std::string_view UnitOf(std::string_view name) {
  static constexpr std::string_view kUnits[] = {
      "seconds", "bytes", "joules", "watts",  "volts", "amperes",
      "celsius", "hertz", "ratio",  "meters", "grams", "kelvin"};
  // The word after the last '_' (not the name's first byte).
  const size_t underscore = name.rfind('_');
  if (underscore == std::string_view::npos || underscore == 0) return {};
  const std::string_view last = name.substr(underscore + 1);
  for (std::string_view u : kUnits) {
    if (u == last) return u;
  }
  return {};
}

const char* TypeName(prometheus::MetricType t) {
  switch (t) {
    case prometheus::MetricType::Counter:
      return "counter";
    case prometheus::MetricType::Gauge:
      return "gauge";
    case prometheus::MetricType::Summary:
      return "summary";
    case prometheus::MetricType::Histogram:
      return "histogram";
    case prometheus::MetricType::Untyped:
      return "untyped";
  }
  return "untyped";
}

std::string FormatValue(double v) { return std::string(TextFloat(v)); }

namespace {

void AppendTextFamily(const prometheus::MetricFamily& f, Writer* w,
                      const Style& st) {
  const Escaping escaping = st.escaping;
  // Escaped into a new string only when the scheme changes the name.
  std::string escaped;
  std::string_view name = f.name;
  if (escaping != Escaping::kAllowUtf8 && !Legacy(st, name)) {
    escaped = EscapeName(name, escaping);
    name = escaped;
  }
  AppendComment(w, st, "HELP", name, f.help, true);
  AppendComment(w, st, "TYPE", name, TypeName(f.type), false);
  AppendSamples(w, st, f, name, nullptr);
}

}  // namespace

void AppendTextFamily(const prometheus::MetricFamily& f, std::string* out,
                      Escaping escaping) {
  Writer w(out, Estimate(f));
  AppendTextFamily(f, &w, Style{false, escaping});
  w.Finish();
}

std::string EncodeText(const Families& families, Escaping escaping,
                       bool names_legacy) {
  const Style st{false, escaping, names_legacy};
  std::string out;
  Writer w(&out, Estimate(families));
  for (const auto& f : families) AppendTextFamily(f, &w, st);
  w.Finish();
  return out;
}

namespace {

// The comment lines (HELP, TYPE, UNIT) of each family as EncodeOpenMetrics
// wrote them last, by family name, kept from encode to encode: a family's
// name, help and type rarely change, and copying its lines costs a fifth of
// making them (escaping the help, checking the name, finding the unit): on
// the fixture tree's 528 families about 0.5 million instructions a cycle.
// One encoder at a time uses it (another, finding it taken, writes its
// lines itself); it is emptied when it holds more than kMax names.
struct OmHeaders {
  struct Entry {
    std::string help;
    prometheus::MetricType type;
    Escaping escaping;
    std::string text;
  };
  using Map = StringMap<Entry>;
  static constexpr size_t kMax = 16384;

  std::mutex mu;
  Map by_name;
};

OmHeaders& Headers() {
  static auto* headers = new OmHeaders;  // never destroyed: used at exit
  return *headers;
}

// The comment lines of family `f` shown as `name` (escaped, without a
// counter's "_total"), typed `type_name`.
void AppendOmHeader(Writer* w, const Style& st,
                    const prometheus::MetricFamily& f, std::string_view name,
                    std::string_view type_name) {
  AppendComment(w, st, "HELP", name, f.help, true);
  AppendComment(w, st, "TYPE", name, type_name, false);
  std::string_view unit = UnitOf(name);
  if (!unit.empty()) AppendComment(w, st, "UNIT", name, unit, false);
}

}  // namespace

std::string EncodeOpenMetrics(const Families& families,
                              const CreatedTimes& created, Escaping escaping,
                              bool names_legacy) {
  const Style st{true, escaping, names_legacy};
  std::string out;
  Writer w(&out, Estimate(families) * 5 / 4);
  std::unique_lock<std::mutex> kept(Headers().mu, std::try_to_lock);
  OmHeaders::Map* headers = kept.owns_lock() ? &Headers().by_name : nullptr;
  if (headers && headers->size() > OmHeaders::kMax) headers->clear();
  for (size_t i = 0; i < families.size(); ++i) {
    const auto& f = families[i];
    // EscapeName() checks the name itself unless the snapshot said; a
    // legacy name is not copied.
    std::string escaped;
    std::string_view name = f.name;
    if (!st.names_legacy) {
      escaped = EscapeName(f.name, escaping);
      name = escaped;
    }
    // A counter is named without "_total" and its samples with it. One whose
    // name lacks the suffix is served as unknown under its own name: with the
    // suffix added, Prometheus would store it under a new name, and the
    // series a text scrape stored would end.
    const bool counter =
        f.type == prometheus::MetricType::Counter && name.ends_with("_total");
    if (counter) name.remove_suffix(6);
    const bool unknown =
        f.type == prometheus::MetricType::Untyped ||
        (f.type == prometheus::MetricType::Counter && !counter);
    const std::string_view type_name = unknown ? "unknown" : TypeName(f.type);
    if (headers == nullptr) {
      AppendOmHeader(&w, st, f, name, type_name);
    } else {
      // A new entry's text is empty: made below.
      OmHeaders::Entry& e = headers->try_emplace(f.name).first->second;
      if (e.text.empty() || e.type != f.type || e.escaping != escaping ||
          e.help != f.help) {
        e.help.assign(f.help);
        e.type = f.type;
        e.escaping = escaping;
        e.text.clear();
        Writer hw(&e.text, f.help.size() + 3 * name.size() + 48);
        AppendOmHeader(&hw, st, f, name, type_name);
        hw.Finish();
      }
      w.Append(e.text);
    }
    AppendSamples(&w, st, f, name,
                  !unknown && i < created.size() ? &created[i] : nullptr,
                  counter ? "_total" : "");
  }
  w.Append("# EOF\n");
  w.Finish();
  return out;
}

namespace {

// ISA-L's igzip compresses a whole buffer in one call (stateless), which is
// what a snapshot's form is. At its level 1 it took 0.29 ms for a small
// fleet host's 193 KB OpenMetrics body (to 33.8 KB) where libdeflate's
// fastest level took 0.89 ms (to 31.9 KB), and zlib's level 1 is slower
// still: gzip had been a third of a cycle's instructions. Its levels are 0
// to 3. A stream's state (82 KB) and its level's hash buffer (the "small"
// size: 84 KB at level 1, as fast here as the default 276 KB) are kept per
// level and lent to one caller at a time; a caller finding them lent out
// makes its own.
struct Igzip {
  explicit Igzip(int level) : level(level) {
    static constexpr uint32_t kBuffer[] = {
        0, ISAL_DEF_LVL1_SMALL, ISAL_DEF_LVL2_SMALL, ISAL_DEF_LVL3_SMALL};
    level_buf.resize(kBuffer[level]);
  }
  int level;
  isal_zstream stream;
  std::vector<uint8_t> level_buf;
  // The output, kept and never zeroed: sized for the worst case (stored
  // blocks), of which a form's gzip writes about a sixth, so only that much
  // is ever touched. A string of that size made afresh each time was zeroed
  // whole by the string and faulted in page by page (three quarters of a
  // small host's page faults a cycle).
  std::unique_ptr<uint8_t[]> out;
  size_t out_size = 0;
};

class KeptCompressors {
 public:
  std::unique_ptr<Igzip> Take(int level) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (kept_[level]) return std::move(kept_[level]);
    }
    return std::make_unique<Igzip>(level);
  }
  void Give(std::unique_ptr<Igzip> c) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!kept_[c->level]) kept_[c->level] = std::move(c);
  }

 private:
  std::mutex mu_;
  std::array<std::unique_ptr<Igzip>, kMaxGzipLevel + 1> kept_;
};

KeptCompressors& Compressors() {
  static auto* kept = new KeptCompressors;  // never destroyed: see below
  return *kept;
}

}  // namespace

std::string GzipCompress(std::string_view data, int level) {
  level = std::clamp(level, 0, kMaxGzipLevel);
  if (data.size() > UINT32_MAX / 2)
    throw std::length_error("gzip: input over 2 GB");
  // A thread still encoding at exit must not find the pool destroyed.
  KeptCompressors& kept = Compressors();
  std::unique_ptr<Igzip> c = kept.Take(level);
  // Incompressible input is written as stored blocks (5 bytes a 64 KB
  // block), so this bound holds; a header of at most 328 bytes besides.
  const size_t bound = data.size() + data.size() / 4096 + 1024;
  if (c->out_size < bound) {
    c->out.reset(new uint8_t[bound]);
    c->out_size = bound;
  }
  isal_zstream& s = c->stream;
  isal_deflate_stateless_init(&s);
  s.level = static_cast<uint32_t>(level);
  s.level_buf = c->level_buf.data();
  s.level_buf_size = static_cast<uint32_t>(c->level_buf.size());
  s.gzip_flag = IGZIP_GZIP;
  s.end_of_stream = 1;
  s.flush = NO_FLUSH;
  s.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uint32_t>(data.size());
  s.next_out = c->out.get();
  s.avail_out = static_cast<uint32_t>(bound);
  const int rc = isal_deflate_stateless(&s);
  std::string out;
  if (rc == COMP_OK)
    out.assign(reinterpret_cast<char*>(c->out.get()), s.total_out);
  kept.Give(std::move(c));
  if (rc != COMP_OK)
    throw std::runtime_error("gzip compression failed (igzip " +
                             std::to_string(rc) + ")");
  return out;
}

bool GzipDecompress(std::string_view data, std::string* out) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return false;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  out->clear();
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out->append(buf, sizeof buf - zs.avail_out);
  }
  inflateEnd(&zs);
  return rc == Z_STREAM_END;
}

}  // namespace host_exporter
