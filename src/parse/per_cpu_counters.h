// Parsers of per-CPU counter tables: /proc/softirqs (a line per softirq
// vector, a column per CPU) and the files of /proc/net/stat/ (arp_cache,
// ndisc_cache, nf_conntrack, ...: a header of counter names, then a line of
// hexadecimal counters per CPU).
#ifndef HOST_EXPORTER_PARSE_PER_CPU_COUNTERS_H_
#define HOST_EXPORTER_PARSE_PER_CPU_COUNTERS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// A named counter with one value per CPU: a line of /proc/softirqs, a
/// column of a /proc/net/stat file.
struct PerCpuCounter {
  std::string name;
  std::vector<uint64_t> per_cpu;
};

/// Parses /proc/softirqs as prometheus/procfs does: the first line (the CPU
/// header) is skipped, and must exist; of the other lines, the ten vectors
/// procfs knows (HI, TIMER, NET_TX, NET_RX, BLOCK, IRQ_POLL, TASKLET, SCHED,
/// HRTIMER, RCU) are kept in file order, any other line or one without a
/// count is ignored. A count that is not an unsigned integer is an error
/// naming the line. Each vector's name ("NET_RX") and its count on CPU 0,
/// 1, ...
Result<std::vector<PerCpuCounter>> ParseSoftirqs(std::string_view text);

/// Parses a file of /proc/net/stat/ as prometheus/procfs' NetStat: the first
/// line's words are the column names, every later word a hexadecimal uint64 of
/// the column at its position. A word that is not hexadecimal, or a line with
/// more words than there are names, is an error naming the line (procfs
/// would stop with an error, node_exporter crash, on the latter). Columns
/// are in header order (each its header and its value on each CPU line); a
/// column the CPU lines do not reach has no values.
Result<std::vector<PerCpuCounter>> ParseLnstat(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_PER_CPU_COUNTERS_H_
