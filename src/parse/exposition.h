// Parser for the Prometheus text exposition format 0.0.4 and OpenMetrics 1.0
// text, as written into *.prom files for the textfile collector.
//
// Text in, prometheus::MetricFamily values out; no I/O, no exceptions, no
// locale. Every error names the line ("line N: reason"). The parser is meant
// to take hostile input: it works line by line without recursion, keeps its
// work linear in the input size (hash lookups, sorting per series), and can
// cap the number of series it accepts.
//
// Metric and label names outside the legacy charset are read in the quoted
// syntax of text 1.0.0 (Prometheus 3): {"my.metric","host.name"="a"} 1,
// # TYPE "my.metric" gauge.
//
// The two formats are told apart by the input itself: a line "# EOF" makes it
// OpenMetrics (the line must end the input; only blank lines may follow).
// OpenMetrics-only constructs (the types unknown, info, stateset and
// gaugehistogram, exemplars) in an input without "# EOF" are an error.
// OpenMetrics families are mapped to the closest Prometheus types:
//   counter F        -> counter F_total (its samples carry the suffix)
//   info F           -> gauge F_info
//   stateset F       -> gauge F (each state a series with label F="state")
//   gaugehistogram F -> gauges F_bucket{le}, F_gcount, F_gsum
//   unknown F        -> untyped F
// _created samples are kept as ParsedFamily::created, exemplars are checked
// for syntax and dropped,
// "# UNIT" lines are checked and dropped.
//
// Sample timestamps are rejected (the textfile collector, its only user,
// refuses them as node_exporter does), as are duplicate series, a TYPE or a
// second HELP after a family's samples, invalid metric or label names,
// histograms without a le="+Inf" bucket or with non-cumulative buckets, and
// summaries whose quantile label is not a number in [0, 1].
#ifndef HOST_EXPORTER_PARSE_EXPOSITION_H_
#define HOST_EXPORTER_PARSE_EXPOSITION_H_

#include <prometheus/metric_family.h>

#include <cstddef>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// Limits applied while parsing.
struct ExpositionOptions {
  /// Samples (series) one input may hold; 0 = unlimited. Going over is an
  /// error naming the line, so a runaway file cannot exhaust memory.
  size_t max_series = 0;
};

/// One family read from an exposition.
struct ParsedFamily {
  prometheus::MetricFamily family;
  /// True if a HELP line gave family.help (which is "" otherwise), so a
  /// caller can tell "no HELP" from an empty one and supply its own.
  bool has_help = false;
  /// OpenMetrics "_created" of each series of family.metric (Unix seconds,
  /// 0 where none was given); empty if the family had none.
  std::vector<double> created;
};

/// Everything read from one input.
struct Exposition {
  /// In order of first mention; families without samples are left out.
  /// Labels keep their order in the input; histogram buckets (including the
  /// +Inf one) and summary quantiles are sorted by bound.
  std::vector<ParsedFamily> families;
  bool openmetrics = false;  ///< the input ended with "# EOF"
};

/// Parses a whole exposition (text format 0.0.4 or OpenMetrics 1.0).
Result<Exposition> ParseExposition(std::string_view text,
                                   const ExpositionOptions& options = {});

/// True for a valid metric name: [a-zA-Z_:][a-zA-Z0-9_:]*.
bool IsValidMetricName(std::string_view name);

/// True for a valid label name: [a-zA-Z_][a-zA-Z0-9_]*.
bool IsValidLabelName(std::string_view name);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_EXPOSITION_H_
