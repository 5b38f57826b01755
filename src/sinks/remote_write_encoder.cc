#include "sinks/remote_write_encoder.h"

#include <snappy.h>

#include <algorithm>
#include <cmath>

#include "remote_write.pb.h"
#include "sinks/samples.h"

namespace host_exporter::sinks {
namespace {

// WriteRequest.timeseries: field 1, wire type 2 (length-delimited).
constexpr char kTimeSeriesTag = 0x0a;

void AppendVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

}  // namespace

std::string EncodeTimeSeriesEntry(LabelPairs labels, double value,
                                  int64_t timestamp_ms) {
  std::stable_sort(
      labels.begin(), labels.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  prompb::TimeSeries ts;
  for (auto& [name, val] : labels) {
    if (val.empty()) continue;
    prompb::Label* l = ts.add_labels();
    l->set_name(std::move(name));
    l->set_value(std::move(val));
  }
  prompb::Sample* s = ts.add_samples();
  s->set_value(value);
  s->set_timestamp(timestamp_ms);
  std::string body = ts.SerializeAsString();
  std::string out;
  out.reserve(body.size() + 6);
  out.push_back(kTimeSeriesTag);
  AppendVarint(&out, body.size());
  out.append(body);
  return out;
}

void EncodeTimeSeries(const Families& families, double unix_seconds,
                      const LabelPairs& external_labels,
                      std::vector<std::string>* entries) {
  const int64_t cycle_ms = std::llround(unix_seconds * 1000);
  for (FlatSample& s : FlattenFamilies(families)) {
    LabelPairs labels = std::move(s.labels);
    for (const auto& ext : external_labels) {
      bool present =
          std::any_of(labels.begin(), labels.end(),
                      [&](const auto& l) { return l.first == ext.first; });
      if (!present) labels.push_back(ext);
    }
    labels.emplace_back("__name__", std::move(s.name));
    entries->push_back(
        EncodeTimeSeriesEntry(std::move(labels), s.value,
                              s.timestamp_ms != 0 ? s.timestamp_ms : cycle_ms));
  }
}

std::string SnappyCompress(std::string_view raw) {
  std::string out;
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

bool SnappyUncompress(std::string_view compressed, std::string* raw) {
  return snappy::Uncompress(compressed.data(), compressed.size(), raw);
}

bool DecodeWriteRequest(std::string_view bytes,
                        std::vector<DecodedSeries>* out) {
  prompb::WriteRequest req;
  if (!req.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return false;
  out->clear();
  for (const auto& ts : req.timeseries()) {
    DecodedSeries d;
    for (const auto& l : ts.labels())
      d.labels.emplace_back(l.name(), l.value());
    for (const auto& s : ts.samples())
      d.samples.emplace_back(s.value(), s.timestamp());
    out->push_back(std::move(d));
  }
  return true;
}

}  // namespace host_exporter::sinks
