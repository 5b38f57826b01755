// Parser for the one-line sysctl files behind uname(2):
// /proc/sys/kernel/{ostype,osrelease,version,hostname,domainname,arch}.
#ifndef HOST_EXPORTER_PARSE_UNAME_H_
#define HOST_EXPORTER_PARSE_UNAME_H_

#include <string>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The value of a one-line sysctl string file: the text without its
/// trailing newline, otherwise untouched (the kernel version contains
/// spaces; an unset domain name reads "(none)"). Errors on an empty file
/// and on a second line.
Result<std::string> ParseSysctlString(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_UNAME_H_
