// Parser for /proc/buddyinfo: free blocks per order, per NUMA node and zone.
#ifndef HOST_EXPORTER_PARSE_BUDDYINFO_H_
#define HOST_EXPORTER_PARSE_BUDDYINFO_H_

#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One "Node 0, zone   Normal   4381   1093 ..." line: the count of free
/// blocks of 2^order pages, order 0 first.
struct BuddyInfoLine {
  std::string node;
  std::string zone;
  std::vector<double> sizes;
};

/// Parses /proc/buddyinfo as prometheus/procfs does: every line needs at
/// least four words ("Node", "<n>,", "zone", "<zone>"; an empty line is an
/// error too), the trailing commas of node and zone are dropped, every line
/// has as many counts as the first, and each count is a Go float.
Result<std::vector<BuddyInfoLine>> ParseBuddyInfo(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_BUDDYINFO_H_
