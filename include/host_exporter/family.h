// Building one prometheus::MetricFamily. Collectors do not use this
// directly: they build their output with FamilySet (collectors/toolkit.h),
// whose family handles are FamilyBuilders. The core builds the exporter's
// own families (self-metrics, sink counters) with it.
#ifndef HOST_EXPORTER_FAMILY_H_
#define HOST_EXPORTER_FAMILY_H_

#include <prometheus/metric_family.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace host_exporter {

/// The families one collector produced in one run, or a snapshot's merged
/// families.
using Families = std::vector<prometheus::MetricFamily>;

/// Label name/value pairs in the order given (the snapshot sorts them).
using Labels = std::vector<std::pair<std::string, std::string>>;

/// Builds one family; Add() appends a series with the family's type.
class FamilyBuilder {
 public:
  FamilyBuilder(std::string name, std::string help, prometheus::MetricType t) {
    family_.name = std::move(name);
    family_.help = std::move(help);
    family_.type = t;
  }

  /// Appends a series with these labels and value.
  FamilyBuilder& Add(const Labels& labels, double value);
  /// The same, moving the label strings (a braced list at the call site).
  FamilyBuilder& Add(Labels&& labels, double value);
  /// Appends a series without labels.
  FamilyBuilder& Add(double value) { return Add(Labels{}, value); }

  bool empty() const { return family_.metric.empty(); }
  const std::string& help() const { return family_.help; }
  prometheus::MetricType type() const { return family_.type; }
  /// Moves the family out; the builder is empty afterwards.
  prometheus::MetricFamily Take() { return std::move(family_); }

 private:
  prometheus::MetricFamily family_;
};

/// Shorthands for the core's own families (collectors use FamilySet's).
inline FamilyBuilder Counter(std::string name, std::string help) {
  return FamilyBuilder(std::move(name), std::move(help),
                       prometheus::MetricType::Counter);
}
inline FamilyBuilder Gauge(std::string name, std::string help) {
  return FamilyBuilder(std::move(name), std::move(help),
                       prometheus::MetricType::Gauge);
}
inline FamilyBuilder Untyped(std::string name, std::string help) {
  return FamilyBuilder(std::move(name), std::move(help),
                       prometheus::MetricType::Untyped);
}

/// The value of a series regardless of its family's type (counter, gauge,
/// untyped); 0 for summaries and histograms.
double SeriesValue(const prometheus::MetricFamily& family,
                   const prometheus::ClientMetric& metric);

/// The first family called `name` in `families`, or nullptr. The one lookup
/// of a family by name (push sinks' system metrics, the landing page, tests).
const prometheus::MetricFamily* FindFamily(const Families& families,
                                           std::string_view name);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_FAMILY_H_
