#include "host_exporter/encoder.h"

#include <zlib.h>

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace host_exporter {
namespace {

void AppendEscaped(std::string* out, std::string_view s, bool quote) {
  for (char c : s) {
    if (c == '\\') {
      out->append("\\\\");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (quote && c == '"') {
      out->append("\\\"");
    } else {
      out->push_back(c);
    }
  }
}

void AppendValue(std::string* out, double v) { out->append(FormatValue(v)); }

void AppendSeries(std::string* out, std::string_view name,
                  const std::vector<prometheus::ClientMetric::Label>& labels,
                  std::string_view extra_name, std::string_view extra_value,
                  double value, int64_t timestamp_ms) {
  out->append(name);
  if (!labels.empty() || !extra_name.empty()) {
    out->push_back('{');
    bool first = true;
    for (const auto& l : labels) {
      if (!first) out->push_back(',');
      first = false;
      out->append(l.name).append("=\"");
      AppendEscaped(out, l.value, true);
      out->push_back('"');
    }
    if (!extra_name.empty()) {
      if (!first) out->push_back(',');
      out->append(extra_name).append("=\"");
      out->append(extra_value);
      out->push_back('"');
    }
    out->push_back('}');
  }
  out->push_back(' ');
  AppendValue(out, value);
  if (timestamp_ms != 0) {
    out->push_back(' ');
    out->append(std::to_string(timestamp_ms));
  }
  out->push_back('\n');
}

}  // namespace

const char* TypeName(prometheus::MetricType t) {
  switch (t) {
    case prometheus::MetricType::Counter:
      return "counter";
    case prometheus::MetricType::Gauge:
      return "gauge";
    case prometheus::MetricType::Summary:
      return "summary";
    case prometheus::MetricType::Histogram:
      return "histogram";
    case prometheus::MetricType::Untyped:
      return "untyped";
  }
  return "untyped";
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  char buf[64];
  // Shortest round-trip digits in scientific form tell the decimal exponent.
  auto sci =
      std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(sci.ptr - buf));
  size_t e = s.find('e');
  int exp = std::stoi(std::string(s.substr(e + 1)));
  // strconv.FormatFloat(v, 'g', -1, 64), as Prometheus' Go encoder writes
  // values, switches to the exponent form at exp < -4 || exp >= 6
  // (6.5733099e+07), and so do we: byte-identical values ease comparisons.
  if (exp < -4 || exp >= 6) return std::string(s);
  auto fix = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, static_cast<size_t>(fix.ptr - buf));
}

void AppendTextFamily(const prometheus::MetricFamily& f, std::string* out) {
  out->append("# HELP ").append(f.name).push_back(' ');
  AppendEscaped(out, f.help, false);
  out->append("\n# TYPE ").append(f.name).push_back(' ');
  out->append(TypeName(f.type)).push_back('\n');
  for (const auto& m : f.metric) {
    switch (f.type) {
      case prometheus::MetricType::Counter:
        AppendSeries(out, f.name, m.label, {}, {}, m.counter.value,
                     m.timestamp_ms);
        break;
      case prometheus::MetricType::Gauge:
        AppendSeries(out, f.name, m.label, {}, {}, m.gauge.value,
                     m.timestamp_ms);
        break;
      case prometheus::MetricType::Untyped:
        AppendSeries(out, f.name, m.label, {}, {}, m.untyped.value,
                     m.timestamp_ms);
        break;
      case prometheus::MetricType::Summary: {
        for (const auto& q : m.summary.quantile) {
          AppendSeries(out, f.name, m.label, "quantile",
                       FormatValue(q.quantile), q.value, m.timestamp_ms);
        }
        AppendSeries(out, f.name + "_sum", m.label, {}, {},
                     m.summary.sample_sum, m.timestamp_ms);
        AppendSeries(out, f.name + "_count", m.label, {}, {},
                     static_cast<double>(m.summary.sample_count),
                     m.timestamp_ms);
        break;
      }
      case prometheus::MetricType::Histogram: {
        bool has_inf = false;
        for (const auto& b : m.histogram.bucket) {
          if (std::isinf(b.upper_bound)) has_inf = true;
          AppendSeries(out, f.name + "_bucket", m.label, "le",
                       FormatValue(b.upper_bound),
                       static_cast<double>(b.cumulative_count), m.timestamp_ms);
        }
        if (!has_inf) {
          AppendSeries(out, f.name + "_bucket", m.label, "le", "+Inf",
                       static_cast<double>(m.histogram.sample_count),
                       m.timestamp_ms);
        }
        AppendSeries(out, f.name + "_sum", m.label, {}, {},
                     m.histogram.sample_sum, m.timestamp_ms);
        AppendSeries(out, f.name + "_count", m.label, {}, {},
                     static_cast<double>(m.histogram.sample_count),
                     m.timestamp_ms);
        break;
      }
    }
  }
}

std::string EncodeText(const Families& families) {
  std::string out;
  size_t estimate = 0;
  for (const auto& f : families) estimate += 96 + f.metric.size() * 64;
  out.reserve(estimate);
  for (const auto& f : families) AppendTextFamily(f, &out);
  return out;
}

std::string GzipCompress(std::string_view data, int level) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate failed");
  return out;
}

bool GzipDecompress(std::string_view data, std::string* out) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return false;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  out->clear();
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out->append(buf, sizeof buf - zs.avail_out);
  }
  inflateEnd(&zs);
  return rc == Z_STREAM_END;
}

}  // namespace host_exporter
