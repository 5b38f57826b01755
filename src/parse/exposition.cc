#include "parse/exposition.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "parse/utf8.h"

namespace host_exporter::parse {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using Label = ClientMetric::Label;

constexpr size_t kNone = static_cast<size_t>(-1);

// The types a family can be declared with (OpenMetrics "unknown" is folded
// into kUntyped: both have bare samples and become Prometheus untyped).
enum class Kind {
  kCounter,
  kGauge,
  kUntyped,
  kHistogram,
  kSummary,
  kInfo,
  kStateset,
  kGaugeHistogram,
};

// How a sample name relates to its family's name.
enum class Suffix {
  kNone,
  kTotal,
  kCreated,
  kBucket,
  kCount,
  kSum,
  kGCount,
  kGSum,
  kInfo
};

struct SuffixName {
  Suffix suffix;
  std::string_view text;
};

// The suffixes tried when a sample name is not itself a family, per format.
constexpr std::array<SuffixName, 3> kTextSuffixes = {{
    {Suffix::kBucket, "_bucket"},
    {Suffix::kCount, "_count"},
    {Suffix::kSum, "_sum"},
}};
constexpr std::array<SuffixName, 8> kOpenMetricsSuffixes = {{
    {Suffix::kTotal, "_total"},
    {Suffix::kCreated, "_created"},
    {Suffix::kBucket, "_bucket"},
    {Suffix::kCount, "_count"},
    {Suffix::kSum, "_sum"},
    {Suffix::kGCount, "_gcount"},
    {Suffix::kGSum, "_gsum"},
    {Suffix::kInfo, "_info"},
}};

const char* KindName(Kind k) {
  switch (k) {
    case Kind::kCounter:
      return "counter";
    case Kind::kGauge:
      return "gauge";
    case Kind::kUntyped:
      return "untyped";
    case Kind::kHistogram:
      return "histogram";
    case Kind::kSummary:
      return "summary";
    case Kind::kInfo:
      return "info";
    case Kind::kStateset:
      return "stateset";
    case Kind::kGaugeHistogram:
      return "gaugehistogram";
  }
  return "untyped";
}

// Whether a family of kind `k` has samples with suffix `s`.
bool Allows(Kind k, Suffix s, bool om) {
  switch (k) {
    case Kind::kCounter:
      return om ? (s == Suffix::kTotal || s == Suffix::kCreated)
                : s == Suffix::kNone;
    case Kind::kGauge:
    case Kind::kUntyped:
    case Kind::kStateset:
      return s == Suffix::kNone;
    case Kind::kHistogram:
      return s == Suffix::kBucket || s == Suffix::kCount || s == Suffix::kSum ||
             (om && s == Suffix::kCreated);
    case Kind::kSummary:
      return s == Suffix::kNone || s == Suffix::kCount || s == Suffix::kSum ||
             (om && s == Suffix::kCreated);
    case Kind::kInfo:
      return s == Suffix::kInfo;
    case Kind::kGaugeHistogram:
      return s == Suffix::kBucket || s == Suffix::kGCount || s == Suffix::kGSum;
  }
  return false;
}

// The sample names a family of kind `k` accepts, for error messages.
std::string ExpectedNames(const std::string& f, Kind k, bool om) {
  switch (k) {
    case Kind::kCounter:
      return om ? f + "_total or " + f + "_created" : f;
    case Kind::kHistogram:
      return f + "_bucket, " + f + "_sum or " + f + "_count";
    case Kind::kSummary:
      return f + ", " + f + "_sum or " + f + "_count";
    case Kind::kInfo:
      return f + "_info";
    case Kind::kGaugeHistogram:
      return f + "_bucket, " + f + "_gsum or " + f + "_gcount";
    default:
      return f;
  }
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

bool IsLabelNameChar(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (!first && c >= '0' && c <= '9');
}

bool IsMetricNameChar(char c, bool first) {
  return IsLabelNameChar(c, first) || c == ':';
}

size_t SkipBlanks(std::string_view s, size_t i) {
  while (i < s.size() && IsBlank(s[i])) ++i;
  return i;
}

// The end of the metric (or label) name starting at s[i]; i if none.
size_t ScanName(std::string_view s, size_t i, bool metric) {
  size_t j = i;
  while (j < s.size() && (metric ? IsMetricNameChar(s[j], j == i)
                                 : IsLabelNameChar(s[j], j == i))) {
    ++j;
  }
  return j;
}

// `s` in double quotes for an error message: non-printable bytes as \xNN,
// cut after 64 bytes so a hostile line cannot make a huge message.
std::string Quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  constexpr size_t kMax = 64;
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < kMax; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
    } else {
      out.append("\\x");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  if (s.size() > kMax) out.append("...");
  out.push_back('"');
  return out;
}

// A series for error messages: name{a="b",...}.
std::string FormatSeries(std::string_view name,
                         const std::vector<Label>& labels,
                         std::string_view extra_name = {},
                         std::string_view extra_value = {}) {
  std::string out(name.substr(0, 128));
  if (labels.empty() && extra_name.empty()) return out;
  out.push_back('{');
  bool first = true;
  size_t shown = 0;
  for (const Label& l : labels) {
    if (++shown > 8) {
      out.append(",...");
      break;
    }
    if (!first) out.push_back(',');
    first = false;
    out.append(l.name.substr(0, 64)).push_back('=');
    out.append(Quote(l.value));
  }
  if (!extra_name.empty()) {
    if (!first) out.push_back(',');
    out.append(extra_name).push_back('=');
    out.append(Quote(extra_value));
  }
  out.push_back('}');
  return out;
}

// A bucket bound or quantile as the exposition would write it.
std::string FormatBound(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, static_cast<size_t>(r.ptr - buf));
}

