#include "sinks/line_protocol.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "sinks/samples.h"

namespace host_exporter::sinks {
namespace {

bool IsKeySpecial(char c) { return c == ',' || c == '=' || c == ' '; }

// Escapes `s`, putting a backslash before every character in `special`.
std::string Escape(std::string_view s, bool (*special)(char)) {
  std::string out;
  out.reserve(s.size() + 4);
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    switch (c) {
      case '\n':
        out.append("\\n");
        continue;
      case '\r':
        out.append("\\r");
        continue;
      case '\t':
        out.append("\\t");
        continue;
      case '\\':
        // Literal, since InfluxDB only looks at the character before a
        // separator; but a trailing run would escape the separator after
        // the value, and has no escaped form: it is dropped.
        if (s.find_first_not_of('\\', i) == std::string_view::npos) return out;
        out.push_back('\\');
        continue;
      default:
        if (special(c)) out.push_back('\\');
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace

bool ParsePrecision(std::string_view s, Precision* out) {
  if (s == "ns") {
    *out = Precision::kNanoseconds;
  } else if (s == "us") {
    *out = Precision::kMicroseconds;
  } else if (s == "ms") {
    *out = Precision::kMilliseconds;
  } else if (s == "s") {
    *out = Precision::kSeconds;
  } else {
    return false;
  }
  return true;
}

std::string_view PrecisionName(Precision p) {
  switch (p) {
    case Precision::kNanoseconds:
      return "ns";
    case Precision::kMicroseconds:
      return "us";
    case Precision::kMilliseconds:
      return "ms";
    case Precision::kSeconds:
      return "s";
  }
  return "ms";
}

std::string EscapeMeasurement(std::string_view s) {
  return Escape(s, [](char c) { return c == ',' || c == ' '; });
}

std::string EscapeKey(std::string_view s) { return Escape(s, IsKeySpecial); }

std::string EscapeStringField(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string FormatFloatField(double v) {
  if (!std::isfinite(v)) return "";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, static_cast<size_t>(r.ptr - buf));
}

int64_t ToPrecision(double unix_seconds, Precision p) {
  const int64_t us = std::llround(unix_seconds * 1e6);
  auto floor_div = [](int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
  };
  switch (p) {
    case Precision::kNanoseconds:
      return us * 1000;
    case Precision::kMicroseconds:
      return us;
    case Precision::kMilliseconds:
      return floor_div(us, 1000);
    case Precision::kSeconds:
      return floor_div(us, 1000000);
  }
  return us;
}

std::string FormatLine(std::string_view measurement, const KeyValues& tags,
                       const KeyValues& fields, int64_t timestamp) {
  std::string line = EscapeMeasurement(measurement);
  for (const auto& [k, v] : tags) {
    std::string key = EscapeKey(k), value = EscapeKey(v);
    if (key.empty() || value.empty()) continue;  // InfluxDB rejects empty tags
    line.push_back(',');
    line.append(key).push_back('=');
    line.append(value);
  }
  bool first = true;
  for (const auto& [k, v] : fields) {
    line.push_back(first ? ' ' : ',');
    first = false;
    line.append(EscapeKey(k)).push_back('=');
    line.append(v);
  }
  line.push_back(' ');
  line.append(std::to_string(timestamp));
  line.push_back('\n');
  return line;
}

std::string_view LegacyMeasurement(std::string_view name) {
  if (name.starts_with("node_cpu_") || name == "node_load1" ||
      name == "node_load5" || name == "node_load15") {
    return "cpu";
  }
  if (name.starts_with("node_memory_")) return "memory";
  if (name.starts_with("node_disk_") || name.starts_with("node_filesystem_")) {
    return "disk";
  }
  if (name.starts_with("node_network_")) return "network";
  return "";
}

size_t EncodePoints(const Families& families, double unix_seconds,
                    const PointOptions& options,
                    std::vector<std::string>* lines) {
  const int64_t cycle_ts = ToPrecision(unix_seconds, options.precision);
  size_t skipped = 0;
  KeyValues tags;
  KeyValues fields(1);
  for (FlatSample& s : FlattenFamilies(families)) {
    std::string value = FormatFloatField(s.value);
    if (value.empty()) {
      ++skipped;
      continue;
    }
    tags = std::move(s.labels);
    for (const auto& extra : options.extra_tags) {
      auto it = std::lower_bound(
          tags.begin(), tags.end(), extra.first,
          [](const auto& kv, const std::string& k) { return kv.first < k; });
      if (it == tags.end() || it->first != extra.first) tags.insert(it, extra);
    }
    std::string_view measurement = s.name;
    if (options.legacy_measurements) {
      std::string_view legacy = LegacyMeasurement(s.name);
      if (!legacy.empty()) measurement = legacy;
    }
    fields[0].first = measurement == s.name ? "value" : s.name;
    fields[0].second = std::move(value);
    int64_t ts = s.timestamp_ms != 0
                     ? ToPrecision(static_cast<double>(s.timestamp_ms) / 1000,
                                   options.precision)
                     : cycle_ts;
    lines->push_back(FormatLine(measurement, tags, fields, ts));
  }
  return skipped;
}

}  // namespace host_exporter::sinks
