// Parser for a one-number file under /proc/sys, such as
// net/netfilter/nf_conntrack_count or kernel/random/entropy_avail.
#ifndef HOST_EXPORTER_PARSE_SYSCTL_VALUE_H_
#define HOST_EXPORTER_PARSE_SYSCTL_VALUE_H_

#include <cstdint>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The unsigned decimal number that is the whole file, surrounding
/// whitespace ignored (node_exporter's readUintFromFile).
Result<uint64_t> ParseSysctlUint(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_SYSCTL_VALUE_H_
