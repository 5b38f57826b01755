// Parser for /proc/zoneinfo: per NUMA node and memory zone page counts.
#ifndef HOST_EXPORTER_PARSE_ZONEINFO_H_
#define HOST_EXPORTER_PARSE_ZONEINFO_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace host_exporter::parse {

/// One "Node <n>, zone <name>" block. The per-node stats the kernel prints
/// in a node's first zone belong to that zone here, as in procfs.
struct ZoneinfoBlock {
  std::string node;  ///< "" if the block had no "Node n, zone z" line
  std::string zone;
  /// "<key> <value>" lines by key ("nr_free_pages", "min", ...)
  std::map<std::string, int64_t, std::less<>> values;
  std::vector<int64_t> protection;  ///< "protection: (0, 2039, ...)"
};

/// Parses /proc/zoneinfo as prometheus/procfs does: the text is split into
/// blocks at "\nNode"; in each, a line with "<digits>, zone <word>" gives node
/// and zone, lines "<key> <value>" set that key's value (base-0 integer; a
/// later line whose value is not one drops the key, as procfs does; the
/// collector picks the keys procfs knows), and "protection: (a, b, ...)" gives
/// the protection array (left out if any element is not an integer). Never
/// fails.
std::vector<ZoneinfoBlock> ParseZoneinfo(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_ZONEINFO_H_
