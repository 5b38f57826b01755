// Parser for /proc/net/xfrm_stat: IPsec (XFRM) error counters.
#ifndef HOST_EXPORTER_PARSE_XFRM_STAT_H_
#define HOST_EXPORTER_PARSE_XFRM_STAT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// Parses "XfrmInError  0" lines as prometheus/procfs' NewXfrmStat: every
/// line (an empty one too) must have exactly two words, the second a
/// base-10 integer. The counters by name; errors name the line.
Result<std::map<std::string, int64_t, std::less<>>> ParseXfrmStat(
    std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_XFRM_STAT_H_
