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

// procfs' parsePseudoFloat: "<int>.<digit>" where the digit counts 1/10.24
// (strings.Split on '.': parts after the second are ignored).
Result<double> ParsePseudoFloat(std::string_view s) {
  const size_t dot = s.find('.');
  auto whole = ParseGoFloat(s.substr(0, dot));
  if (!whole) {
    return Result<double>::Fail("not a number: '" + std::string(s) + "'");
  }
  if (dot == std::string_view::npos) return {*whole, ""};
  const std::string_view rest = s.substr(dot + 1);
  auto frac = ParseGoFloat(rest.substr(0, rest.find('.')));
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

// bufio.ScanLines: the next line from *pos without its '\n' and a trailing
// '\r' (SplitLines' lines); false at the end. Nothing is allocated.
bool ScanLine(std::string_view text, size_t* pos, std::string_view* line) {
  if (!NextLine(text, pos, line)) return false;
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  return true;
}

// The last of GoFields(line), "" if it has none. Nothing is allocated.
std::string_view LastGoField(std::string_view line) {
  std::string_view last;
  for (std::string_view f = NextGoField(&line); !f.empty();
       f = NextGoField(&line)) {
    last = f;
  }
  return last;
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
  size_t pos = 0;
  std::string_view line;
  for (size_t i = 0; ScanLine(text, &pos, &line); ++i) {
    const std::string_view raw = LastGoField(line);
    if (raw.empty()) continue;
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
  size_t pos = 0;
  std::string_view line;
  for (size_t i = 0; ScanLine(text, &pos, &line); ++i) {
    uint64_t* out = nullptr;
    if (line.starts_with("Unused:")) {
      out = &r.value.unused_percent;
    } else if (line.starts_with("Metadata:")) {
      out = &r.value.metadata_percent;
    } else {
      continue;
    }
    const std::string_view last = LastGoField(line);
    const std::string_view value = TrimSuffix(last, "%");
    auto v = ParseGoUint(value, 10);
    if (!v) {
      return Result<PriorityStats>::Fail(
          LineError(i, "not a percentage: '" + std::string(last) + "'"));
    }
    *out = *v;
  }
  return r;
}

}  // namespace host_exporter::parse
