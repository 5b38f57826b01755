#include "parse/zfs_kstat.h"

namespace host_exporter::parse {
namespace {

constexpr std::string_view kUint64Type = "4";  // KSTAT_DATA_UINT64

bool IsNameTypeData(const std::vector<std::string_view>& parts) {
  return parts.size() == 3 && parts[0] == "name" && parts[1] == "type" &&
         parts[2] == "data";
}

std::string KstatNotANumber(std::string_view name, std::string_view value) {
  return "'" + std::string(name) + "' is not an unsigned integer: '" +
         std::string(value) + "'";
}

}  // namespace

Result<std::vector<ZfsKstatValue>> ParseZfsKstat(std::string_view text) {
  using R = Result<std::vector<ZfsKstatValue>>;
  bool in_rows = false;
  R r = ParseLines<std::vector<ZfsKstatValue>>(
      text,
      [&](size_t, std::string_view line,
          std::vector<ZfsKstatValue>* out) -> std::string {
        auto parts = SplitFields(line);
        if (!in_rows && IsNameTypeData(parts)) {
          in_rows = true;
          return {};
        }
        if (!in_rows || parts.size() < 3 || parts[1] != kUint64Type) return {};
        auto v = ParseU64(parts[2]);
        if (!v) return KstatNotANumber(parts[0], parts[2]);
        out->push_back({std::string(parts[0]), *v});
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
          out->push_back({std::string(columns[c]), *v});
        }
        return {};
      });
}

Result<std::vector<ZfsObjsetValue>> ParseZfsObjset(std::string_view text) {
  using R = Result<std::vector<ZfsObjsetValue>>;
  bool in_rows = false;
  bool have_dataset = false;
  std::string dataset;
  R r = ParseLines<std::vector<ZfsObjsetValue>>(
      text,
      [&](size_t, std::string_view line,
          std::vector<ZfsObjsetValue>* out) -> std::string {
        auto parts = SplitFields(line);
        if (!in_rows && IsNameTypeData(parts)) {
          in_rows = true;
          return {};
        }
        if (!in_rows || parts.size() < 3) return {};
        if (parts[0] == "dataset_name") {
          dataset = std::string(parts[2]);
          have_dataset = true;
          return {};
        }
        if (parts[1] != kUint64Type) return {};
        auto v = ParseU64(parts[2]);
        if (!v) return KstatNotANumber(parts[0], parts[2]);
        out->push_back({dataset, have_dataset, std::string(parts[0]), *v});
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
