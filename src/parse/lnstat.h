// Parser for a file of /proc/net/stat/ (arp_cache, ndisc_cache,
// nf_conntrack, ...): a header of counter names, then one line of
// hexadecimal counters per CPU.
#ifndef HOST_EXPORTER_PARSE_LNSTAT_H_
#define HOST_EXPORTER_PARSE_LNSTAT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One column: its header and its value on each CPU line.
struct LnstatColumn {
  std::string name;
  std::vector<uint64_t> per_cpu;
};

/// Parses the file as prometheus/procfs' NetStat: the first line's words
/// are the column names, every later word a hexadecimal uint64 of the
/// column at its position. A word that is not hexadecimal, or a line with
/// more words than there are names, is an error naming the line (procfs
/// would stop with an error, node_exporter crash, on the latter). Columns
/// are in header order; a column the CPU lines do not reach has no values.
Result<std::vector<LnstatColumn>> ParseLnstat(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_LNSTAT_H_
