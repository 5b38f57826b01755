// Parser for /proc/net/stat/nf_conntrack, netfilter's per-CPU connection
// tracking statistics.
#ifndef HOST_EXPORTER_PARSE_CONNTRACK_STAT_H_
#define HOST_EXPORTER_PARSE_CONNTRACK_STAT_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The counters of one CPU's line that node_exporter exposes (the file's
/// column of each, counted from 1).
struct ConntrackStatEntry {
  uint64_t entries = 0;         ///< 1: connections tracked now
  uint64_t found = 0;           ///< 3
  uint64_t invalid = 0;         ///< 5: packets that could not be tracked
  uint64_t ignore = 0;          ///< 6: packets already tracked
  uint64_t insert = 0;          ///< 9
  uint64_t insert_failed = 0;   ///< 10
  uint64_t drop = 0;            ///< 11
  uint64_t early_drop = 0;      ///< 12
  uint64_t search_restart = 0;  ///< 17
};

/// Parses the file: a header line (skipped), then one line of exactly 17
/// hex numbers per CPU ("entries searched|clashres found new invalid
/// ignore delete delete_list|chainlength insert insert_failed drop
/// early_drop icmp_error expect_new expect_create expect_delete
/// search_restart"), as Go's procfs 0.8 requires.
Result<std::vector<ConntrackStatEntry>> ParseConntrackStat(
    std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_CONNTRACK_STAT_H_