// A canonical key for a label set: sorted by name, empty values left out (a
// label with an empty value is the same series as no label at all).
std::string LabelKey(const std::vector<Label>& labels) {
  std::vector<const Label*> sorted;
  sorted.reserve(labels.size());
  for (const Label& l : labels) {
    if (!l.value.empty()) sorted.push_back(&l);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const Label* a, const Label* b) { return a->name < b->name; });
  std::string key;
  for (const Label* l : sorted) {
    // name=<length>:value is unambiguous whatever bytes the value holds.
    key.append(l->name).push_back('=');
    key.append(std::to_string(l->value.size())).push_back(':');
    key.append(l->value);
  }
  return key;
}

// A histogram bucket or summary count: a non-negative integer below 2^64.
std::optional<uint64_t> AsCount(double v) {
  if (!(v >= 0) || v >= 18446744073709551616.0 || v != std::floor(v)) {
    return std::nullopt;
  }
  return static_cast<uint64_t>(v);
}

// The position of the label called `name`, or kNone.
size_t FindLabel(const std::vector<Label>& labels, std::string_view name) {
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i].name == name) return i;
  }
  return kNone;
}

// Per-series bookkeeping for histograms and summaries, parallel to
// MetricFamily::metric.
struct SeriesAux {
  size_t line = 0;        // 0-based line of the series' first sample
  size_t count_line = 0;  // line of its _count sample
  bool has_sum = false;
  bool has_count = false;
  std::vector<size_t> item_lines;  // line of each bucket / quantile
};

struct FamilyState {
  std::string name;
  Kind kind = Kind::kUntyped;
  bool type_declared = false;
  bool has_help = false;
  bool unit_seen = false;
  bool closed = false;        // OpenMetrics: another family followed it
  bool touched = false;       // a sample line named it (even a dropped one)
  size_t samples = 0;         // samples kept
  size_t first_line = kNone;  // first sample line
  std::string help;
  std::string out_name;        // counter/info: the sample name in use
  MetricFamily fam;            // every kind but gaugehistogram
  std::vector<SeriesAux> aux;  // histogram/summary
  std::unordered_map<std::string, size_t> groups;  // label key -> series
  std::array<MetricFamily, 3> gh;  // gaugehistogram _bucket, _gcount, _gsum
  std::unordered_map<std::string, double> created;  // label key -> _created
};

