// Exposition encoders. They run once per collection cycle, never per scrape.
#ifndef HOST_EXPORTER_ENCODER_H_
#define HOST_EXPORTER_ENCODER_H_

#include <string>
#include <string_view>
#include <vector>

#include "host_exporter/collector.h"

namespace host_exporter {

/// The encodings a snapshot can be served in. Text 0.0.4 and 1.0.0 share
/// one body (they differ in the Content-Type only), so do OpenMetrics 0.0.1
/// and 1.0.0.
enum class Encoding { kText = 0, kOpenMetrics = 1, kProtoDelimited = 2 };
inline constexpr int kEncodings = 3;

/// How metric and label names outside [a-zA-Z_:][a-zA-Z0-9_:]* are written
/// (prometheus/common model.EscapingScheme; the "escaping=" parameter).
/// Names that are valid in the legacy charset are never changed.
enum class Escaping {
  kAllowUtf8 = 0,    ///< "allow-utf-8": as they are (quoted in text forms)
  kUnderscores = 1,  ///< "underscores": each invalid character becomes '_'
  kDots = 2,         ///< "dots": '_' → "__", '.' → "_dot_", others "__"
  kValues = 3,       ///< "values": "U__" prefix, '_' → "__", others _hex_
};
inline constexpr int kEscapings = 4;

/// The parameter value of an escaping scheme ("allow-utf-8", …).
std::string_view EscapingName(Escaping e);

/// True for [a-zA-Z_:][a-zA-Z0-9_:]* (non-empty).
bool IsLegacyName(std::string_view name);

/// `name` escaped by `scheme` as prometheus/common's EscapeName does;
/// legacy names are returned unchanged.
std::string EscapeName(std::string_view name, Escaping scheme);

/// Created timestamps of a family list: created[f][m] is the Unix time in
/// seconds at which series m of family f started counting, 0 for unknown.
/// May be shorter than the families (the rest: unknown).
using CreatedTimes = std::vector<std::vector<double>>;

/// A collector that knows when a series started counting (the textfile
/// collector, from an OpenMetrics "_created" sample) gives it as this label,
/// Unix seconds ("0": not known). BuildSnapshot takes it off the series.
inline constexpr char kCreatedLabel[] = "__created__";

/// Formats a sample value as Prometheus/Go does (strconv 'g', shortest):
/// "0", "100.27", "6.5733099e+07", "NaN", "+Inf", "-Inf".
std::string FormatValue(double v);

/// The TYPE word of the text format: "counter", "gauge", … "untyped".
const char* TypeName(prometheus::MetricType t);

/// Appends one family in Prometheus text format 0.0.4: HELP (backslash and
/// newline escaped), TYPE, then the series in the order given. Label values
/// escape backslash, double quote and newline.
void AppendTextFamily(const prometheus::MetricFamily& family, std::string* out,
                      Escaping escaping = Escaping::kUnderscores);

/// Encodes families in the order given (text 0.0.4, which text 1.0.0 is
/// too: a name outside the legacy charset is escaped by `escaping`, or with
/// kAllowUtf8 written quoted, `{"a.b",l="v"}`). `names_legacy`: the
/// caller knows every label name to be in the legacy charset (a Snapshot
/// checks its families once), so none is checked again.
std::string EncodeText(const Families& families,
                       Escaping escaping = Escaping::kUnderscores,
                       bool names_legacy = false);

/// OpenMetrics 1.0.0 text as client_golang writes it: "# UNIT" where the
/// name ends in a known unit, a counter family named without "_total" and
/// its samples with it, "_created" samples where `created` knows the time,
/// "unknown" for untyped, floats as "1.0", and "# EOF" last.
/// `names_legacy` as for EncodeText().
std::string EncodeOpenMetrics(const Families& families,
                              const CreatedTimes& created, Escaping escaping,
                              bool names_legacy = false);

/// Length-delimited io.prometheus.client.MetricFamily messages (the
/// protobuf exposition), with created timestamps where known.
std::string EncodeProtoDelimited(const Families& families,
                                 const CreatedTimes& created,
                                 Escaping escaping);

/// The OpenMetrics unit suffix of `name` ("seconds", "bytes", …), "" if none.
std::string_view UnitOf(std::string_view name);

/// The highest level GzipCompress has (ISA-L's igzip: 0 to 3).
inline constexpr int kMaxGzipLevel = 3;

/// Gzip (RFC 1952) of `data` at igzip level `level` (0..3, clamped; 1 is
/// about three times faster than libdeflate's fastest level, 6 % larger).
std::string GzipCompress(std::string_view data, int level = 1);

/// Inverse of GzipCompress; returns false on corrupt input. For tests and
/// for reading compressed inputs.
bool GzipDecompress(std::string_view data, std::string* out);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_ENCODER_H_
