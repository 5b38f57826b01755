// Parser for /proc/softirqs: per-CPU counts of each softirq vector.
#ifndef HOST_EXPORTER_PARSE_SOFTIRQS_H_
#define HOST_EXPORTER_PARSE_SOFTIRQS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One vector's line: "NET_RX" and its count on CPU 0, 1, ...
struct SoftirqLine {
  std::string type;
  std::vector<uint64_t> per_cpu;
};

/// Parses /proc/softirqs as prometheus/procfs does: the first line (the CPU
/// header) is skipped, and must exist; of the other lines, the ten vectors
/// procfs knows (HI, TIMER, NET_TX, NET_RX, BLOCK, IRQ_POLL, TASKLET, SCHED,
/// HRTIMER, RCU) are kept in file order, any other line or one without a
/// count is ignored. A count that is not an unsigned integer is an error
/// naming the line.
Result<std::vector<SoftirqLine>> ParseSoftirqs(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_SOFTIRQS_H_
