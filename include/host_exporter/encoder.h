// Exposition encoders. They run once per collection cycle, never per scrape.
#ifndef HOST_EXPORTER_ENCODER_H_
#define HOST_EXPORTER_ENCODER_H_

#include <string>
#include <string_view>

#include "host_exporter/collector.h"

namespace host_exporter {

/// Content-Type of the Prometheus text format we serve.
inline constexpr std::string_view kTextContentType =
    "text/plain; version=0.0.4; charset=utf-8";

/// Formats a sample value as Prometheus/Go does (strconv 'g', shortest):
/// "0", "100.27", "6.5733099e+07", "NaN", "+Inf", "-Inf".
std::string FormatValue(double v);

/// The TYPE word of the text format: "counter", "gauge", … "untyped".
const char* TypeName(prometheus::MetricType t);

/// Appends one family in Prometheus text format 0.0.4: HELP (backslash and
/// newline escaped), TYPE, then the series in the order given. Label values
/// escape backslash, double quote and newline.
void AppendTextFamily(const prometheus::MetricFamily& family, std::string* out);

/// Encodes families in the order given.
std::string EncodeText(const Families& families);

/// Gzip (RFC 1952) of `data` at zlib level `level` (1..9).
std::string GzipCompress(std::string_view data, int level = 6);

/// Inverse of GzipCompress; returns false on corrupt input. For tests and
/// for reading compressed inputs.
bool GzipDecompress(std::string_view data, std::string* out);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_ENCODER_H_
