// Parsers for the CPU-related kernel files: /proc/stat, /proc/cpuinfo and
// sysfs CPU lists such as /sys/devices/system/cpu/isolated.
#ifndef HOST_EXPORTER_PARSE_PROC_STAT_H_
#define HOST_EXPORTER_PARSE_PROC_STAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The kernel's USER_HZ: /proc/stat counts CPU time in 1/100 s on every
/// Linux architecture, whatever the kernel's internal HZ.
inline constexpr double kUserHz = 100.0;

/// Time one CPU (or all of them) spent in each mode, in seconds. Columns a
/// kernel does not report (older kernels print fewer) are 0.
struct CpuTimes {
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0,
         softirq = 0, steal = 0, guest = 0, guest_nice = 0;
};

/// One "cpuN" line of /proc/stat.
struct CpuLine {
  uint64_t cpu = 0;  ///< N of "cpuN"
  CpuTimes times;
};

/// The contents of /proc/stat. Lines absent from the file stay unset.
struct ProcStat {
  std::optional<CpuTimes> total;  ///< the aggregate "cpu" line
  std::vector<CpuLine> cpus;      ///< "cpuN" lines, in file order
  std::optional<uint64_t> intr;   ///< first column of "intr" (the total)
  std::optional<uint64_t> ctxt;
  std::optional<uint64_t> btime;      ///< boot time, seconds since the epoch
  std::optional<uint64_t> processes;  ///< forks since boot
  std::optional<uint64_t> procs_running;
  std::optional<uint64_t> procs_blocked;
  std::optional<uint64_t> softirq_total;  ///< first column of "softirq"
  /// Per-vector softirq counts in kernel order (HI, TIMER, NET_TX, NET_RX,
  /// BLOCK, IRQ_POLL, TASKLET, SCHED, HRTIMER, RCU); older kernels have fewer.
  std::vector<uint64_t> softirqs;
};

/// Parses /proc/stat. CPU lines need 4 to 10 time columns (user nice system
/// idle [iowait irq softirq steal guest guest_nice]); extra columns and
/// unknown keys are ignored. Per-IRQ counts of "intr" are not parsed.
Result<ProcStat> ParseProcStat(std::string_view text);
/// ParseProcStat() into *out, whose vectors keep their storage (a steady
/// cycle allocates nothing): "" or the error ("line N: ..."; *out is then
/// unspecified).
std::string ParseProcStatInto(std::string_view text, ProcStat* out);

/// One processor block of /proc/cpuinfo; fields the file lacks are "".
struct CpuInfo {
  uint64_t processor = 0;
  std::string vendor_id;   ///< "vendor_id" (or "vendor" on some kernels)
  std::string cpu_family;  ///< "cpu family"
  std::string model;
  std::string model_name;  ///< "model name"
  std::string stepping;
  std::string microcode;
  std::string cache_size;          ///< "cache size", e.g. "1024 KB"
  std::string physical_id;         ///< "physical id" (the package)
  std::string core_id;             ///< "core id"
  std::vector<std::string> flags;  ///< "flags" (x86) or "Features" (ARM)
  std::vector<std::string> bugs;
};

/// Parses /proc/cpuinfo in the x86 layout (blocks of "key<TAB>: value" that
/// each begin with a "processor" line), as the Prometheus procfs library
/// does. The first non-empty line must be a "processor" line.
Result<std::vector<CpuInfo>> ParseCpuInfo(std::string_view text);

/// Parses a sysfs CPU list such as "0-2,5,7-8\n" into CPU numbers, in the
/// order written. An empty list (the usual content of "isolated") is valid.
/// A range may cover at most 65536 CPUs.
Result<std::vector<uint64_t>> ParseCpuList(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_PROC_STAT_H_
