// Pure text helpers shared by the parsers: splitting and number parsing
// without locales or exceptions (std::from_chars). No I/O here.
#ifndef HOST_EXPORTER_PARSE_PARSE_UTIL_H_
#define HOST_EXPORTER_PARSE_PARSE_UTIL_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace host_exporter::parse {

/// A parser's answer: a value, or an error that names the line and reason.
template <typename T>
struct Result {
  T value{};
  std::string error;  ///< empty on success
  bool ok() const { return error.empty(); }

  static Result Fail(std::string why) {
    Result r;
    r.error = std::move(why);
    return r;
  }
};

/// True for '0'..'9' (unlike std::isdigit, independent of the locale).
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

/// RE2's (Go regexp's) \s: tab, newline, form feed, carriage return, space.
inline bool IsRegexpSpace(char c) {
  return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

/// RE2's \w: [0-9A-Za-z_].
inline bool IsWordChar(char c) {
  return IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         c == '_';
}

/// The value of a hexadecimal digit, or -1.
inline int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Splits on runs of spaces and tabs; no empty fields.
std::vector<std::string_view> SplitFields(std::string_view line);
/// The next field of *rest as SplitFields() splits (runs of spaces and
/// tabs between fields), taken off it with the blanks before it; "" once
/// none is left. For a line whose fields are used one by one, or only the
/// first few of many: no vector.
inline std::string_view NextField(std::string_view* rest) {
  // Plain loops: find_first_of(" \t") costs a search of the set per byte.
  const char* p = rest->data();
  const char* const end = p + rest->size();
  while (p != end && (*p == ' ' || *p == '\t')) ++p;
  const char* const begin = p;
  while (p != end && *p != ' ' && *p != '\t') ++p;
  *rest = std::string_view(p, static_cast<size_t>(end - p));
  return std::string_view(begin, static_cast<size_t>(p - begin));
}
/// Splits on `sep`, keeping empty fields.
std::vector<std::string_view> Split(std::string_view s, char sep);
/// Splits text into lines ('\n'); a trailing newline gives no empty last line.
std::vector<std::string_view> SplitLines(std::string_view text);
/// Strips leading and trailing whitespace (space, tab, CR, LF).
std::string_view Trim(std::string_view s);

/// The next line of `text` from *pos, as SplitLines() gives them ('\n' ends
/// a line and is skipped; a trailing newline gives no empty last line);
/// false at the end. Nothing is allocated.
inline bool NextLine(std::string_view text, size_t* pos,
                     std::string_view* line) {
  if (*pos >= text.size()) return false;
  size_t end = text.find('\n', *pos);
  if (end == std::string_view::npos) end = text.size();
  *line = text.substr(*pos, end - *pos);
  *pos = end + 1;
  return true;
}

/// The next field of `line` from *pos, as NextField(&rest) takes it; false
/// when there is none. Nothing is allocated.
inline bool NextField(std::string_view line, size_t* pos,
                      std::string_view* field) {
  std::string_view rest = line.substr(std::min(*pos, line.size()));
  *field = NextField(&rest);
  *pos = line.size() - rest.size();
  return !field->empty();
}

/// Whole-string unsigned integer (base 10), or nullopt.
std::optional<uint64_t> ParseU64(std::string_view s);
/// Whole-string signed integer (base 10), or nullopt.
std::optional<int64_t> ParseI64(std::string_view s);
/// Whole-string floating point number ("1.5", "1e3", "NaN", "+Inf"), or
/// nullopt.
std::optional<double> ParseDouble(std::string_view s);

/// True if ParseDouble(s) would give a number: a plain count (digits only,
/// what counters files hold) is checked by one pass over it, anything else
/// by ParseDouble itself. For parsers that check every value of a file but
/// leave converting them to whoever keeps some (CounterView).
bool IsNumber(std::string_view s);

/// A named number of a file of counters, viewed in the file's text: `name`
/// in `group` (a protocol of /proc/net/snmp; empty in a file without
/// groups, /proc/vmstat) and the text of its value, which its parser checked
/// is a number (IsNumber) but did not convert.
struct CounterView {
  std::string_view group;
  std::string_view name;
  std::string_view value;
};

/// "line N: " prefix for error messages (N is 1-based).
std::string LineError(size_t index0, std::string_view why);

/// Parses `text` line by line into a T, the loop every line-oriented parser
/// shares: `line(index0, line, &value)` adds what the line holds to the value
/// and returns "" (a line to skip returns "" too) or why the line is bad; the
/// first bad line fails the parse with "line N: why".
template <typename T, typename F>
Result<T> ParseLines(std::string_view text, F&& line) {
  Result<T> r;
  const std::vector<std::string_view> lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string why = line(i, lines[i], &r.value);
    if (!why.empty()) return Result<T>::Fail(LineError(i, why));
  }
  return r;
}

/// A "<name> <number>" line (/proc/vmstat, numastat): the name and the
/// number, or "expected 2 fields, got N" (more are fine unless `exact`) or
/// "value is not a number: '<field>'".
Result<std::pair<std::string_view, double>> ParseNameNumber(
    std::string_view line, bool exact);

/// ParseNameNumber() without converting the number: sets *name and *number
/// (checked with IsNumber) and returns "", or returns its error. Nothing is
/// allocated unless the line is bad.
std::string SplitNameNumber(std::string_view line, bool exact,
                            std::string_view* name, std::string_view* number);

/// Go's path.Clean (and filepath.Clean on Linux): the shortest equivalent
/// path, lexically.
std::string GoCleanPath(std::string_view path);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_PARSE_UTIL_H_
