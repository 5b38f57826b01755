// Prometheus remote write 1.0: a snapshot as protobuf TimeSeries, a batch as
// a snappy-compressed WriteRequest. Pure functions, no I/O.
//
// Each series of a cycle becomes one TimeSeries entry, already framed as
// field 1 of WriteRequest; a request body is the concatenation of entries,
// which is how protobuf encodes a repeated field. So the queue holds bytes,
// and a batch never needs to be re-encoded.
#ifndef HOST_EXPORTER_SINKS_REMOTE_WRITE_ENCODER_H_
#define HOST_EXPORTER_SINKS_REMOTE_WRITE_ENCODER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host_exporter/collector.h"

namespace host_exporter::sinks {

/// Label name/value pairs.
using LabelPairs = std::vector<std::pair<std::string, std::string>>;

/// Encodes one series with one sample as a WriteRequest.timeseries entry
/// (field tag, length, TimeSeries bytes). `labels` must include __name__;
/// they are sorted here, empty values dropped.
std::string EncodeTimeSeriesEntry(LabelPairs labels, double value,
                                  int64_t timestamp_ms);

/// Encodes every series of `families` as an entry, stamped `unix_seconds`
/// (or the series' own timestamp), with `external_labels` added to series
/// that lack a label of that name (as Prometheus does).
void EncodeTimeSeries(const Families& families, double unix_seconds,
                      const LabelPairs& external_labels,
                      std::vector<std::string>* entries);

/// Snappy block-format compression (what remote write bodies use).
std::string SnappyCompress(std::string_view raw);

/// Inverse of SnappyCompress; false on corrupt input.
bool SnappyUncompress(std::string_view compressed, std::string* raw);

/// One decoded series, for tests and debugging.
struct DecodedSeries {
  LabelPairs labels;
  std::vector<std::pair<double, int64_t>> samples;  ///< value, timestamp ms
};

/// Parses a serialized (uncompressed) WriteRequest; false if it is not one.
bool DecodeWriteRequest(std::string_view bytes,
                        std::vector<DecodedSeries>* out);

}  // namespace host_exporter::sinks

#endif  // HOST_EXPORTER_SINKS_REMOTE_WRITE_ENCODER_H_
