#include "host_exporter/family.h"

namespace host_exporter {

namespace {

void SetValue(prometheus::MetricType type, double value,
              prometheus::ClientMetric* m) {
  switch (type) {
    case prometheus::MetricType::Counter:
      m->counter.value = value;
      break;
    case prometheus::MetricType::Gauge:
      m->gauge.value = value;
      break;
    default:
      m->untyped.value = value;
      break;
  }
}

}  // namespace

FamilyBuilder& FamilyBuilder::Add(const Labels& labels, double value) {
  prometheus::ClientMetric& m = family_.metric.emplace_back();
  m.label.reserve(labels.size());
  for (const auto& [name, val] : labels) m.label.push_back({name, val});
  SetValue(family_.type, value, &m);
  return *this;
}

FamilyBuilder& FamilyBuilder::Add(Labels&& labels, double value) {
  prometheus::ClientMetric& m = family_.metric.emplace_back();
  m.label.reserve(labels.size());
  for (auto& [name, val] : labels) {
    m.label.push_back({std::move(name), std::move(val)});
  }
  SetValue(family_.type, value, &m);
  return *this;
}

double SeriesValue(const prometheus::MetricFamily& family,
                   const prometheus::ClientMetric& metric) {
  switch (family.type) {
    case prometheus::MetricType::Counter:
      return metric.counter.value;
    case prometheus::MetricType::Gauge:
      return metric.gauge.value;
    case prometheus::MetricType::Untyped:
      return metric.untyped.value;
    default:
      return 0;
  }
}

const prometheus::MetricFamily* FindFamily(const Families& families,
                                           std::string_view name) {
  for (const auto& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace host_exporter
