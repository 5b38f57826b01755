#include "parse/bcachefs.h"

#include <array>

#include "parse/sysfs_attr.h"

namespace host_exporter::parse {
namespace {

std::string_view TrimColon(std::string_view s) {
  if (s.ends_with(':')) s.remove_suffix(1);
  return s;
}

// "<key>:<base-10 uint64>" with white space around both, the key viewed in
// `line`; "" or why not. A line without a colon is skipped (returns "" with
// *skip set).
std::string KeyUintView(std::string_view line, std::string_view* key,
                        uint64_t* value, bool* skip) {
  const size_t colon = line.find(':');
  *skip = colon == std::string_view::npos;
  if (*skip) return "";
  *key = GoTrimSpace(line.substr(0, colon));
  const std::string_view v = GoTrimSpace(line.substr(colon + 1));
  const auto n = ParseGoUint(v, 10);
  if (!n) return "not a number: '" + std::string(v) + "'";
  *value = *n;
  return "";
}

// KeyUintView with the key copied.
std::string KeyUint(std::string_view line, std::string* key, uint64_t* value,
                    bool* skip) {
  std::string_view k;
  std::string why = KeyUintView(line, &k, value, skip);
  key->assign(k);
  return why;
}

// The first up to N of GoFields(line) in *out; how many there are in all.
// Nothing is allocated.
template <size_t N>
size_t GoFieldsUpTo(std::string_view line,
                    std::array<std::string_view, N>* out) {
  size_t n = 0;
  for (std::string_view f = NextGoField(&line); !f.empty();
       f = NextGoField(&line)) {
    if (n < N) (*out)[n] = f;
    ++n;
  }
  return n;
}

// Calls row(i, fields, n) for each line i of `text` with its first up to N
// GoFields (GoFieldsUpTo) and how many it has in all; the first error row
// returns, or "". Nothing is allocated.
template <size_t N, typename Row>
std::string ForEachLineFields(std::string_view text, Row&& row) {
  size_t pos = 0;
  std::string_view line;
  for (size_t i = 0; NextLine(text, &pos, &line); ++i) {
    std::array<std::string_view, N> f;
    const size_t n = GoFieldsUpTo(line, &f);
    std::string error = row(i, f, n);
    if (!error.empty()) return error;
  }
  return "";
}

}  // namespace

Result<uint64_t> ParseBcachefsBytes(std::string_view s) {
  s = GoTrimSpace(s);
  if (s.empty()) return Result<uint64_t>::Fail("empty size");
  // k, m, g, t, p, e (either case): 1024 to the power of its place + 1.
  constexpr std::string_view kUnits = "kmgtpe";
  double unit = 1;
  const size_t place = kUnits.find(static_cast<char>(s.back() | 0x20));
  if (place != std::string_view::npos) {
    for (size_t i = 0; i <= place; ++i) unit *= 1024;
    s.remove_suffix(1);
  }
  const auto v = ParseGoFloat(GoTrimSpace(s));
  if (!v) return Result<uint64_t>::Fail("not a size: '" + std::string(s) + "'");
  return {GoFloatToUint64(*v * unit), ""};
}

Result<std::map<std::string, BcachefsCompression>> ParseBcachefsCompression(
    std::string_view text) {
  using Map = std::map<std::string, BcachefsCompression>;
  return ParseLines<Map>(text, [](size_t i, std::string_view line, Map* out) {
    const auto f = GoFields(line);
    if (i == 0 || f.size() < 3) return std::string();  // header, short lines
    BcachefsCompression c;
    uint64_t* dest[3] = {&c.compressed, &c.uncompressed, &c.average_extent};
    for (size_t k = 1; k < f.size() && k <= 3; ++k) {
      const auto v = ParseBcachefsBytes(f[k]);
      if (!v.ok()) return v.error;
      *dest[k - 1] = v.value;
    }
    (*out)[std::string(TrimColon(f[0]))] = c;
    return std::string();
  });
}

Result<std::map<std::string, BcachefsError>> ParseBcachefsErrors(
    std::string_view text) {
  using Map = std::map<std::string, BcachefsError>;
  return ParseLines<Map>(text, [](size_t, std::string_view line, Map* out) {
    const auto f = GoFields(line);
    if (f.size() < 2) return std::string();
    BcachefsError e;
    uint64_t* dest[2] = {&e.count, &e.timestamp};
    for (size_t k = 1; k < f.size() && k <= 2; ++k) {
      const auto v = ParseGoUint(f[k], 10);
      if (!v) return "not a number: '" + std::string(f[k]) + "'";
      *dest[k - 1] = *v;
    }
    (*out)[std::string(f[0])] = e;
    return std::string();
  });
}

Result<BcachefsCounter> ParseBcachefsCounter(std::string_view text) {
  Result<BcachefsCounter> r;
  bool seen = false;
  size_t pos = 0;
  std::string_view line;
  for (size_t i = 0; NextLine(text, &pos, &line); ++i) {
    constexpr std::string_view kMount = "since mount:";
    constexpr std::string_view kCreation = "since filesystem creation:";
    uint64_t* dest = nullptr;
    if (line.starts_with(kMount)) {
      line.remove_prefix(kMount.size());
      dest = &r.value.since_mount;
    } else if (line.starts_with(kCreation)) {
      line.remove_prefix(kCreation.size());
      dest = &r.value.since_creation;
    } else {
      continue;
    }
    const auto v = ParseBcachefsBytes(line);
    if (!v.ok()) return Result<BcachefsCounter>::Fail(LineError(i, v.error));
    *dest = v.value;
    seen = true;
  }
  if (!seen) {
    return Result<BcachefsCounter>::Fail("counter file format not recognized");
  }
  return r;
}

Result<std::map<std::string, BcachefsBtreeWrite>> ParseBcachefsBtreeWrites(
    std::string_view text) {
  using Map = std::map<std::string, BcachefsBtreeWrite>;
  return ParseLines<Map>(text, [](size_t i, std::string_view line, Map* out) {
    const auto f = GoFields(line);
    if (i == 0 || f.size() < 3) return std::string();  // header, short lines
    const auto count = ParseGoUint(f[1], 10);
    if (!count) return "not a number: '" + std::string(f[1]) + "'";
    const auto size = ParseBcachefsBytes(f[2]);
    if (!size.ok()) return size.error;
    (*out)[std::string(TrimColon(f[0]))] = {*count, size.value};
    return std::string();
  });
}

Result<std::map<std::string, std::map<std::string, uint64_t>>>
ParseBcachefsIoDone(std::string_view text) {
  using Map = std::map<std::string, std::map<std::string, uint64_t>>;
  std::string op;
  return ParseLines<Map>(text, [&op](size_t, std::string_view line, Map* out) {
    line = GoTrimSpace(line);
    if (line == "read:" || line == "write:") {
      op = std::string(TrimColon(line));
      (*out)[op];
      return std::string();
    }
    if (line.empty() || op.empty()) return std::string();
    std::string key;
    uint64_t value = 0;
    bool skip = false;
    std::string why = KeyUint(line, &key, &value, &skip);
    if (why.empty() && !skip) (*out)[op][key] = value;
    return why;
  });
}

Result<std::map<std::string, uint64_t>> ParseBcachefsIoErrors(
    std::string_view text) {
  using Map = std::map<std::string, uint64_t>;
  enum { kBefore, kIn, kAfter } section = kBefore;
  return ParseLines<Map>(
      text, [&section](size_t, std::string_view line, Map* out) {
        if (line.starts_with("IO errors since filesystem creation")) {
          if (section == kBefore) section = kIn;
          return std::string();
        }
        if (line.starts_with("IO errors since ")) section = kAfter;
        if (section != kIn) return std::string();
        line = GoTrimSpace(line);
        if (line.empty()) return std::string();
        std::string key;
        uint64_t value = 0;
        bool skip = false;
        std::string why = KeyUint(line, &key, &value, &skip);
        if (why.empty() && !skip) (*out)[key] = value;
        return why;
      });
}

std::string ParseBcachefsCompressionRows(
    std::string_view text,
    std::vector<BcachefsRow<BcachefsCompression>>* rows) {
  rows->clear();
  return ForEachLineFields<4>(
      text, [&](size_t i, const auto& f, size_t n) -> std::string {
        if (i == 0 || n < 3) return "";  // header, short lines
        BcachefsCompression c;
        uint64_t* dest[3] = {&c.compressed, &c.uncompressed, &c.average_extent};
        for (size_t k = 1; k < n && k <= 3; ++k) {
          const auto v = ParseBcachefsBytes(f[k]);
          if (!v.ok()) return LineError(i, v.error);
          *dest[k - 1] = v.value;
        }
        rows->push_back({TrimColon(f[0]), c, i});
        return "";
      });
}

std::string ParseBcachefsErrorRows(
    std::string_view text, std::vector<BcachefsRow<BcachefsError>>* rows) {
  rows->clear();
  return ForEachLineFields<3>(
      text, [&](size_t i, const auto& f, size_t n) -> std::string {
        if (n < 2) return "";
        BcachefsError e;
        uint64_t* dest[2] = {&e.count, &e.timestamp};
        for (size_t k = 1; k < n && k <= 2; ++k) {
          const auto v = ParseGoUint(f[k], 10);
          if (!v) {
            return LineError(i, "not a number: '" + std::string(f[k]) + "'");
          }
          *dest[k - 1] = *v;
        }
        rows->push_back({f[0], e, i});
        return "";
      });
}

std::string ParseBcachefsBtreeWriteRows(
    std::string_view text, std::vector<BcachefsRow<BcachefsBtreeWrite>>* rows) {
  rows->clear();
  return ForEachLineFields<3>(
      text, [&](size_t i, const auto& f, size_t n) -> std::string {
        if (i == 0 || n < 3) return "";  // header, short lines
        const auto count = ParseGoUint(f[1], 10);
        if (!count) {
          return LineError(i, "not a number: '" + std::string(f[1]) + "'");
        }
        const auto size = ParseBcachefsBytes(f[2]);
        if (!size.ok()) return LineError(i, size.error);
        rows->push_back({TrimColon(f[0]), {*count, size.value}, i});
        return "";
      });
}

std::string ParseBcachefsIoDoneRows(std::string_view text,
                                    std::vector<BcachefsIoDoneRow>* rows) {
  rows->clear();
  std::string_view op;
  size_t pos = 0;
  std::string_view line;
  for (size_t i = 0; NextLine(text, &pos, &line); ++i) {
    line = GoTrimSpace(line);
    if (line == "read:" || line == "write:") {
      op = TrimColon(line);
      continue;
    }
    if (line.empty() || op.empty()) continue;
    std::string_view key;
    uint64_t value = 0;
    bool skip = false;
    std::string why = KeyUintView(line, &key, &value, &skip);
    if (!why.empty()) return LineError(i, why);
    if (!skip) rows->push_back({op, key, value, i});
  }
  return "";
}

std::string ParseBcachefsIoErrorRows(std::string_view text,
                                     std::vector<BcachefsRow<uint64_t>>* rows) {
  rows->clear();
  enum { kBefore, kIn, kAfter } section = kBefore;
  size_t pos = 0;
  std::string_view line;
  for (size_t i = 0; NextLine(text, &pos, &line); ++i) {
    if (line.starts_with("IO errors since filesystem creation")) {
      if (section == kBefore) section = kIn;
      continue;
    }
    if (line.starts_with("IO errors since ")) section = kAfter;
    if (section != kIn) continue;
    line = GoTrimSpace(line);
    if (line.empty()) continue;
    std::string_view key;
    uint64_t value = 0;
    bool skip = false;
    std::string why = KeyUintView(line, &key, &value, &skip);
    if (!why.empty()) return LineError(i, why);
    if (!skip) rows->push_back({key, value, i});
  }
  return "";
}

}  // namespace host_exporter::parse
