#include "host_exporter/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "host_exporter/family.h"
#include "parse/parse_util.h"

namespace host_exporter {
namespace {

std::string Slurp(const char* path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

double BootTime() {
  std::string stat = Slurp("/proc/stat");
  for (auto line : parse::SplitLines(stat)) {
    auto f = parse::SplitFields(line);
    if (f.size() == 2 && f[0] == "btime") {
      if (auto v = parse::ParseDouble(f[1])) return *v;
    }
  }
  return 0;
}

}  // namespace

Families ProcessMetrics() {
  Families out;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  std::string stat = Slurp("/proc/self/stat");
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
              .Add(BootTime() + num(22) / ticks)
              .Take());
    }
  }
  int fds = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (struct dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') ++fds;
    }
    closedir(d);
    out.push_back(Gauge("process_open_fds", "Number of open file descriptors.")
                      .Add(fds - 1)
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
