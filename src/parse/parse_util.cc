#include "parse/parse_util.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace host_exporter::parse {

std::vector<std::string_view> SplitFields(std::string_view line) {
  // Counted first: one allocation, not one per doubling.
  size_t n = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const bool blank = line[i] == ' ' || line[i] == '\t';
    const bool prev = i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t';
    if (!blank && prev) ++n;
  }
  std::vector<std::string_view> out;
  out.reserve(n);
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  out.reserve(static_cast<size_t>(std::count(s.begin(), s.end(), sep)) + 1);
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> out;
  out.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) +
              1);
  size_t start = 0;
  while (start < text.size()) {
    size_t pos = text.find('\n', start);
    if (pos == std::string_view::npos) {
      out.push_back(text.substr(start));
      break;
    }
    out.push_back(text.substr(start, pos - start));
    start = pos + 1;
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<uint64_t> ParseU64(std::string_view s) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) {
    return std::nullopt;
  }
  return v;
}

std::optional<int64_t> ParseI64(std::string_view s) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) {
    return std::nullopt;
  }
  return v;
}

std::optional<double> ParseDouble(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string_view body = s;
  bool negative = false;
  if (body.front() == '+' || body.front() == '-') {
    negative = body.front() == '-';
    body.remove_prefix(1);
  }
  // from_chars accepts "inf"/"nan" but not a leading '+'; handle the
  // exposition format's spellings explicitly.
  if (body == "Inf" || body == "inf" || body == "INF") {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (body == "NaN" || body == "nan") {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (body.empty() || body.front() == '+' || body.front() == '-') {
    return std::nullopt;
  }
  double v = 0;
  auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ptr != body.data() + body.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // from_chars leaves v untouched on overflow and underflow; strtod gives
    // HUGE_VAL or 0 (the process never calls setlocale, so '.' is the point).
    v = std::strtod(std::string(body).c_str(), nullptr);
  } else if (ec != std::errc()) {
    return std::nullopt;
  }
  return negative ? -v : v;
}

bool IsNumber(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return ParseDouble(s).has_value();
  }
  return !s.empty();
}

std::string LineError(size_t index0, std::string_view why) {
  return "line " + std::to_string(index0 + 1) + ": " + std::string(why);
}

std::string SplitNameNumber(std::string_view line, bool exact,
                            std::string_view* name, std::string_view* number) {
  size_t pos = 0;
  size_t fields = 0;
  if (NextField(line, &pos, name)) ++fields;
  if (fields == 1 && NextField(line, &pos, number)) ++fields;
  std::string_view more;
  if (fields == 2 && exact) {
    while (NextField(line, &pos, &more)) ++fields;
  }
  if (fields != 2) {
    return "expected 2 fields, got " + std::to_string(fields);
  }
  if (!IsNumber(*number)) {
    return "value is not a number: '" + std::string(*number) + "'";
  }
  return "";
}

Result<std::pair<std::string_view, double>> ParseNameNumber(
    std::string_view line, bool exact) {
  using R = Result<std::pair<std::string_view, double>>;
  std::string_view name;
  std::string_view number;
  std::string why = SplitNameNumber(line, exact, &name, &number);
  if (!why.empty()) return R::Fail(std::move(why));
  R r;
  r.value = {name, ParseDouble(number).value_or(0)};
  return r;
}

std::string GoCleanPath(std::string_view path) {
  if (path.empty()) return ".";
  const bool rooted = path[0] == '/';
  std::vector<std::string_view> parts;
  for (std::string_view part : Split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out = rooted ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(parts[i]);
  }
  if (out.empty()) return ".";
  return out;
}

}  // namespace host_exporter::parse
