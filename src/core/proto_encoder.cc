// The protobuf exposition: length-delimited io.prometheus.client.MetricFamily
// messages, encoded with Debian's protobuf (lite runtime).
#include <cmath>

#include "host_exporter/encoder.h"
#include "metrics.pb.h"

namespace host_exporter {
namespace {

namespace pb = io::prometheus::client;

void SetCreated(double seconds, pb::Timestamp* ts) {
  const double whole = std::floor(seconds);
  ts->set_seconds(static_cast<int64_t>(whole));
  ts->set_nanos(
      static_cast<int32_t>(std::lround((seconds - whole) * 1e9) % 1000000000));
}

pb::MetricType ProtoType(prometheus::MetricType t) {
  switch (t) {
    case prometheus::MetricType::Counter:
      return pb::COUNTER;
    case prometheus::MetricType::Gauge:
      return pb::GAUGE;
    case prometheus::MetricType::Summary:
      return pb::SUMMARY;
    case prometheus::MetricType::Histogram:
      return pb::HISTOGRAM;
    case prometheus::MetricType::Untyped:
      return pb::UNTYPED;
  }
  return pb::UNTYPED;
}

void AppendVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

}  // namespace

std::string EncodeProtoDelimited(const Families& families,
                                 const CreatedTimes& created,
                                 Escaping escaping) {
  std::string out;
  pb::MetricFamily mf;
  for (size_t i = 0; i < families.size(); ++i) {
    const auto& f = families[i];
    const std::vector<double>* ct = i < created.size() ? &created[i] : nullptr;
    mf.Clear();
    mf.set_name(EscapeName(f.name, escaping));
    mf.set_help(f.help);
    mf.set_type(ProtoType(f.type));
    for (size_t j = 0; j < f.metric.size(); ++j) {
      const auto& m = f.metric[j];
      const double created_at = ct && j < ct->size() ? (*ct)[j] : 0;
      pb::Metric* pm = mf.add_metric();
      for (const auto& l : m.label) {
        pb::LabelPair* lp = pm->add_label();
        lp->set_name(EscapeName(l.name, escaping));
        lp->set_value(l.value);
      }
      if (m.timestamp_ms != 0) pm->set_timestamp_ms(m.timestamp_ms);
      switch (f.type) {
        case prometheus::MetricType::Counter: {
          pb::Counter* c = pm->mutable_counter();
          c->set_value(m.counter.value);
          if (created_at > 0)
            SetCreated(created_at, c->mutable_created_timestamp());
          break;
        }
        case prometheus::MetricType::Gauge:
          pm->mutable_gauge()->set_value(m.gauge.value);
          break;
        case prometheus::MetricType::Untyped:
          pm->mutable_untyped()->set_value(m.untyped.value);
          break;
        case prometheus::MetricType::Summary: {
          pb::Summary* s = pm->mutable_summary();
          s->set_sample_count(m.summary.sample_count);
          s->set_sample_sum(m.summary.sample_sum);
          for (const auto& q : m.summary.quantile) {
            pb::Quantile* pq = s->add_quantile();
            pq->set_quantile(q.quantile);
            pq->set_value(q.value);
          }
          if (created_at > 0)
            SetCreated(created_at, s->mutable_created_timestamp());
          break;
        }
        case prometheus::MetricType::Histogram: {
          pb::Histogram* h = pm->mutable_histogram();
          h->set_sample_count(m.histogram.sample_count);
          h->set_sample_sum(m.histogram.sample_sum);
          // The +Inf bucket is implicit (sample_count), as client_golang
          // writes it; Prometheus adds it back.
          for (const auto& b : m.histogram.bucket) {
            if (std::isinf(b.upper_bound) && b.upper_bound > 0) continue;
            pb::Bucket* pbk = h->add_bucket();
            pbk->set_cumulative_count(b.cumulative_count);
            pbk->set_upper_bound(b.upper_bound);
          }
          if (created_at > 0)
            SetCreated(created_at, h->mutable_created_timestamp());
          break;
        }
      }
    }
    AppendVarint(&out, mf.ByteSizeLong());
    mf.AppendToString(&out);
  }
  return out;
}

}  // namespace host_exporter
