// Fuzzes parse::ParseExposition (the textfile collector's parser for the
// Prometheus text format 0.0.4 and OpenMetrics 1.0), then feeds what it
// accepted through the snapshot builder and encoder, as the textfile
// collector does, and checks that:
//   - every family has a valid, unique name and at least one series; label
//     names are valid and unique per series; histograms end with a +Inf
//     bucket and are cumulative; summary quantiles are sorted in [0, 1];
//   - a series cap is honoured;
//   - the encoded snapshot is valid UTF-8, its gzip form decompresses to
//     it, and it parses again (we never serve what we would reject).
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "fuzz_util.h"
#include "host_exporter/encoder.h"
#include "host_exporter/snapshot.h"
#include "parse/exposition.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;
using prometheus::MetricType;

namespace {

constexpr size_t kCap = 8;

size_t CheckExposition(const hp::Exposition& e) {
  size_t series = 0;
  std::set<std::string> names;
  for (const hp::ParsedFamily& pf : e.families) {
    const auto& f = pf.family;
    FUZZ_CHECK(!f.name.empty());
    // A legacy name, or a quoted one (text 1.0.0): any valid UTF-8.
    FUZZ_CHECK(hp::IsValidMetricName(f.name) || hf::IsValidUtf8(f.name));
    FUZZ_CHECK(names.insert(f.name).second);
    FUZZ_CHECK(!f.metric.empty());
    if (!pf.has_help) FUZZ_CHECK(f.help.empty());
    series += f.metric.size();
    for (const auto& m : f.metric) {
      std::set<std::string> labels;
      for (const auto& l : m.label) {
        FUZZ_CHECK(hp::IsValidLabelName(l.name) || hf::IsValidUtf8(l.name));
        FUZZ_CHECK(labels.insert(l.name).second);
      }
      if (f.type == MetricType::Histogram) {
        FUZZ_CHECK(!labels.count("le"));
        const auto& b = m.histogram.bucket;
        FUZZ_CHECK(!b.empty());
        FUZZ_CHECK(std::isinf(b.back().upper_bound) &&
                   b.back().upper_bound > 0);
        for (size_t i = 1; i < b.size(); ++i) {
          FUZZ_CHECK(b[i - 1].upper_bound < b[i].upper_bound);
          FUZZ_CHECK(b[i - 1].cumulative_count <= b[i].cumulative_count);
        }
      }
      if (f.type == MetricType::Summary) {
        FUZZ_CHECK(!labels.count("quantile"));
        const auto& q = m.summary.quantile;
        for (size_t i = 0; i < q.size(); ++i) {
          FUZZ_CHECK(q[i].quantile >= 0 && q[i].quantile <= 1);
          if (i) FUZZ_CHECK(q[i - 1].quantile < q[i].quantile);
        }
      }
    }
  }
  return series;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseExposition(text);
  hf::CheckResult(r, text);

  hp::ExpositionOptions capped;
  capped.max_series = kCap;
  auto c = hp::ParseExposition(text, capped);
  hf::CheckResult(c, text);
  if (c.ok()) {
    FUZZ_CHECK(r.ok());
    FUZZ_CHECK(CheckExposition(c.value) <= kCap);
  }
  if (!r.ok()) return 0;
  if (r.value.openmetrics)
    FUZZ_CHECK(text.find("# EOF") != std::string_view::npos);
  CheckExposition(r.value);

  // Through the snapshot builder and the text encoder.
  host_exporter::CollectorResult result;
  result.status = {"textfile", true, 0.001, ""};
  for (auto& pf : r.value.families)
    result.families.push_back(std::move(pf.family));
  std::vector<host_exporter::CollectorResult> results;
  results.push_back(std::move(result));
  std::vector<std::string> warnings;
  auto snap =
      host_exporter::BuildSnapshot(std::move(results), {}, {}, 0, 1, &warnings);
  FUZZ_CHECK(snap != nullptr);
  FUZZ_CHECK(hf::IsValidUtf8(snap->Text()));
  std::string unzipped;
  FUZZ_CHECK(host_exporter::GzipDecompress(snap->TextGzip(), &unzipped));
  FUZZ_CHECK(unzipped == snap->Text());
  // Names as they are (escaping could make two names one).
  auto again = hp::ParseExposition(
      snap->Encoded(host_exporter::Encoding::kText,
                    host_exporter::Escaping::kAllowUtf8, false));
  if (!again.ok()) {
    std::fprintf(stderr, "re-parse of the encoded snapshot failed: %s\n",
                 again.error.c_str());
  }
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(!again.value.openmetrics);
  return 0;
}
