#include "parse/zfs_kstat.h"

#include <algorithm>

namespace host_exporter::parse {
namespace {

constexpr std::string_view kUint64Type = "4";  // KSTAT_DATA_UINT64

// A row's first three fields (fewer are ""), and whether it has a fourth:
// no vector per row (arcstats has about 150 rows a cycle).
struct Row {
  std::string_view f[3];
  bool more = false;
  size_t count() const {
    return f[2].empty() ? (f[1].empty() ? (f[0].empty() ? 0 : 1) : 2) : 3;
  }
};
Row SplitRow(std::string_view line) {
  Row r;
  for (auto& field : r.f) field = NextField(&line);
  r.more = !NextField(&line).empty();
  return r;
}

bool IsNameTypeData(const Row& r) {
  return !r.more && r.f[0] == "name" && r.f[1] == "type" && r.f[2] == "data";
}

std::string KstatNotANumber(std::string_view name, std::string_view value) {
  return "'" + std::string(name) + "' is not an unsigned integer: '" +
         std::string(value) + "'";
}

// ParseLines() without its vector of lines, into *out (cleared; the
// capacity it kept from the last call is reused): "" or the first bad
// line's "line N: why" (*out cleared then).
template <typename T, typename F>
std::string RowsInto(std::string_view text, std::vector<T>* out, F&& line) {
  out->clear();
  size_t pos = 0, i = 0;
  std::string_view l;
  for (; NextLine(text, &pos, &l); ++i) {
    std::string why = line(i, l, out);
    if (!why.empty()) {
      out->clear();
      return LineError(i, why);
    }
  }
  return {};
}

// The Result of an Into() parser: its error, or its values.
template <typename T>
Result<std::vector<T>> Returned(std::string error, std::vector<T>&& values) {
  if (!error.empty()) return Result<std::vector<T>>::Fail(std::move(error));
  Result<std::vector<T>> r;
  r.value = std::move(values);
  return r;
}

// RowsInto() for a named kstat: the rows after its "name type data" header
// with at least three fields, each handed to row(row, values) ("" or why
// the line is bad); an error if there is no header.
template <typename T, typename F>
std::string KstatRowsInto(std::string_view text, std::vector<T>* out, F&& row) {
  bool in_rows = false;
  std::string error = RowsInto(
      text, out, [&](size_t, std::string_view line, std::vector<T>* values) {
        const Row r = SplitRow(line);
        if (!in_rows && IsNameTypeData(r)) {
          in_rows = true;
          return std::string();
        }
        if (!in_rows || r.count() < 3) return std::string();
        return row(r, values);
      });
  if (!error.empty()) return error;
  if (!in_rows) {
    out->clear();
    return "no 'name type data' header";
  }
  return {};
}

}  // namespace

std::string ParseZfsKstatInto(std::string_view text,
                              std::vector<ZfsKstatValue>* out) {
  return KstatRowsInto(
      text, out,
      [](const Row& row, std::vector<ZfsKstatValue>* values) -> std::string {
        if (row.f[1] != kUint64Type) return {};
        auto v = ParseU64(row.f[2]);
        if (!v) return KstatNotANumber(row.f[0], row.f[2]);
        values->push_back({row.f[0], *v});
        return {};
      });
}

Result<std::vector<ZfsKstatValue>> ParseZfsKstat(std::string_view text) {
  std::vector<ZfsKstatValue> values;
  std::string error = ParseZfsKstatInto(text, &values);
  return Returned(std::move(error), std::move(values));
}

std::string ParseZfsPoolIoInto(std::string_view text,
                               std::vector<std::string_view>* columns,
                               std::vector<ZfsKstatValue>* out) {
  columns->clear();
  return RowsInto(text, out,
                  [&](size_t, std::string_view line,
                      std::vector<ZfsKstatValue>* values) -> std::string {
                    if (columns->empty()) {
                      std::string_view rest = line;
                      if (NextField(&rest) != "nread") return {};
                      size_t count = 1;
                      while (!NextField(&rest).empty()) ++count;
                      if (count < 12) return {};
                      rest = line;
                      for (std::string_view f = NextField(&rest); !f.empty();
                           f = NextField(&rest)) {
                        columns->push_back(f);
                      }
                      return {};
                    }
                    std::string_view rest = line;
                    size_t count = 0;
                    while (!NextField(&rest).empty()) ++count;
                    if (count < columns->size()) {
                      return "expected " + std::to_string(columns->size()) +
                             " values, got " + std::to_string(count);
                    }
                    rest = line;
                    for (std::string_view column : *columns) {
                      const std::string_view part = NextField(&rest);
                      auto v = ParseU64(part);
                      if (!v) return KstatNotANumber(column, part);
                      values->push_back({column, *v});
                    }
                    return {};
                  });
}

Result<std::vector<ZfsKstatValue>> ParseZfsPoolIo(std::string_view text) {
  std::vector<std::string_view> columns;
  std::vector<ZfsKstatValue> values;
  std::string error = ParseZfsPoolIoInto(text, &columns, &values);
  return Returned(std::move(error), std::move(values));
}

std::string ParseZfsObjsetInto(std::string_view text,
                               std::vector<ZfsObjsetValue>* out) {
  bool have_dataset = false;
  std::string_view dataset;
  return KstatRowsInto(
      text, out,
      [&](const Row& row, std::vector<ZfsObjsetValue>* values) -> std::string {
        if (row.f[0] == "dataset_name") {
          dataset = row.f[2];
          have_dataset = true;
          return {};
        }
        if (row.f[1] != kUint64Type) return {};
        auto v = ParseU64(row.f[2]);
        if (!v) return KstatNotANumber(row.f[0], row.f[2]);
        values->push_back({dataset, have_dataset, row.f[0], *v});
        return {};
      });
}

Result<std::vector<ZfsObjsetValue>> ParseZfsObjset(std::string_view text) {
  std::vector<ZfsObjsetValue> values;
  std::string error = ParseZfsObjsetInto(text, &values);
  return Returned(std::move(error), std::move(values));
}

std::string ParseZfsPoolState(std::string_view text) {
  auto lines = SplitLines(text);
  std::string state(lines.empty() ? std::string_view() : lines[0]);
  for (char& c : state) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return state;
}

bool ZfsPoolStateIs(std::string_view text, std::string_view state) {
  const std::string_view line = text.substr(0, text.find('\n'));
  if (line.size() != state.size()) return false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != state[i]) return false;
  }
  return true;
}

}  // namespace host_exporter::parse
