// processes: node_processes_* -- process and thread counts by state from
// /proc/<pid>/stat and /proc/<pid>/task/<tid>/stat, and the kernel's limits
// from /proc/sys/kernel/{threads-max,pid_max}, as node_exporter 1.5.
// Processes and threads that exit while being read are skipped.
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/proc_pid_stat.h"

namespace host_exporter::collectors::processes {
namespace {

// errno values that mean "the process is gone" (node_exporter ignores
// ErrNotExist and ESRCH).
bool Vanished(int err) {
  return err == ENOENT || err == ENOTDIR || err == ESRCH;
}

// Reads a file of a process that may exit at any time: nullopt if it has.
std::optional<std::string> ReadProcessFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (Vanished(errno)) return std::nullopt;
    throw CollectError(path + ": " + std::strerror(errno));
  }
  std::string out;
  char buf[4096];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      if (Vanished(err)) return std::nullopt;
      throw CollectError(path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

// The numeric entries (pids or tids) of a directory; empty if it is gone.
std::vector<std::string> NumericEntries(const std::string& dir_path) {
  std::vector<std::string> out;
  DIR* dir = ::opendir(dir_path.c_str());
  if (dir == nullptr) {
    if (Vanished(errno)) return out;
    throw CollectError(dir_path + ": " + std::strerror(errno));
  }
  while (struct dirent* e = ::readdir(dir)) {
    if (parse::ParseU64(e->d_name)) out.emplace_back(e->d_name);
  }
  ::closedir(dir);
  return out;
}

// A whole-file unsigned number (sysctl files end with a newline).
double ReadUint(const std::string& path) {
  auto v = parse::ParseU64(parse::Trim(ReadFile(path)));
  if (!v) throw CollectError(path + ": not an unsigned integer");
  return static_cast<double>(*v);
}

class ProcessesCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    double pids = 0, threads = 0;
    std::map<std::string, double> proc_states, thread_states;
    for (const std::string& pid : NumericEntries(paths.procfs)) {
      const std::string stat_path = paths.Proc(pid + "/stat");
      auto text = ReadProcessFile(stat_path);
      if (!text) continue;
      const parse::ProcPidStat stat =
          Unwrap(parse::ParseProcPidStat(*text), stat_path);
      ++pids;
      proc_states[stat.state]++;
      threads += static_cast<double>(stat.num_threads);
      for (const std::string& tid : NumericEntries(paths.Proc(pid + "/task"))) {
        if (tid == pid) {  // the main thread: same state as the process
          thread_states[stat.state]++;
          continue;
        }
        const std::string task_path =
            paths.Proc(pid + "/task/" + tid + "/stat");
        auto task_text = ReadProcessFile(task_path);
        if (!task_text) continue;
        thread_states[Unwrap(parse::ParseProcPidStat(*task_text), task_path)
                          .state]++;
      }
    }
    const double max_threads = ReadUint(paths.Proc("sys/kernel/threads-max"));
    const double pid_max = ReadUint(paths.Proc("sys/kernel/pid_max"));

    FamilySet out;
    out.Gauge("node_processes_threads", "Allocated threads in system")
        .Add(threads);
    out.Gauge("node_processes_max_threads", "Limit of threads in the system")
        .Add(max_threads);
    auto& state =
        out.Gauge("node_processes_state", "Number of processes in each state.");
    for (const auto& [s, n] : proc_states) state.Add({{"state", s}}, n);
    auto& tstate = out.Gauge("node_processes_threads_state",
                             "Number of threads in each state.");
    for (const auto& [s, n] : thread_states)
      tstate.Add({{"thread_state", s}}, n);
    out.Gauge("node_processes_pids", "Number of PIDs").Add(pids);
    out.Gauge("node_processes_max_processes", "Number of max PIDs limit")
        .Add(pid_max);
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"processes",
          false,
          "Exposes aggregate process statistics from /proc.",
          {},
          &MakeCollector<ProcessesCollector>};
}

}  // namespace host_exporter::collectors::processes
