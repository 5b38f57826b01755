// Content negotiation of the exposition format, as Prometheus's client
// library does it (prometheus/common expfmt.NegotiateIncludingOpenMetrics,
// with goautoneg's Accept parsing), extended by text 1.0.0.
#ifndef HOST_EXPORTER_HTTP_NEGOTIATE_H_
#define HOST_EXPORTER_HTTP_NEGOTIATE_H_

#include <string>
#include <string_view>

#include "host_exporter/encoder.h"

namespace host_exporter::http {

/// The exposition formats we answer with.
enum class Format {
  kText004,         ///< text/plain; version=0.0.4
  kText100,         ///< text/plain; version=1.0.0 (same body as 0.0.4)
  kOpenMetrics001,  ///< application/openmetrics-text; version=0.0.1
  kOpenMetrics100,  ///< application/openmetrics-text; version=1.0.0
  kProtoDelimited,  ///< application/vnd.google.protobuf; …; encoding=delimited
};

/// The outcome of negotiation.
struct Negotiated {
  Format format = Format::kText004;
  Escaping escaping = Escaping::kUnderscores;

  /// Which of the snapshot's bodies this format uses.
  Encoding encoding() const;
  /// The Content-Type header, ending in "; escaping=<scheme>" as
  /// client_golang writes it.
  std::string ContentType() const;
};

/// Picks the format for an Accept header. The media ranges are sorted by q
/// (then specific before wildcard, as goautoneg does) and the first one we
/// serve wins: protobuf with proto=io.prometheus.client.MetricFamily and
/// encoding=delimited; text/plain with version 0.0.4, 1.0.0 or none (0.0.4);
/// application/openmetrics-text with version 1.0.0, 0.0.1 or none (0.0.1).
/// Nothing served (or no header): text 0.0.4. An "escaping=" parameter of
/// allow-utf-8, underscores, dots or values on any range looked at up to the
/// match sets the scheme (unknown values are ignored); the default is
/// underscores.
Negotiated Negotiate(std::string_view accept);

}  // namespace host_exporter::http

#endif  // HOST_EXPORTER_HTTP_NEGOTIATE_H_
