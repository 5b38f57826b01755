// Parser for the pressure stall information files /proc/pressure/{cpu,io,
// memory} (Linux >= 4.20 with CONFIG_PSI).
#ifndef HOST_EXPORTER_PARSE_PRESSURE_H_
#define HOST_EXPORTER_PARSE_PRESSURE_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One "some" or "full" line.
struct PsiLine {
  double avg10 = 0, avg60 = 0, avg300 = 0;  ///< percentages
  uint64_t total_us = 0;                    ///< total stall time in µs
};

/// The lines of one pressure file; a line the kernel did not print is empty
/// ("full" is absent from cpu before Linux 5.13).
struct PsiStats {
  std::optional<PsiLine> some;
  std::optional<PsiLine> full;
};

/// Parses "some avg10=0.00 avg60=0.00 avg300=0.00 total=0" lines. Lines with
/// another first word are ignored (future kinds); a "some"/"full" line with
/// a missing or malformed field is an error naming the line; fields after
/// total= are ignored.
Result<PsiStats> ParsePressure(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_PRESSURE_H_
