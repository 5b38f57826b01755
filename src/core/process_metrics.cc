#include "host_exporter/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/parse_util.h"

namespace host_exporter {
namespace {

// The boot time, from /proc/stat's btime: read once, it does not change.
double BootTime() {
  static const double btime = ReadBootTime("/proc/stat");
  return btime;
}

// The process's start time field (22) of /proc/self/stat, in clock ticks
// since boot, or -1.
double StartTicks(const std::string& stat) {
  size_t close = stat.rfind(')');
  if (close == std::string::npos) return -1;
  auto f = parse::SplitFields(std::string_view(stat).substr(close + 1));
  if (f.size() <= 22 - 3) return -1;
  auto v = parse::ParseDouble(f[22 - 3]);
  return v ? *v : -1;
}

// Open descriptors: since Linux 6.2 the size stat(2) gives /proc/self/fd;
// on older kernels (size 0) the directory is listed.
int OpenFds() {
  struct stat st;
  if (::stat("/proc/self/fd", &st) == 0 && st.st_size > 0) {
    return static_cast<int>(st.st_size);
  }
  DIR* d = opendir("/proc/self/fd");
  if (d == nullptr) return -1;
  int fds = 0;
  while (struct dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') ++fds;
  }
  closedir(d);
  return fds - 1;  // the listing's own descriptor
}

}  // namespace

double ReadBootTime(const std::string& proc_stat) {
  std::string stat = ReadPath(proc_stat).data;
  for (auto line : parse::SplitLines(stat)) {
    auto f = parse::SplitFields(line);
    if (f.size() == 2 && f[0] == "btime") {
      if (auto v = parse::ParseDouble(f[1])) return *v;
    }
  }
  return 0.0;
}

double ProcessStartTime() {
  static const double start = [] {
    const double ticks = StartTicks(ReadPath("/proc/self/stat").data);
    return ticks < 0
               ? 0.0
               : BootTime() + ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
  }();
  return start;
}

Families ProcessMetrics() {
  Families out;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  std::string stat = ReadPath("/proc/self/stat").data;
  // Fields after the command name, which is in parentheses and may hold
  // spaces: field 3 (state) is index 0 here.
  size_t close = stat.rfind(')');
  if (close != std::string::npos) {
    auto f = parse::SplitFields(std::string_view(stat).substr(close + 1));
    auto num = [&](size_t field) -> double {
      size_t i = field - 3;
      if (i >= f.size()) return 0;
      auto v = parse::ParseDouble(f[i]);
      return v ? *v : 0;
    };
    if (f.size() > 21) {
      out.push_back(Counter("process_cpu_seconds_total",
                            "Total user and system CPU time spent in seconds.")
                        .Add((num(14) + num(15)) / ticks)
                        .Take());
      out.push_back(
          Gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.")
              .Add(num(23))
              .Take());
      out.push_back(Gauge("process_resident_memory_bytes",
                          "Resident memory size in bytes.")
                        .Add(num(24) * page)
                        .Take());
      out.push_back(
          Gauge("process_start_time_seconds",
                "Start time of the process since unix epoch in seconds.")
              .Add(ProcessStartTime())
              .Take());
    }
  }
  if (const int fds = OpenFds(); fds >= 0) {
    out.push_back(Gauge("process_open_fds", "Number of open file descriptors.")
                      .Add(fds)
                      .Take());
  }
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) == 0) {
    // client_golang reports "unlimited" as the largest uint64.
    out.push_back(Gauge("process_virtual_memory_max_bytes",
                        "Maximum amount of virtual memory available in bytes.")
                      .Add(rl.rlim_cur == RLIM_INFINITY
                               ? 18446744073709551615.0
                               : static_cast<double>(rl.rlim_cur))
                      .Take());
  }
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    out.push_back(
        Gauge("process_max_fds", "Maximum number of open file descriptors.")
            .Add(static_cast<double>(rl.rlim_cur))
            .Take());
  }
  return out;
}

}  // namespace host_exporter
