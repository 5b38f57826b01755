#include "sinks/samples.h"

#include <algorithm>
#include <cmath>

#include "host_exporter/encoder.h"
#include "host_exporter/family.h"

namespace host_exporter::sinks {
namespace {

void Push(std::vector<FlatSample>* out, std::string name,
          const prometheus::ClientMetric& m, const char* extra_name,
          const std::string& extra_value, double value) {
  FlatSample s;
  s.name = std::move(name);
  s.labels.reserve(m.label.size() + 1);
  for (const auto& l : m.label) {
    if (!l.value.empty()) s.labels.emplace_back(l.name, l.value);
  }
  if (extra_name != nullptr) s.labels.emplace_back(extra_name, extra_value);
  std::stable_sort(
      s.labels.begin(), s.labels.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  s.value = value;
  s.timestamp_ms = m.timestamp_ms;
  out->push_back(std::move(s));
}

}  // namespace

std::vector<FlatSample> FlattenFamilies(const Families& families) {
  std::vector<FlatSample> out;
  size_t n = 0;
  for (const auto& f : families) n += f.metric.size();
  out.reserve(n);
  for (const auto& f : families) {
    for (const auto& m : f.metric) {
      switch (f.type) {
        case prometheus::MetricType::Counter:
        case prometheus::MetricType::Gauge:
        case prometheus::MetricType::Untyped:
          Push(&out, f.name, m, nullptr, {}, SeriesValue(f, m));
          break;
        case prometheus::MetricType::Summary:
          for (const auto& q : m.summary.quantile) {
            Push(&out, f.name, m, "quantile", FormatValue(q.quantile), q.value);
          }
          Push(&out, f.name + "_sum", m, nullptr, {}, m.summary.sample_sum);
          Push(&out, f.name + "_count", m, nullptr, {},
               static_cast<double>(m.summary.sample_count));
          break;
        case prometheus::MetricType::Histogram: {
          bool has_inf = false;
          for (const auto& b : m.histogram.bucket) {
            if (std::isinf(b.upper_bound)) has_inf = true;
            Push(&out, f.name + "_bucket", m, "le", FormatValue(b.upper_bound),
                 static_cast<double>(b.cumulative_count));
          }
          if (!has_inf) {
            Push(&out, f.name + "_bucket", m, "le", "+Inf",
                 static_cast<double>(m.histogram.sample_count));
          }
          Push(&out, f.name + "_sum", m, nullptr, {}, m.histogram.sample_sum);
          Push(&out, f.name + "_count", m, nullptr, {},
               static_cast<double>(m.histogram.sample_count));
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace host_exporter::sinks
