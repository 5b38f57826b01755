// Parsers for files under /proc/sys: a one-number file such as
// net/netfilter/nf_conntrack_count or kernel/random/entropy_avail, and the
// value lists and flag syntax of node_exporter's sysctl collector.
#ifndef HOST_EXPORTER_PARSE_SYSCTL_VALUE_H_
#define HOST_EXPORTER_PARSE_SYSCTL_VALUE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The unsigned decimal number that is the whole file, surrounding
/// whitespace ignored (node_exporter's readUintFromFile).
Result<uint64_t> ParseSysctlUint(std::string_view text);

/// A sysctl's values as prometheus/procfs' SysctlStrings: the file's
/// white-space separated words (Go's strings.Fields).
std::vector<std::string> ParseSysctlStrings(std::string_view text);

/// SysctlInts: every word a base-0 integer ("0x10", "-1"); an error names
/// the (0-based) field that is not.
Result<std::vector<int64_t>> ParseSysctlInts(std::string_view text);

/// One value of --collector.sysctl.include(-info): "fs.file-nr", or
/// "fs.file-nr:total,current,max" to name the values.
struct SysctlSelector {
  std::string name;               ///< "fs.file-nr"
  std::vector<std::string> keys;  ///< "total", "current", "max"; none
  /// The file under /proc/sys: the name with '.' as '/'.
  std::string Path() const;
};

/// Splits at the first ':' and the keys at ','.
SysctlSelector ParseSysctlSelector(std::string_view flag_value);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_SYSCTL_VALUE_H_