// Iterates over '\n'-separated lines; no empty line after a final newline.
class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {}
  bool Next(std::string_view* line) {
    if (pos_ >= text_.size()) return false;
    size_t nl = text_.find('\n', pos_);
    if (nl == std::string_view::npos) nl = text_.size();
    *line = text_.substr(pos_, nl - pos_);
    pos_ = nl + 1;
    // A CR of a CRLF line end is not part of the line.
    if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

class Parser {
 public:
  Parser(std::string_view text, const ExpositionOptions& options)
      : text_(text), options_(options) {}

  Result<Exposition> Run() {
    size_t eof_line = kNone;
    if (!FindEof(&eof_line)) return Result<Exposition>::Fail(error_);
    om_ = eof_line != kNone;
    LineCursor lines(text_);
    std::string_view line;
    for (line_ = 0; line_ != eof_line && lines.Next(&line); ++line_) {
      size_t pos = SkipBlanks(line, 0);
      if (pos == line.size()) continue;  // blank line
      bool ok = line[pos] == '#' ? Comment(line, pos + 1) : Sample(line, pos);
      if (!ok) return Result<Exposition>::Fail(error_);
    }
    // Text 0.0.4 lines end with a line break; a last line without one is
    // an input cut short ("12" of "1234", a file still being written), and
    // Go's parser rejects it ("unexpected end of input stream").
    if (!om_ && !text_.empty() && text_.back() != '\n') {
      const size_t nl = text_.rfind('\n');
      std::string_view last =
          text_.substr(nl == std::string_view::npos ? 0 : nl + 1);
      if (SkipBlanks(last, 0) != last.size()) {
        ErrorAt(line_ - 1,
                "unexpected end of input: the last line has no line break "
                "(file incomplete?)");
        return Result<Exposition>::Fail(error_);
      }
    }
    Result<Exposition> r;
    r.value.openmetrics = om_;
    if (!Finish(&r.value)) return Result<Exposition>::Fail(error_);
    return r;
  }

 private:
  bool Error(std::string_view why) { return ErrorAt(line_, why); }
  bool ErrorAt(size_t line, std::string_view why) {
    error_ = LineError(line, why);
    return false;
  }

  // Finds the first "# EOF" line; only blank lines may follow it.
  bool FindEof(size_t* eof_line) {
    LineCursor lines(text_);
    std::string_view line;
    for (size_t i = 0; lines.Next(&line); ++i) {
      if (*eof_line == kNone) {
        if (line == "# EOF") *eof_line = i;
      } else if (SkipBlanks(line, 0) != line.size()) {
        return ErrorAt(i, "content after '# EOF'");
      }
    }
    return true;
  }

  size_t GetOrCreate(std::string_view name) {
    auto it = index_.find(std::string(name));
    if (it != index_.end()) return it->second;
    families_.emplace_back();
    families_.back().name = std::string(name);
    index_.emplace(std::string(name), families_.size() - 1);
    return families_.size() - 1;
  }

  // OpenMetrics: a family's lines are contiguous; switching to another
  // family closes the current one for good.
  bool SwitchTo(size_t fi) {
    if (!om_ || current_ == fi) return true;
    if (families_[fi].closed) {
      return Error("lines of family " + Quote(families_[fi].name) +
                   " are interleaved with another family's (OpenMetrics "
                   "requires them to be contiguous)");
    }
    if (current_ != kNone) families_[current_].closed = true;
    current_ = fi;
    return true;
  }

  // HELP, TYPE, UNIT or a plain comment; `pos` is just after the '#'.
  bool Comment(std::string_view line, size_t pos) {
    pos = SkipBlanks(line, pos);
    size_t end = pos;
    while (end < line.size() && !IsBlank(line[end])) ++end;
    std::string_view keyword = line.substr(pos, end - pos);
    const bool help = keyword == "HELP";
    const bool type = keyword == "TYPE";
    const bool unit = om_ && keyword == "UNIT";
    if (!help && !type && !unit) return true;  // a plain comment
    pos = SkipBlanks(line, end);
    if (pos == line.size()) return true;  // "# HELP": nothing to record
    std::string quoted;                   // # TYPE "my.metric" gauge
    std::string_view fname;
    if (line[pos] == '"') {
      end = pos;
      if (!ReadQuotedName(line, &end, &quoted, "metric name")) return false;
      fname = quoted;
    } else {
      end = ScanName(line, pos, true);
      fname = line.substr(pos, end - pos);
    }
    if (end == pos || (end < line.size() && !IsBlank(line[end]))) {
      return Error("invalid metric name in " + std::string(keyword) + " line");
    }
    size_t fi = GetOrCreate(fname);
    if (!SwitchTo(fi)) return false;
    FamilyState& f = families_[fi];
    pos = SkipBlanks(line, end);
    if (pos == line.size()) return true;  // no text: as node_exporter
    std::string_view rest = line.substr(pos);
    if (help) return Help(f, rest);
    if (type) return Type(f, rest);
    if (f.unit_seen) return Error("second UNIT line for " + Quote(f.name));
    if (f.touched) {
      return Error("UNIT line for " + Quote(f.name) + " after its samples");
    }
    f.unit_seen = true;
    return true;
  }

  bool Help(FamilyState& f, std::string_view text) {
    if (f.has_help) return Error("second HELP line for " + Quote(f.name));
    if (om_ && f.touched) {
      return Error("HELP line for " + Quote(f.name) + " after its samples");
    }
    std::string help;
    help.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '\\') {
        help.push_back(text[i]);
        continue;
      }
      if (++i == text.size()) return Error("HELP text ends in a lone '\\'");
      switch (text[i]) {
        case '\\':
          help.push_back('\\');
          break;
        case 'n':
          help.push_back('\n');
          break;
        case '"':
          help.push_back('"');
          break;
        default:
          return Error("invalid escape sequence " +
                       Quote(std::string("\\") + text[i]) + " in HELP text");
      }
    }
    if (!IsValidUtf8(help)) return Error("HELP text is not valid UTF-8");
    f.help = std::move(help);
    f.has_help = true;
    return true;
  }

  bool Type(FamilyState& f, std::string_view text) {
    if (f.type_declared) return Error("second TYPE line for " + Quote(f.name));
    if (f.touched) {
      return Error("TYPE line for " + Quote(f.name) + " after its samples");
    }
    while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
    std::string t(text);
    for (char& c : t) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    bool om_only = false;
    if (t == "counter") {
      f.kind = Kind::kCounter;
    } else if (t == "gauge") {
      f.kind = Kind::kGauge;
    } else if (t == "untyped") {
      f.kind = Kind::kUntyped;
    } else if (t == "histogram") {
      f.kind = Kind::kHistogram;
    } else if (t == "summary") {
      f.kind = Kind::kSummary;
    } else if (t == "unknown") {
      f.kind = Kind::kUntyped;
      om_only = true;
    } else if (t == "info") {
      f.kind = Kind::kInfo;
      om_only = true;
    } else if (t == "stateset") {
      f.kind = Kind::kStateset;
      om_only = true;
    } else if (t == "gaugehistogram") {
      f.kind = Kind::kGaugeHistogram;
      om_only = true;
    } else {
      return Error("unknown metric type " + Quote(text));
    }
    if (om_only && !om_) {
      return Error("type " + Quote(t) +
                   " is OpenMetrics: the input must end with '# EOF'");
    }
    f.type_declared = true;
    return true;
  }

  // Reads a double-quoted name (the UTF-8 syntax of text 1.0.0: any valid
  // UTF-8 but "", escapes \\, \" and \n) from line[*pos] == '"'; *pos ends
  // after the closing quote.
  bool ReadQuotedName(std::string_view line, size_t* pos, std::string* out,
                      const std::string& what) {
    size_t i = *pos + 1;
    out->clear();
    while (i < line.size()) {
      char c = line[i++];
      if (c == '"') {
        if (out->empty()) return Error("empty quoted " + what);
        if (!IsValidUtf8(*out)) {
          return Error("quoted " + what + " is not valid UTF-8");
        }
        *pos = i;
        return true;
      }
      if (c != '\\') {
        out->push_back(c);
        continue;
      }
      if (i == line.size()) break;
      char e = line[i++];
      if (e == '\\' || e == '"') {
        out->push_back(e);
      } else if (e == 'n') {
        out->push_back('\n');
      } else {
        return Error("invalid escape sequence " + Quote(std::string("\\") + e) +
                     " in quoted " + what);
      }
    }
    return Error("unterminated quoted " + what);
  }

  // Reads "{name="value",...}" from line[*pos] == '{'; *pos ends after '}'.
  bool ReadLabels(std::string_view line, size_t* pos,
                  std::vector<Label>* labels) {
    size_t i = *pos + 1;
    while (true) {
      i = SkipBlanks(line, i);
      if (i == line.size()) return Error("label set without closing '}'");
      if (line[i] == '}') {
        ++i;
        break;
      }
      std::string name;
      if (line[i] == '"') {
        if (!ReadQuotedName(line, &i, &name, "label name")) return false;
      } else {
        size_t end = ScanName(line, i, false);
        if (end == i) {
          return Error("invalid label name starting at " +
                       Quote(line.substr(i, 16)));
        }
        name.assign(line.substr(i, end - i));
        i = end;
      }
      i = SkipBlanks(line, i);
      if (i == line.size() || line[i] != '=') {
        return Error("expected '=' after label name " + Quote(name));
      }
      i = SkipBlanks(line, i + 1);
      if (i == line.size() || line[i] != '"') {
        return Error("expected '\"' to start the value of label " +
                     Quote(name));
      }
      ++i;
      std::string value;
      bool closed = false;
      while (i < line.size()) {
        char c = line[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c != '\\') {
          value.push_back(c);
          continue;
        }
        if (i == line.size()) break;
        char e = line[i++];
        if (e == '\\' || e == '"') {
          value.push_back(e);
        } else if (e == 'n') {
          value.push_back('\n');
        } else {
          return Error("invalid escape sequence " +
                       Quote(std::string("\\") + e) + " in label " +
                       Quote(name));
        }
      }
      if (!closed) return Error("unterminated value of label " + Quote(name));
      if (!IsValidUtf8(value)) {
        return Error("value of label " + Quote(name) + " is not valid UTF-8");
      }
      if (name == "__name__")
        return Error("label name \"__name__\" is reserved");
      labels->push_back({std::move(name), std::move(value)});
      i = SkipBlanks(line, i);
      if (i < line.size() && line[i] == ',') {
        ++i;
        continue;
      }
      if (i < line.size() && line[i] == '}') {
        ++i;
        break;
      }
      return Error("expected ',' or '}' after the value of label " +
                   Quote(labels->back().name));
    }
    if (labels->size() > 1) {
      std::vector<std::string_view> names;
      names.reserve(labels->size());
      for (const Label& l : *labels) names.push_back(l.name);
      std::sort(names.begin(), names.end());
      auto dup = std::adjacent_find(names.begin(), names.end());
      if (dup != names.end()) return Error("duplicate label " + Quote(*dup));
    }
    *pos = i;
    return true;
  }

  // " # {labels} value [timestamp]" after a sample; line[pos] == '#'.
  bool Exemplar(std::string_view line, size_t pos) {
    size_t i = SkipBlanks(line, pos + 1);
    if (i == line.size() || line[i] != '{') {
      return Error("expected '{' to start an exemplar after '#'");
    }
    std::vector<Label> labels;
    if (!ReadLabels(line, &i, &labels)) return false;
    for (int field = 0; field < 2; ++field) {  // value, optional timestamp
      size_t start = SkipBlanks(line, i);
      i = start;
      while (i < line.size() && !IsBlank(line[i])) ++i;
      std::string_view tok = line.substr(start, i - start);
      if (tok.empty()) {
        if (field == 0) return Error("exemplar without a value");
        break;
      }
      if (!ParseDouble(tok)) {
        return Error("exemplar " + std::string(field ? "timestamp" : "value") +
                     " is not a number: " + Quote(tok));
      }
    }
    if (SkipBlanks(line, i) != line.size()) {
      return Error("unexpected text after the exemplar: " +
                   Quote(line.substr(SkipBlanks(line, i))));
    }
    return true;
  }

  bool Sample(std::string_view line, size_t pos) {
    std::string quoted;  // a UTF-8 name: {"my.metric",label="v"} 1
    std::string_view name;
    std::vector<Label> labels;
    size_t i = pos;
    if (line[pos] == '{') {
      i = SkipBlanks(line, pos + 1);
      if (i == line.size() || line[i] != '"') {
        return Error("expected a quoted metric name after '{'");
      }
      if (!ReadQuotedName(line, &i, &quoted, "metric name")) return false;
      name = quoted;
      i = SkipBlanks(line, i);
      if (i < line.size() && line[i] == ',') {
        if (!ReadLabels(line, &i, &labels)) return false;  // from the ','
      } else if (i < line.size() && line[i] == '}') {
        ++i;
      } else {
        return Error("expected ',' or '}' after metric name " + Quote(name));
      }
      i = SkipBlanks(line, i);
    } else {
      size_t end = ScanName(line, pos, true);
      if (end == pos) {
        return Error("invalid metric name starting at " +
                     Quote(line.substr(pos, 16)));
      }
      name = line.substr(pos, end - pos);
      i = end;
      if (i < line.size() && !IsBlank(line[i]) && line[i] != '{') {
        return Error("invalid character " + Quote(line.substr(i, 1)) +
                     " after metric name " + Quote(name));
      }
      i = SkipBlanks(line, i);
      if (i < line.size() && line[i] == '{') {
        if (!ReadLabels(line, &i, &labels)) return false;
        i = SkipBlanks(line, i);
      }
    }
    size_t start = i;
    while (i < line.size() && !IsBlank(line[i])) ++i;
    std::string_view token = line.substr(start, i - start);
    if (token.empty()) return Error("no value for " + Quote(name));
    std::optional<double> value = ParseDouble(token);
    if (!value) return Error("expected a number as value, got " + Quote(token));
    i = SkipBlanks(line, i);
    if (i < line.size()) {
      if (line[i] == '#') {
        if (!om_) {
          return Error(
              "exemplar after the value is OpenMetrics: the input must end "
              "with '# EOF'");
        }
        if (!Exemplar(line, i)) return false;
      } else {
        start = i;
        while (i < line.size() && !IsBlank(line[i])) ++i;
        token = line.substr(start, i - start);
        if (!ParseDouble(token)) {
          return Error("unexpected text after the value: " + Quote(token));
        }
        return Error("sample " + Quote(name) + " has a timestamp (" +
                     std::string(token.substr(0, 32)) +
                     "), which is not supported");
      }
    }
    return AddSample(name, std::move(labels), *value);
  }

  // Finds the family a sample belongs to, creating an untyped one if none.
  bool Resolve(std::string_view name, size_t* fi, Suffix* suffix) {
    if (auto it = index_.find(std::string(name)); it != index_.end()) {
      const FamilyState& f = families_[it->second];
      Suffix s = Suffix::kNone;
      // An OpenMetrics counter (or info) family named with its suffix
      // already: its samples may carry the name as is.
      if (om_ && f.kind == Kind::kCounter && name.ends_with("_total")) {
        s = Suffix::kTotal;
      } else if (om_ && f.kind == Kind::kInfo && name.ends_with("_info")) {
        s = Suffix::kInfo;
      }
      if (!Allows(f.kind, s, om_)) {
        return Error("sample " + Quote(name) + " does not fit " +
                     KindName(f.kind) + " family " + Quote(f.name) +
                     " (expected " + ExpectedNames(f.name, f.kind, om_) + ")");
      }
      *fi = it->second;
      *suffix = s;
      return true;
    }
    auto try_suffixes = [&](const auto& list) {
      for (const SuffixName& sn : list) {
        if (name.size() <= sn.text.size() || !name.ends_with(sn.text)) continue;
        auto it = index_.find(
            std::string(name.substr(0, name.size() - sn.text.size())));
        if (it != index_.end() &&
            Allows(families_[it->second].kind, sn.suffix, om_)) {
          *fi = it->second;
          *suffix = sn.suffix;
          return true;
        }
      }
      return false;
    };
    if (om_ ? try_suffixes(kOpenMetricsSuffixes)
            : try_suffixes(kTextSuffixes)) {
      return true;
    }
    *fi = GetOrCreate(name);
    *suffix = Suffix::kNone;
    return true;
  }

  bool CountSeries() {
    if (options_.max_series != 0 && ++series_ > options_.max_series) {
      return Error("more than " + std::to_string(options_.max_series) +
                   " series");
    }
    return true;
  }

  bool CheckUnique(std::string_view out, const std::vector<Label>& labels) {
    std::string key(out);
    key.push_back('\xff');  // never part of a metric name
    key.append(LabelKey(labels));
    if (!keys_.insert(std::move(key)).second) {
      return Error("duplicate series " + FormatSeries(out, labels));
    }
    return true;
  }

  bool AddSample(std::string_view name, std::vector<Label> labels,
                 double value) {
    size_t fi = kNone;
    Suffix suffix = Suffix::kNone;
    if (!Resolve(name, &fi, &suffix) || !SwitchTo(fi)) return false;
    FamilyState& f = families_[fi];
    f.touched = true;
    if (suffix == Suffix::kCreated) {  // kept aside: ParsedFamily::created
      f.created[LabelKey(labels)] = value;
      return true;
    }
    if (f.first_line == kNone) f.first_line = line_;
    if (!CountSeries()) return false;
    ++f.samples;
    switch (f.kind) {
      case Kind::kHistogram:
      case Kind::kSummary:
        return AddGrouped(f, name, suffix, std::move(labels), value);
      case Kind::kGaugeHistogram:
        return AddGaugeHistogram(f, name, suffix, std::move(labels), value);
      default:
        return AddSimple(f, name, std::move(labels), value);
    }
  }

  bool AddSimple(FamilyState& f, std::string_view name,
                 std::vector<Label> labels, double value) {
    if (f.kind == Kind::kStateset) {
      if (FindLabel(labels, f.name) == kNone) {
        return Error("stateset sample " + Quote(name) + " has no label " +
                     Quote(f.name) + " naming its state");
      }
      if (value != 0 && value != 1) {
        return Error("stateset sample " + Quote(name) +
                     " must have the value 0 or 1");
      }
    }
    if (f.out_name.empty()) {
      f.out_name = std::string(name);
    } else if (f.out_name != name) {
      return Error("samples of " + std::string(KindName(f.kind)) + " " +
                   Quote(f.name) + " must all be named " + Quote(f.out_name));
    }
    if (!CheckUnique(name, labels)) return false;
    ClientMetric m;
    m.label = std::move(labels);
    switch (f.kind) {
      case Kind::kCounter:
        m.counter.value = value;
        break;
      case Kind::kGauge:
      case Kind::kInfo:
      case Kind::kStateset:
        m.gauge.value = value;
        break;
      default:
        m.untyped.value = value;
        break;
    }
    f.fam.metric.push_back(std::move(m));
    return true;
  }

  bool AddGrouped(FamilyState& f, std::string_view name, Suffix suffix,
                  std::vector<Label> labels, double value) {
    const bool histogram = f.kind == Kind::kHistogram;
    const std::string_view special = histogram ? "le" : "quantile";
    const bool item =
        histogram ? suffix == Suffix::kBucket : suffix == Suffix::kNone;
    const size_t at = FindLabel(labels, special);
    double bound = 0;
    if (item) {
      if (at == kNone) {
        return Error("sample " + Quote(name) + " has no " +
                     std::string(special) + " label");
      }
      const std::string& text = labels[at].value;
      std::optional<double> b = ParseDouble(text);
      if (!b || std::isnan(*b) || (!histogram && (*b < 0 || *b > 1))) {
        return Error("invalid " + std::string(special) + " label " +
                     Quote(text) + " on " + Quote(name) +
                     (histogram ? "" : " (must be a number from 0 to 1)"));
      }
      bound = *b;
      labels.erase(labels.begin() + static_cast<std::ptrdiff_t>(at));
    } else if (at != kNone) {
      return Error(std::string(special) + " label on " + Quote(name));
    }
    std::optional<uint64_t> count;
    if ((histogram && item) || suffix == Suffix::kCount) {
      count = AsCount(value);
      if (!count) {
        return Error("value of " + Quote(name) +
                     " must be a non-negative integer count, got " +
                     FormatBound(value));
      }
    }

    std::string key = LabelKey(labels);
    auto [it, inserted] =
        f.groups.try_emplace(std::move(key), f.fam.metric.size());
    if (inserted) {
      f.fam.metric.emplace_back();
      f.fam.metric.back().label = std::move(labels);
      f.aux.emplace_back();
      f.aux.back().line = line_;
    }
    ClientMetric& m = f.fam.metric[it->second];
    SeriesAux& aux = f.aux[it->second];
    if (item) {
      if (histogram) {
        m.histogram.bucket.push_back({*count, bound});
      } else {
        m.summary.quantile.push_back({bound, value});
      }
      aux.item_lines.push_back(line_);
    } else if (suffix == Suffix::kCount) {
      if (aux.has_count) {
        return Error("duplicate series " + FormatSeries(name, m.label));
      }
      aux.has_count = true;
      aux.count_line = line_;
      (histogram ? m.histogram.sample_count : m.summary.sample_count) = *count;
    } else {  // _sum
      if (aux.has_sum) {
        return Error("duplicate series " + FormatSeries(name, m.label));
      }
      aux.has_sum = true;
      (histogram ? m.histogram.sample_sum : m.summary.sample_sum) = value;
    }
    return true;
  }

  bool AddGaugeHistogram(FamilyState& f, std::string_view name, Suffix suffix,
                         std::vector<Label> labels, double value) {
    const size_t at = FindLabel(labels, "le");
    size_t which = 0;
    if (suffix == Suffix::kBucket) {
      if (at == kNone)
        return Error("sample " + Quote(name) + " has no le label");
      std::optional<double> b = ParseDouble(labels[at].value);
      if (!b || std::isnan(*b)) {
        return Error("invalid le label " + Quote(labels[at].value) + " on " +
                     Quote(name));
      }
    } else {
      if (at != kNone) return Error("le label on " + Quote(name));
      which = suffix == Suffix::kGCount ? 1 : 2;
    }
    if (!CheckUnique(name, labels)) return false;
    MetricFamily& out = f.gh[which];
    if (out.name.empty()) out.name = std::string(name);
    ClientMetric m;
    m.label = std::move(labels);
    m.gauge.value = value;
    out.metric.push_back(std::move(m));
    return true;
  }

  // Sorts and checks the buckets of every histogram series.
  bool FinishHistogram(FamilyState& f) {
    for (size_t s = 0; s < f.fam.metric.size(); ++s) {
      ClientMetric& m = f.fam.metric[s];
      SeriesAux& aux = f.aux[s];
      auto& buckets = m.histogram.bucket;
      std::vector<size_t> order(buckets.size());
      std::iota(order.begin(), order.end(), size_t{0});
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return buckets[a].upper_bound < buckets[b].upper_bound;
      });
      std::vector<ClientMetric::Bucket> sorted;
      sorted.reserve(buckets.size());
      for (size_t k = 0; k < order.size(); ++k) {
        const ClientMetric::Bucket& b = buckets[order[k]];
        auto series = [&] {
          return FormatSeries(f.name + "_bucket", m.label, "le",
                              FormatBound(b.upper_bound));
        };
        if (!sorted.empty() && sorted.back().upper_bound == b.upper_bound) {
          return ErrorAt(aux.item_lines[order[k]],
                         "duplicate series " + series());
        }
        if (!sorted.empty() &&
            b.cumulative_count < sorted.back().cumulative_count) {
          return ErrorAt(aux.item_lines[order[k]],
                         "buckets not cumulative: " + series() + " is " +
                             std::to_string(b.cumulative_count) +
                             ", less than the " +
                             std::to_string(sorted.back().cumulative_count) +
                             " of the bucket below");
        }
        sorted.push_back(b);
      }
      if (sorted.empty() || !std::isinf(sorted.back().upper_bound) ||
          sorted.back().upper_bound < 0) {
        return ErrorAt(aux.line, "histogram " + FormatSeries(f.name, m.label) +
                                     " has no bucket with le=\"+Inf\"");
      }
      const uint64_t total = sorted.back().cumulative_count;
      if (aux.has_count && m.histogram.sample_count != total) {
        return ErrorAt(aux.count_line,
                       FormatSeries(f.name + "_count", m.label) + " is " +
                           std::to_string(m.histogram.sample_count) +
                           " but its le=\"+Inf\" bucket is " +
                           std::to_string(total));
      }
      m.histogram.sample_count = total;
      buckets = std::move(sorted);
    }
    return true;
  }

  // Sorts the quantiles of every summary series and rejects repeated ones.
  bool FinishSummary(FamilyState& f) {
    for (size_t s = 0; s < f.fam.metric.size(); ++s) {
      auto& q = f.fam.metric[s].summary.quantile;
      const auto& lines = f.aux[s].item_lines;
      std::vector<size_t> order(q.size());
      std::iota(order.begin(), order.end(), size_t{0});
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return q[a].quantile < q[b].quantile;
      });
      std::vector<ClientMetric::Quantile> sorted;
      sorted.reserve(q.size());
      for (size_t k : order) {
        if (!sorted.empty() && sorted.back().quantile == q[k].quantile) {
          return ErrorAt(
              lines[k],
              "duplicate series " + FormatSeries(f.name, f.fam.metric[s].label,
                                                 "quantile",
                                                 FormatBound(q[k].quantile)));
        }
        sorted.push_back(q[k]);
      }
      q = std::move(sorted);
    }
    return true;
  }

  // Every sample name a family puts into the exposition must be its own.
  bool Claim(const std::string& name, size_t fi,
             std::unordered_map<std::string, size_t>* owners) {
    auto [it, inserted] = owners->try_emplace(name, fi);
    if (inserted || it->second == fi) return true;
    const FamilyState& f = families_[fi];
    return ErrorAt(f.first_line, "metric name " + Quote(name) + " of " +
                                     KindName(f.kind) + " family " +
                                     Quote(f.name) + " clashes with family " +
                                     Quote(families_[it->second].name));
  }

  bool Finish(Exposition* out) {
    std::unordered_map<std::string, size_t> owners;
    for (size_t fi = 0; fi < families_.size(); ++fi) {
      FamilyState& f = families_[fi];
      if (f.samples == 0) continue;
      auto emit = [&](MetricFamily fam, MetricType type) {
        fam.help = f.help;
        fam.type = type;
        ParsedFamily pf{std::move(fam), f.has_help, {}};
        if (!f.created.empty() && type != MetricType::Gauge &&
            type != MetricType::Untyped) {
          pf.created.resize(pf.family.metric.size());
          for (size_t i = 0; i < pf.created.size(); ++i) {
            auto it = f.created.find(LabelKey(pf.family.metric[i].label));
            if (it != f.created.end()) pf.created[i] = it->second;
          }
        }
        out->families.push_back(std::move(pf));
      };
      switch (f.kind) {
        case Kind::kHistogram:
        case Kind::kSummary: {
          const bool histogram = f.kind == Kind::kHistogram;
          if (!(histogram ? FinishHistogram(f) : FinishSummary(f)))
            return false;
          const char* item = histogram ? "_bucket" : "";
          if (!Claim(f.name, fi, &owners) ||
              !Claim(f.name + item, fi, &owners) ||
              !Claim(f.name + "_sum", fi, &owners) ||
              !Claim(f.name + "_count", fi, &owners)) {
            return false;
          }
          f.fam.name = f.name;
          emit(std::move(f.fam),
               histogram ? MetricType::Histogram : MetricType::Summary);
          break;
        }
        case Kind::kGaugeHistogram:
          for (MetricFamily& g : f.gh) {
            if (g.metric.empty()) continue;
            if (!Claim(g.name, fi, &owners)) return false;
            emit(std::move(g), MetricType::Gauge);
          }
          break;
        default: {
          if (!Claim(f.out_name, fi, &owners)) return false;
          f.fam.name = f.out_name;
          MetricType type = f.kind == Kind::kCounter   ? MetricType::Counter
                            : f.kind == Kind::kUntyped ? MetricType::Untyped
                                                       : MetricType::Gauge;
          emit(std::move(f.fam), type);
          break;
        }
      }
    }
    return true;
  }

  std::string_view text_;
  ExpositionOptions options_;
  bool om_ = false;
  size_t line_ = 0;  // 0-based index of the line being parsed
  std::string error_;
  std::vector<FamilyState> families_;
  std::unordered_map<std::string, size_t> index_;  // family name -> index
  std::unordered_set<std::string> keys_;           // series seen
  size_t current_ = kNone;                         // OpenMetrics family
  size_t series_ = 0;
};

}  // namespace

Result<Exposition> ParseExposition(std::string_view text,
                                   const ExpositionOptions& options) {
  return Parser(text, options).Run();
}

bool IsValidMetricName(std::string_view name) {
  return !name.empty() && ScanName(name, 0, true) == name.size();
}

bool IsValidLabelName(std::string_view name) {
  return !name.empty() && ScanName(name, 0, false) == name.size();
}

}  // namespace host_exporter::parse
