// Families flattened into the individual series the text exposition shows,
// the common input of every push encoder.
#ifndef HOST_EXPORTER_SINKS_SAMPLES_H_
#define HOST_EXPORTER_SINKS_SAMPLES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "host_exporter/collector.h"

namespace host_exporter::sinks {

/// One series of one cycle: what one exposition line holds.
struct FlatSample {
  /// The series name: the family name, or with _bucket/_sum/_count for
  /// histograms and _sum/_count for summaries.
  std::string name;
  /// Labels sorted by name; labels with an empty value are left out (in
  /// Prometheus an empty label is the same as no label). Histogram buckets
  /// carry `le`, summary quantiles `quantile`, formatted as in the text
  /// exposition ("0.5", "+Inf").
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
  /// The series' own timestamp (ms) if it had one, else 0.
  int64_t timestamp_ms = 0;
};

/// Expands `families` into series in exposition order: counters, gauges and
/// untyped one each; summaries into quantiles, _sum, _count; histograms into
/// _bucket (with a +Inf bucket if missing), _sum, _count.
std::vector<FlatSample> FlattenFamilies(const Families& families);

}  // namespace host_exporter::sinks

#endif  // HOST_EXPORTER_SINKS_SAMPLES_H_
