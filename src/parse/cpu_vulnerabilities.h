// Parser for one file of /sys/devices/system/cpu/vulnerabilities/ (the
// kernel's Documentation/ABI/testing/sysfs-devices-system-cpu).
#ifndef HOST_EXPORTER_PARSE_CPU_VULNERABILITIES_H_
#define HOST_EXPORTER_PARSE_CPU_VULNERABILITIES_H_

#include <string>
#include <string_view>

namespace host_exporter::parse {

/// A vulnerability's state as node_exporter labels it.
struct CpuVulnerability {
  std::string state;       ///< "not affected", "vulnerable", "mitigation",
                           ///< "unknown"
  std::string mitigation;  ///< the words after the first, or the raw text
};

/// Reads the file's text as prometheus/procfs' parseVulnerability: the
/// trimmed text's first word, compared without case, gives the state ("Not
/// affected", "Vulnerable[: ...]", "Mitigation: ...", "Unknown: ..."); for
/// the last three the mitigation is the remaining words joined by single
/// spaces. Any other text ("KVM: Mitigation: ...") is state "unknown" with
/// the whole trimmed text as the mitigation. Never fails.
CpuVulnerability ParseCpuVulnerability(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_CPU_VULNERABILITIES_H_
