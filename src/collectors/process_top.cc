// process_top: the N processes that used the most CPU over the last cycle
// and the N with the largest resident set (pid and comm labels, only for
// them), and groups by command name and by systemd unit with CPU, resident
// memory, storage I/O, open descriptors, threads and process counts.
//
// One pass over /proc per cycle: <pid>/stat always (comm, CPU ticks,
// threads, RSS), <pid>/io and the <pid>/fd listing unless switched off,
// <pid>/cgroup only for a process not seen before. The process table, the
// read buffer and the candidate list are kept between cycles: a process
// that was already there costs no allocation.
//
// Group counters (CPU seconds, I/O bytes) add up what each member process
// used from the moment it was first seen; what a process used between its
// last sample and its exit is lost, and so is a process that started and
// exited between two cycles. A ".service" or ".scope" unit whose cgroup has
// accounting (cgroup v2 cpu.stat and io.stat, v1 cpuacct.stat and
// blkio.throttle.io_service_bytes) takes its counters from the cgroup
// instead: they include every process that ever ran in it, exited children
// too.
#include "collectors/process_top.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "host_exporter/string_map.h"
#include "parse/process_top.h"
#include "parse/utf8.h"

namespace host_exporter {
namespace {

constexpr char kTopFlag[] = "collector.process_top.top";
constexpr char kMaxGroupsFlag[] = "collector.process_top.max-groups";
constexpr char kIoFlag[] = "collector.process_top.io";
constexpr char kFdsFlag[] = "collector.process_top.fds";
// Where processes go whose group would pass the cap.
constexpr char kOtherGroup[] = "_other";

// The process is gone (exited while being read).
bool Vanished(int err) {
  return err == ENOENT || err == ENOTDIR || err == ESRCH;
}

size_t PositiveFlag(const CollectorOptions& o, const char* flag) {
  const std::string v = o.Get(flag);
  auto n = parse::ParseU64(v);
  if (!n || *n == 0 || *n > 100000) {
    throw std::invalid_argument(std::string("--") + flag +
                                ": expected a whole number from 1 to 100000, "
                                "got '" +
                                v + "'");
  }
  return static_cast<size_t>(*n);
}

// One kind of group (by comm or by unit), capped, with stable indices.
struct Group {
  std::string name;
  bool in_use = false;
  // Counters accumulated from member processes (clock ticks, bytes).
  uint64_t user_ticks = 0, system_ticks = 0;
  uint64_t read_bytes = 0, write_bytes = 0;
  // Unit groups: the cgroup's own accounting, when it has it.
  std::string cgroup_path;
  bool cgroup_cpu = false, cgroup_io = false;
  parse::CgroupUsage cpu;
  parse::CgroupIoBytes io;
  // This cycle's gauges.
  double rss = 0, fds = 0, threads = 0, processes = 0;
};

class GroupTable {
 public:
  explicit GroupTable(size_t cap) : cap_(cap) {}

  // The index of group `name`, created if there is room (else the
  // "_other" group's). Sets *created when the group is new.
  uint32_t Find(std::string_view name, bool* created) {
    *created = false;
    if (auto it = index_.find(name); it != index_.end()) return it->second;
    if (index_.size() >= cap_) name = kOtherGroup;
    if (auto it = index_.find(name); it != index_.end()) return it->second;
    uint32_t i;
    if (!free_.empty()) {
      i = free_.back();
      free_.pop_back();
      groups_[i] = Group{};
    } else {
      i = static_cast<uint32_t>(groups_.size());
      groups_.emplace_back();
    }
    groups_[i].name = std::string(name);
    groups_[i].in_use = true;
    index_.emplace(groups_[i].name, i);
    *created = true;
    return i;
  }

  Group& operator[](uint32_t i) { return groups_[i]; }

  void ResetGauges() {
    for (Group& g : groups_) g.rss = g.fds = g.threads = g.processes = 0;
  }

  // Drops the groups without a process this cycle: their series end.
  void DropEmpty() {
    for (uint32_t i = 0; i < groups_.size(); ++i) {
      Group& g = groups_[i];
      if (!g.in_use || g.processes > 0) continue;
      index_.erase(g.name);
      g.in_use = false;
      free_.push_back(i);
    }
  }

  // The groups in use, sorted by name (the output order).
  std::vector<const Group*> Sorted() const {
    std::vector<const Group*> out;
    for (const Group& g : groups_) {
      if (g.in_use) out.push_back(&g);
    }
    std::sort(out.begin(), out.end(),
              [](const Group* a, const Group* b) { return a->name < b->name; });
    return out;
  }

  std::vector<Group>& all() { return groups_; }

