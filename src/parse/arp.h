// Parser for /proc/net/arp, the IPv4 neighbour table.
#ifndef HOST_EXPORTER_PARSE_ARP_H_
#define HOST_EXPORTER_PARSE_ARP_H_

#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One neighbour entry.
struct ArpEntry {
  std::string ip;
  std::string hw_address;
  std::string device;
};

/// Parses /proc/net/arp as Go's procfs does: lines of 9 fields (the header
/// "IP address HW type Flags HW address Mask Device") and blank lines are
/// skipped, lines of 6 fields are entries, anything else is an error.
Result<std::vector<ArpEntry>> ParseArp(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_ARP_H_
