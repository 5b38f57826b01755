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

// ParseLines() without its vector of lines, the output reserved for one
// value a line: a kstat of 150 rows grows no vector row by row.
template <typename T, typename F>
Result<std::vector<T>> ParseRows(std::string_view text, F&& line) {
  Result<std::vector<T>> r;
  r.value.reserve(
      static_cast<size_t>(std::count(text.begin(), text.end(), '\n') + 1));
  size_t pos = 0, i = 0;
  std::string_view l;
  for (; NextLine(text, &pos, &l); ++i) {
    std::string why = line(i, l, &r.value);
    if (!why.empty()) return Result<std::vector<T>>::Fail(LineError(i, why));
  }
  return r;
}

}  // namespace

Result<std::vector<ZfsKstatValue>> ParseZfsKstat(std::string_view text) {
  using R = Result<std::vector<ZfsKstatValue>>;
  bool in_rows = false;
  R r = ParseRows<ZfsKstatValue>(
      text,
      [&](size_t, std::string_view line,
          std::vector<ZfsKstatValue>* out) -> std::string {
        const Row row = SplitRow(line);
        if (!in_rows && IsNameTypeData(row)) {
          in_rows = true;
          return {};
        }
        if (!in_rows || row.count() < 3 || row.f[1] != kUint64Type) return {};
        auto v = ParseU64(row.f[2]);
        if (!v) return KstatNotANumber(row.f[0], row.f[2]);
        out->push_back({row.f[0], *v});
        return {};
      });
  if (!r.ok()) return r;
  if (!in_rows) return R::Fail("no 'name type data' header");
  return r;
}

Result<std::vector<ZfsKstatValue>> ParseZfsPoolIo(std::string_view text) {
  std::vector<std::string_view> columns;
  return ParseLines<std::vector<ZfsKstatValue>>(
      text,
      [&](size_t, std::string_view line,
          std::vector<ZfsKstatValue>* out) -> std::string {
        auto parts = SplitFields(line);
        if (columns.empty()) {
          if (parts.size() >= 12 && parts[0] == "nread") columns = parts;
          return {};
        }
        if (parts.size() < columns.size()) {
          return "expected " + std::to_string(columns.size()) +
                 " values, got " + std::to_string(parts.size());
        }
        for (size_t c = 0; c < columns.size(); ++c) {
          auto v = ParseU64(parts[c]);
          if (!v) return KstatNotANumber(columns[c], parts[c]);
          out->push_back({columns[c], *v});
        }
        return {};
      });
}

Result<std::vector<ZfsObjsetValue>> ParseZfsObjset(std::string_view text) {
  using R = Result<std::vector<ZfsObjsetValue>>;
  bool in_rows = false;
  bool have_dataset = false;
  std::string_view dataset;
  R r = ParseRows<ZfsObjsetValue>(
      text,
      [&](size_t, std::string_view line,
          std::vector<ZfsObjsetValue>* out) -> std::string {
        const Row row = SplitRow(line);
        if (!in_rows && IsNameTypeData(row)) {
          in_rows = true;
          return {};
        }
        if (!in_rows || row.count() < 3) return {};
        if (row.f[0] == "dataset_name") {
          dataset = row.f[2];
          have_dataset = true;
          return {};
        }
        if (row.f[1] != kUint64Type) return {};
        auto v = ParseU64(row.f[2]);
        if (!v) return KstatNotANumber(row.f[0], row.f[2]);
        out->push_back({dataset, have_dataset, row.f[0], *v});
        return {};
      });
  if (!r.ok()) return r;
  if (!in_rows) return R::Fail("no 'name type data' header");
  return r;
}

std::string ParseZfsPoolState(std::string_view text) {
  auto lines = SplitLines(text);
  std::string state(lines.empty() ? std::string_view() : lines[0]);
  for (char& c : state) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return state;
}

}  // namespace host_exporter::parse