 private:
  size_t cap_;
  std::vector<Group> groups_;
  StringMap<uint32_t> index_;
  std::vector<uint32_t> free_;
};

struct Proc {
  uint64_t starttime = 0;
  uint64_t utime = 0, stime = 0;
  uint64_t read_bytes = 0, write_bytes = 0;
  std::string comm;
  uint32_t comm_group = 0, unit_group = 0;
  uint64_t seen = 0;  // the cycle it was last seen in
};

// One live process of this cycle, ranked twice.
struct Candidate {
  int32_t pid;
  uint64_t cpu_ticks;  // used since the last cycle
  int64_t rss_bytes;
  const Proc* proc;
};

class ProcessTopCollector : public Collector {
 public:
  ProcessTopCollector(const CollectorOptions& o, ProcessTopClock clock)
      : top_(PositiveFlag(o, kTopFlag)),
        io_(o.GetBool(kIoFlag)),
        fds_(o.GetBool(kFdsFlag)),
        comms_(PositiveFlag(o, kMaxGroupsFlag)),
        units_(PositiveFlag(o, kMaxGroupsFlag)),
        clock_(std::move(clock)) {
    const long hz = ::sysconf(_SC_CLK_TCK);
    ticks_per_second_ = hz > 0 ? static_cast<double>(hz) : 100.0;
    const long page = ::sysconf(_SC_PAGESIZE);
    page_size_ = page > 0 ? page : 4096;
    buf_.resize(4096);
    dents_.resize(32768);
    list_dents_.resize(65536);
  }

