// Parsers for the protocol counters of /proc/net/netstat, /proc/net/snmp
// and /proc/net/snmp6. They append views of the counters to a vector the
// caller keeps: no string, map node or conversion per counter (the values
// are checked to be numbers, and converted by whoever keeps them).
#ifndef HOST_EXPORTER_PARSE_NETSTAT_H_
#define HOST_EXPORTER_PARSE_NETSTAT_H_

#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// Parses /proc/net/netstat or /proc/net/snmp: pairs of lines
/// "Proto: Name1 Name2 ..." / "Proto: v1 v2 ...", split on single spaces as
/// node_exporter does, and appends their counters to *out, group "Proto",
/// viewed in `text`. The names and values must be as many, and every value
/// a number. A protocol replaces the counters of that protocol already in
/// *out, those of an earlier pair of lines of `text` or of an earlier file
/// (node_exporter's map of protocols, merged file after file), even with a
/// pair of lines without counters. Returns "" or the error of the first bad
/// line ("line N: ..."; *out then holds part of the counters).
std::string ParseNetstat(std::string_view text, std::vector<CounterView>* out);

/// Parses /proc/net/snmp6, "Ip6InReceives <spaces/tabs> 821" lines, and
/// appends their counters to *out likewise. The protocol is the name up to
/// and including its first '6' ("Icmp6"); lines with fewer than two fields
/// or no '6' in the name are skipped. The lines of a protocol add up; each
/// protocol replaces the counters of that protocol that *out held before
/// the call. Returns "" or the error of the first bad value ("line N: ...").
std::string ParseSnmp6(std::string_view text, std::vector<CounterView>* out);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_NETSTAT_H_
