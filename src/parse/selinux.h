// Parsers for SELinux state files: /etc/selinux/config and selinuxfs's
// "enforce" file.
#ifndef HOST_EXPORTER_PARSE_SELINUX_H_
#define HOST_EXPORTER_PARSE_SELINUX_H_

#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// SELinux modes as libselinux numbers them.
enum SelinuxMode {
  kSelinuxDisabled = -1,
  kSelinuxPermissive = 0,
  kSelinuxEnforcing = 1
};

/// The configured mode from /etc/selinux/config: SELINUX=enforcing -> 1,
/// permissive -> 0, anything else or no SELINUX= line -> -1 (as
/// opencontainers/selinux's DefaultEnforceMode: blank lines and lines
/// starting with '#' or ';' are skipped; surrounding '"' are removed).
/// Never fails.
Result<int> ParseSelinuxConfigMode(std::string_view text);

/// The current mode from selinuxfs's "enforce" file ("0" or "1"); -1 if it
/// is not an integer. Never fails.
Result<int> ParseSelinuxEnforce(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_SELINUX_H_