  Families Collect(const HostPaths& paths) override {
    const double now = clock_();
    ++cycle_;
    comms_.ResetGauges();
    units_.ResetGauges();
    candidates_.clear();
    unreadable_io_ = unreadable_fds_ = 0;

    const int proc_fd =
        ::open(paths.procfs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (proc_fd < 0) ThrowErrno(paths.procfs, errno);
    ScopedFd proc_dir(proc_fd);
    Scan(paths, proc_fd);

    // Forget the processes that exited.
    std::erase_if(procs_,
                  [this](const auto& kv) { return kv.second.seen != cycle_; });
    comms_.DropEmpty();
    units_.DropEmpty();
    ReadCgroups(paths);

    FamilySet out;
    if (prev_time_ >= 0 && now > prev_time_) Top(now - prev_time_, &out);
    TopRss(&out);
    Groups(comms_, "comm", "command name", &out);
    Groups(units_, "unit", "systemd unit", &out);
    auto& unreadable = out.Gauge(
        "host_process_top_unreadable_processes",
        "Processes whose file could not be read in the last cycle (EACCES: "
        "the exporter lacks the permission), by file");
    if (io_) unreadable.Add({{"file", "io"}}, unreadable_io_);
    if (fds_) unreadable.Add({{"file", "fd"}}, unreadable_fds_);
    out.Gauge("host_process_top_scanned_processes",
              "Processes read in the last cycle")
        .Add(static_cast<double>(candidates_.size()));
    prev_time_ = now;
    return out.Take();
  }

  std::vector<std::string> TakeWarnings() override {
    return std::exchange(warnings_, {});
  }

 private:
  // Reads `rel` under /proc into buf_; the length, or -errno.
  ssize_t ReadAt(int dir, const char* rel) {
    const int fd = ::openat(dir, rel, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    size_t len = 0;
    while (true) {
      if (len == buf_.size()) buf_.resize(buf_.size() * 2);
      const ssize_t n = ::read(fd, buf_.data() + len, buf_.size() - len);
      if (n < 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        ::close(fd);
        return -err;
      }
      if (n == 0) break;
      len += static_cast<size_t>(n);
    }
    ::close(fd);
    return static_cast<ssize_t>(len);
  }

  // Entries of the directory `rel` under /proc, or -errno.
  long CountEntries(int dir, const char* rel) {
    const int fd = ::openat(dir, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -errno;
    long count = 0;
    while (true) {
      const ssize_t n = ::getdents64(fd, dents_.data(), dents_.size());
      if (n < 0) {
        const int err = errno;
        ::close(fd);
        return -err;
      }
      if (n == 0) break;
      for (ssize_t off = 0; off < n;) {
        const auto* d =
            reinterpret_cast<const struct dirent64*>(dents_.data() + off);
        if (std::strcmp(d->d_name, ".") != 0 &&
            std::strcmp(d->d_name, "..") != 0) {
          ++count;
        }
        off += d->d_reclen;
      }
    }
    ::close(fd);
    return count;
  }

  void Warn(const HostPaths& paths, const char* rel, const std::string& why) {
    if (warnings_.size() < 10) {
      warnings_.push_back(paths.Proc(rel) + ": " + why);
    }
  }

  void Scan(const HostPaths& paths, int proc_fd) {
    // A second descriptor for the listing: getdents64 moves its offset.
    const int list_fd =
        ::openat(proc_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (list_fd < 0) ThrowErrno(paths.procfs, errno);
    ScopedFd list(list_fd);
    while (true) {
      const ssize_t n =
          ::getdents64(list_fd, list_dents_.data(), list_dents_.size());
      if (n < 0) ThrowErrno(paths.procfs, errno);
      if (n == 0) break;
      for (ssize_t off = 0; off < n;) {
        const auto* d =
            reinterpret_cast<const struct dirent64*>(list_dents_.data() + off);
        off += d->d_reclen;
        int32_t pid = 0;
        const char* p = d->d_name;
        if (*p == '\0') continue;
        // A PID has at most 7 digits (PID_MAX_LIMIT is 2^22): a longer name
        // is no process, and would overflow pid.
        for (; *p >= '0' && *p <= '9' && p - d->d_name < 8; ++p) {
          pid = pid * 10 + (*p - '0');
        }
        if (*p != '\0' || pid <= 0) continue;
        ScanProcess(paths, proc_fd, d->d_name, pid);
      }
    }
  }

  void ScanProcess(const HostPaths& paths, int proc_fd, const char* name,
                   int32_t pid) {
    char rel[48];
    std::snprintf(rel, sizeof rel, "%.8s/stat", name);
    ssize_t n = ReadAt(proc_fd, rel);
    if (n < 0) {
      if (!Vanished(static_cast<int>(-n))) Warn(paths, rel, std::strerror(-n));
      return;
    }
    parse::PidStatFields st;
    if (!parse::ParsePidStatFields(
            std::string_view(buf_.data(), static_cast<size_t>(n)), &st,
            &error_)) {
      Warn(paths, rel, error_);
      return;
    }
    auto [it, inserted] = procs_.try_emplace(pid);
    Proc& proc = it->second;
    const bool fresh = inserted || proc.starttime != st.starttime;
    uint64_t cpu_delta = st.utime + st.stime;
    if (fresh) {
      // A new process (or a new one with a reused pid): its group gets all
      // it used so far.
      if (!inserted) proc = Proc{};
      proc.starttime = st.starttime;
      proc.comm.assign(st.comm);
      bool created;
      proc.comm_group = comms_.Find(proc.comm, &created);
      std::snprintf(rel, sizeof rel, "%.8s/cgroup", name);
      n = ReadAt(proc_fd, rel);
      const parse::PidUnit unit = parse::ParsePidUnit(
          n > 0 ? std::string_view(buf_.data(), static_cast<size_t>(n))
                : std::string_view());
      proc.unit_group = units_.Find(unit.unit, &created);
      if (created) {
        Group& g = units_[proc.unit_group];
        g.cgroup_path.assign(parse::IsLeafUnit(unit.unit) ? unit.path : "");
        g.cgroup_cpu = g.cgroup_io = !g.cgroup_path.empty();
      }
    } else {
      cpu_delta = (st.utime + st.stime) - (proc.utime + proc.stime);
      if (st.comm != proc.comm) {  // exec(2) of another program
        proc.comm.assign(st.comm);
        bool created;
        proc.comm_group = comms_.Find(proc.comm, &created);
      }
    }
    const uint64_t du = st.utime >= proc.utime ? st.utime - proc.utime : 0;
    const uint64_t ds = st.stime >= proc.stime ? st.stime - proc.stime : 0;
    proc.utime = st.utime;
    proc.stime = st.stime;
    proc.seen = cycle_;
    Group& cg = comms_[proc.comm_group];
    Group& ug = units_[proc.unit_group];
    for (Group* g : {&cg, &ug}) {
      g->user_ticks += du;
      g->system_ticks += ds;
      g->rss += static_cast<double>(st.rss_pages * page_size_);
      g->threads += static_cast<double>(st.num_threads);
      g->processes += 1;
    }
    if (io_) {
      std::snprintf(rel, sizeof rel, "%.8s/io", name);
      n = ReadAt(proc_fd, rel);
      parse::PidIoBytes io;
      if (n >= 0 && parse::ParsePidIo(
                        std::string_view(buf_.data(), static_cast<size_t>(n)),
                        &io, &error_)) {
        const uint64_t dr = io.read_bytes >= proc.read_bytes
                                ? io.read_bytes - proc.read_bytes
                                : 0;
        const uint64_t dw = io.write_bytes >= proc.write_bytes
                                ? io.write_bytes - proc.write_bytes
                                : 0;
        proc.read_bytes = io.read_bytes;
        proc.write_bytes = io.write_bytes;
        for (Group* g : {&cg, &ug}) {
          g->read_bytes += dr;
          g->write_bytes += dw;
        }
      } else if (n >= 0) {
        Warn(paths, rel, error_);
      } else if (-n == EACCES || -n == EPERM) {
        ++unreadable_io_;
      } else if (!Vanished(static_cast<int>(-n))) {
        Warn(paths, rel, std::strerror(-n));
      }
    }
    if (fds_) {
      std::snprintf(rel, sizeof rel, "%.8s/fd", name);
      const long fds = CountEntries(proc_fd, rel);
      if (fds >= 0) {
        cg.fds += static_cast<double>(fds);
        ug.fds += static_cast<double>(fds);
      } else if (-fds == EACCES || -fds == EPERM) {
        ++unreadable_fds_;
      } else if (!Vanished(static_cast<int>(-fds))) {
        Warn(paths, rel, std::strerror(static_cast<int>(-fds)));
      }
    }
    candidates_.push_back({pid, cpu_delta, st.rss_pages * page_size_, &proc});
  }

  // The cgroup accounting of the ".service" and ".scope" groups.
  void ReadCgroups(const HostPaths& paths) {
    const bool v2 =
        Stat(paths.Sys("fs/cgroup/cgroup.controllers")).kind == Kind::kRegular;
    const std::string unified =
        paths.Sys(v2 ? "fs/cgroup" : "fs/cgroup/unified");
    for (Group& g : units_.all()) {
      if (!g.in_use || g.cgroup_path.empty()) continue;
      if (g.cgroup_cpu) {
        if (auto t = ReadCgroupFile(unified + g.cgroup_path + "/cpu.stat")) {
          auto r = parse::ParseCgroupCpuStat(*t);
          if (r.ok()) g.cpu = r.value;
          g.cgroup_cpu = r.ok();
        } else if (auto t1 = ReadCgroupFile(paths.Sys("fs/cgroup/cpuacct") +
                                            g.cgroup_path + "/cpuacct.stat")) {
          auto r = parse::ParseCpuacctStat(*t1, ticks_per_second_);
          if (r.ok()) g.cpu = r.value;
          g.cgroup_cpu = r.ok();
        } else {
          g.cgroup_cpu = false;  // no accounting: count the processes
        }
      }
      if (g.cgroup_io) {
        if (auto t = ReadCgroupFile(unified + g.cgroup_path + "/io.stat")) {
          auto r = parse::ParseCgroupIoTotals(*t);
          if (r.ok()) g.io = r.value;
          g.cgroup_io = r.ok();
        } else if (auto t1 = ReadCgroupFile(
                       paths.Sys("fs/cgroup/blkio") + g.cgroup_path +
                       "/blkio.throttle.io_service_bytes")) {
          auto r = parse::ParseBlkioServiceBytes(*t1);
          if (r.ok()) g.io = r.value;
          g.cgroup_io = r.ok();
        } else {
          g.cgroup_io = false;
        }
      }
    }
  }

  static std::optional<std::string> ReadCgroupFile(const std::string& path) {
    FileRead r = ReadWhole(path);
    if (!r.ok()) return std::nullopt;
    return std::move(r.data);
  }

  static Labels ProcLabels(const Candidate& c) {
    return {{"pid", std::to_string(c.pid)},
            {"comm", parse::ToValidUtf8(c.proc->comm)}};
  }

  void Top(double seconds, FamilySet* out) {
    const size_t n = std::min(top_, candidates_.size());
    std::partial_sort(
        candidates_.begin(), candidates_.begin() + n, candidates_.end(),
        [](const Candidate& a, const Candidate& b) {
          return a.cpu_ticks != b.cpu_ticks ? a.cpu_ticks > b.cpu_ticks
                                            : a.pid < b.pid;
        });
    auto& f = out->Gauge(
        "host_process_top_cpu_ratio",
        "CPU time used over the last cycle per second of it (1 = one CPU), "
        "for the processes that used the most (up to "
        "--collector.process_top.top)");
    for (size_t i = 0; i < n && candidates_[i].cpu_ticks > 0; ++i) {
      f.Add(ProcLabels(candidates_[i]),
            static_cast<double>(candidates_[i].cpu_ticks) / ticks_per_second_ /
                seconds);
    }
  }

  void TopRss(FamilySet* out) {
    const size_t n = std::min(top_, candidates_.size());
    std::partial_sort(
        candidates_.begin(), candidates_.begin() + n, candidates_.end(),
        [](const Candidate& a, const Candidate& b) {
          return a.rss_bytes != b.rss_bytes ? a.rss_bytes > b.rss_bytes
                                            : a.pid < b.pid;
        });
    auto& f =
        out->Gauge("host_process_top_resident_memory_bytes",
                   "Resident set size of the processes with the largest (up to "
                   "--collector.process_top.top)");
    for (size_t i = 0; i < n && candidates_[i].rss_bytes > 0; ++i) {
      f.Add(ProcLabels(candidates_[i]),
            static_cast<double>(candidates_[i].rss_bytes));
    }
  }

  void Groups(GroupTable& table, const std::string& by, const std::string& what,
              FamilySet* out) {
    const std::string p = "host_process_" + by + "_";
    const std::string of = " of the processes of each " + what;
    auto& cpu = out->Counter(p + "cpu_seconds_total", "CPU time" + of);
    auto& rss = out->Gauge(p + "resident_memory_bytes",
                           "Sum of the resident set sizes" + of);
    auto& threads = out->Gauge(p + "threads", "Threads" + of);
    auto& procs = out->Gauge(p + "processes", "Processes" + of);
    for (const Group* g : table.Sorted()) {
      const std::string name = parse::ToValidUtf8(g->name);
      if (g->cgroup_cpu) {
        cpu.Add({{by, name}, {"mode", "user"}}, g->cpu.user_seconds);
        cpu.Add({{by, name}, {"mode", "system"}}, g->cpu.system_seconds);
      } else {
        cpu.Add({{by, name}, {"mode", "user"}},
                static_cast<double>(g->user_ticks) / ticks_per_second_);
        cpu.Add({{by, name}, {"mode", "system"}},
                static_cast<double>(g->system_ticks) / ticks_per_second_);
      }
      rss.Add({{by, name}}, g->rss);
      threads.Add({{by, name}}, g->threads);
      procs.Add({{by, name}}, g->processes);
    }
    if (io_) {
      auto& rd =
          out->Counter(p + "read_bytes_total", "Bytes read from storage" + of);
      auto& wr = out->Counter(p + "written_bytes_total",
                              "Bytes written to storage" + of);
      for (const Group* g : table.Sorted()) {
        const std::string name = parse::ToValidUtf8(g->name);
        rd.Add({{by, name}}, g->cgroup_io ? g->io.read_bytes
                                          : static_cast<double>(g->read_bytes));
        wr.Add({{by, name}}, g->cgroup_io
                                 ? g->io.write_bytes
                                 : static_cast<double>(g->write_bytes));
      }
    }
    if (fds_) {
      auto& fds = out->Gauge(p + "open_fds", "Open file descriptors" + of);
      for (const Group* g : table.Sorted()) {
        fds.Add({{by, parse::ToValidUtf8(g->name)}}, g->fds);
      }
    }
  }

  const size_t top_;
  const bool io_, fds_;
  GroupTable comms_, units_;
  ProcessTopClock clock_;
  double ticks_per_second_;
  int64_t page_size_;
  uint64_t cycle_ = 0;
  double prev_time_ = -1;
  std::unordered_map<int32_t, Proc> procs_;
  std::vector<Candidate> candidates_;
  std::vector<char> buf_, dents_, list_dents_;
  std::string error_;
  double unreadable_io_ = 0, unreadable_fds_ = 0;
  std::vector<std::string> warnings_;
};

double SteadySeconds() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::unique_ptr<Collector> MakeProcessTopCollector(
    const CollectorOptions& options, ProcessTopClock clock) {
  return std::make_unique<ProcessTopCollector>(options, std::move(clock));
}

namespace collectors::process_top {

CollectorSpec Spec() {
  return {
      "process_top",
      false,
      "Exposes the processes using the most CPU and memory, and "
      "per-command and per-unit process groups, from /proc.",
      {{kTopFlag, "10",
        "How many processes to report by CPU and by resident memory "
        "(pid and comm labels)"},
       {kMaxGroupsFlag, "100",
        "Most command-name groups and most unit groups; processes of "
        "further groups count in the group \"_other\""},
       {kIoFlag, "true",
        "Read /proc/<pid>/io for the groups' storage I/O bytes", false, true},
       {kFdsFlag, "true",
        "Count /proc/<pid>/fd for the groups' open file descriptors", false,
        true}},
      [](const CollectorOptions& o) -> std::unique_ptr<Collector> {
        return std::make_unique<ProcessTopCollector>(o, SteadySeconds);
      }};
}

}  // namespace collectors::process_top

}  // namespace host_exporter
