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

/// Label name/value pairs viewed, for a braced list at the call site
/// (`f.Add({{"device", name}}, v)`): nothing is allocated to pass them.
using LabelViews =
    std::initializer_list<std::pair<std::string_view, std::string_view>>;

/// Builds one family; Add() appends a series with the family's type.
///
/// A builder starts from the family of the same name that a destroyed
/// snapshot handed back (RecycleFamilies), if there is one: its series
/// vector, label vectors and strings keep their capacity, and Add() assigns
/// into them, so a steady cycle allocates nearly nothing for its series.
class FamilyBuilder {
 public:
  FamilyBuilder(std::string_view name, std::string_view help,
                prometheus::MetricType t);

  /// Appends a series with these labels and value.
  FamilyBuilder& Add(const Labels& labels, double value);
  /// The same, moving the label strings.
  FamilyBuilder& Add(Labels&& labels, double value);
  /// The same for a braced list of string views.
  FamilyBuilder& Add(LabelViews labels, double value);
  /// Appends a series without labels.
  FamilyBuilder& Add(double value) { return Add(LabelViews{}, value); }

  bool empty() const { return used_ == 0; }
  const std::string& name() const { return family_.name; }
  const std::string& help() const { return family_.help; }
  prometheus::MetricType type() const { return family_.type; }
  /// Moves the family out; the builder is empty afterwards.
  prometheus::MetricFamily Take();

 private:
  /// The next series: a recycled one (its labels' storage kept, its values
  /// reset) or a new one.
  prometheus::ClientMetric& Next();

  prometheus::MetricFamily family_;
  size_t used_ = 0;  ///< series added; those after them are recycled ones
};

/// Hands families no longer read (a destroyed snapshot's) back for reuse
/// by the next FamilyBuilder of the same name. The pool keeps at most one
/// family per name, forgets a name not handed back for two calls and holds
/// at most kMaxRecycledFamilies names, so it never holds more than about
/// one snapshot's families: what the allocator held for them before.
void RecycleFamilies(Families&& families);
inline constexpr size_t kMaxRecycledFamilies = 16384;

/// How many families the pool holds now (for tests).
size_t RecycledFamilies();

/// Shorthands for the core's own families (collectors use FamilySet's).
inline FamilyBuilder Counter(std::string_view name, std::string_view help) {
  return FamilyBuilder(name, help, prometheus::MetricType::Counter);
}
inline FamilyBuilder Gauge(std::string_view name, std::string_view help) {
  return FamilyBuilder(name, help, prometheus::MetricType::Gauge);
}
inline FamilyBuilder Untyped(std::string_view name, std::string_view help) {
  return FamilyBuilder(name, help, prometheus::MetricType::Untyped);
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
