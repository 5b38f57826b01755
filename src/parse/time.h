// Parser for a clocksource device of sysfs,
// devices/system/clocksource/clocksourceN/{available,current}_clocksource.
#ifndef HOST_EXPORTER_PARSE_TIME_H_
#define HOST_EXPORTER_PARSE_TIME_H_

#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The clocksources a clocksource device offers and the one it uses.
struct Clocksource {
  std::vector<std::string> available;  ///< in file order, e.g. {"tsc", "hpet"}
  std::string current;                 ///< e.g. "tsc"
};

/// Parses the two files of one device as node_exporter (procfs/sysfs) does:
/// `available` is split on whitespace, `current` is trimmed. Any text is
/// accepted (an empty `current` gives an empty name), so this never fails.
Result<Clocksource> ParseClocksource(std::string_view available,
                                     std::string_view current);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_TIME_H_
