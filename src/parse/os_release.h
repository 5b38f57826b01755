// Parser for os-release(5) files (/etc/os-release, /usr/lib/os-release),
// with the rules of the env-file parser node_exporter 1.5 uses
// (hashicorp/go-envparse).
#ifndef HOST_EXPORTER_PARSE_OS_RELEASE_H_
#define HOST_EXPORTER_PARSE_OS_RELEASE_H_

#include <map>
#include <string>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// KEY=value pairs of an env file; a key given twice keeps its last value.
using EnvFile = std::map<std::string, std::string>;

/// Parses an env file: blank lines and lines starting with '#' are skipped;
/// an "export " prefix and surrounding whitespace are dropped; values may be
/// unquoted (a " #" starts a comment), 'single quoted' (literal) or "double
/// quoted" (JSON escapes: \" \\ \/ \b \f \r \n \t \uXXXX). A line without
/// '=', a bad key, an unmatched quote, a bad escape or a control character is
/// an error naming the line.
Result<EnvFile> ParseEnvFile(std::string_view text);

/// node_exporter's node_os_version value: the leading "major[.minor]" of
/// VERSION_ID as a number ("22.04" -> 22.04, "7.9.2009" -> 7.9, "12" ->
/// 12), or 0 if VERSION_ID does not start with a digit.
double OsVersionNumber(std::string_view version_id);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_OS_RELEASE_H_
