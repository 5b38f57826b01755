#include "parse/bcache.h"

#include <string>
#include <vector>

#include "parse/sysfs_attr.h"

namespace host_exporter::parse {
namespace {

// The multiplier of a bch_hprint() unit suffix; 0 for an unknown one (as a
// missing key of procfs' map).
double UnitMultiplier(char unit) {
  switch (unit) {
    case 'k':
      return 1024.0;
    case 'M':
      return 1048576.0;
    case 'G':
      return 1073741824.0;
    case 'T':
      return 1099511627776.0;
    case 'P':
      return 1125899906842624.0;
    case 'E':
      return 1152921504606846976.0;
    case 'Z':
      return 1180591620717411303424.0;
    case 'Y':
      return 1208925819614629174706176.0;
    default:
      return 0;
  }
}

// procfs' parsePseudoFloat: "<int>.<digit>" where the digit counts 1/10.24.
Result<double> ParsePseudoFloat(std::string_view s) {
  auto parts = Split(s, '.');
  auto whole = ParseGoFloat(parts[0]);
  if (!whole) {
    return Result<double>::Fail("not a number: '" + std::string(s) + "'");
  }
  if (parts.size() == 1) return {*whole, ""};
  auto frac = ParseGoFloat(parts[1]);
  if (!frac) {
    return Result<double>::Fail("not a number: '" + std::string(s) + "'");
  }
  return {*whole + *frac / 10.24, ""};
}

std::string_view TrimSuffix(std::string_view s, std::string_view suffix) {
  if (s.ends_with(suffix)) {
    s.remove_suffix(suffix.size());
  }
  return s;
}

// bufio.ScanLines: lines without their '\n' and a trailing '\r'.
std::vector<std::string_view> ScanLines(std::string_view text) {
  auto lines = SplitLines(text);
  for (auto& line : lines) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  }
  return lines;
}

}  // namespace

Result<uint64_t> Dehumanize(std::string_view s) {
  if (s.empty()) return Result<uint64_t>::Fail("zero-length reply");
  const unsigned char last = static_cast<unsigned char>(s.back());
  double mantissa = 0;
  double multiplier = 1;
  if (last > '9') {
    multiplier = UnitMultiplier(static_cast<char>(last));
    auto m = ParsePseudoFloat(s.substr(0, s.size() - 1));
    if (!m.ok()) return Result<uint64_t>::Fail(m.error);
    mantissa = m.value;
  } else {
    auto m = ParseGoFloat(s);
    if (!m) {
      return Result<uint64_t>::Fail("not a number: '" + std::string(s) + "'");
    }
    mantissa = *m;
  }
  return {GoFloatToUint64(mantissa * multiplier), ""};
}

Result<int64_t> DehumanizeSigned(std::string_view s) {
  const bool negative = s.starts_with("-");
  auto v = Dehumanize(negative ? s.substr(1) : s);
  if (!v.ok()) return Result<int64_t>::Fail(v.error);
  return {static_cast<int64_t>(negative ? 0 - v.value : v.value), ""};
}

Result<uint64_t> ParseBcacheValue(std::string_view content) {
  if (content.empty()) return Result<uint64_t>::Fail("empty file");
  auto v = Dehumanize(content.substr(0, content.size() - 1));
  if (!v.ok()) return Result<uint64_t>::Fail(LineError(0, v.error));
  return v;
}

Result<WritebackRateDebug> ParseWritebackRateDebug(std::string_view text) {
  Result<WritebackRateDebug> r;
  WritebackRateDebug& w = r.value;
  auto lines = ScanLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    auto fields = GoFields(line);
    if (fields.empty()) continue;
    const std::string_view raw = fields.back();
    std::string error;
    auto unsigned_value = [&](std::string_view v, uint64_t* out) {
      auto d = Dehumanize(v);
      if (d.ok()) *out = d.value;
      error = d.error;
    };
    auto signed_value = [&](std::string_view v, int64_t* out) {
      auto d = DehumanizeSigned(v);
      if (d.ok()) *out = d.value;
      error = d.error;
    };
    if (line.starts_with("rate:")) {
      unsigned_value(TrimSuffix(raw, "/sec"), &w.rate);
    } else if (line.starts_with("dirty:")) {
      unsigned_value(raw, &w.dirty);
    } else if (line.starts_with("target:")) {
      unsigned_value(raw, &w.target);
    } else if (line.starts_with("proportional:")) {
      signed_value(raw, &w.proportional);
    } else if (line.starts_with("integral:")) {
      signed_value(raw, &w.integral);
    } else if (line.starts_with("change:")) {
      signed_value(TrimSuffix(raw, "/sec"), &w.change);
    } else if (line.starts_with("next io:")) {
      const std::string_view ms = TrimSuffix(raw, "ms");
      if (auto v = ParseGoInt(ms, 10)) {
        w.next_io = *v;
      } else {
        error = "not an integer: '" + std::string(ms) + "'";
      }
    }
    if (!error.empty()) {
      return Result<WritebackRateDebug>::Fail(LineError(i, error));
    }
  }
  return r;
}

Result<PriorityStats> ParsePriorityStats(std::string_view text) {
  Result<PriorityStats> r;
  auto lines = ScanLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    uint64_t* out = nullptr;
    if (line.starts_with("Unused:")) {
      out = &r.value.unused_percent;
    } else if (line.starts_with("Metadata:")) {
      out = &r.value.metadata_percent;
    } else {
      continue;
    }
    auto fields = GoFields(line);
    const std::string_view value = TrimSuffix(fields.back(), "%");
    auto v = ParseGoUint(value, 10);
    if (!v) {
      return Result<PriorityStats>::Fail(LineError(
          i, "not a percentage: '" + std::string(fields.back()) + "'"));
    }
    *out = *v;
  }
  return r;
}

}  // namespace host_exporter::parse
