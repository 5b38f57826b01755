// cgroup: per-unit CPU, memory, IO, pids and pressure from the cgroup
// filesystem (node_cgroup_*), for the bounded set of control groups that
// systemd creates (services, slices, scopes) to a configurable depth.
//
// Layouts: cgroup v2 (unified: <sysfs>/fs/cgroup/cgroup.controllers
// exists) reads every file from that tree. v1 and hybrid read the v1
// controllers cpuacct, cpu, memory, blkio and pids under
// <sysfs>/fs/cgroup/<controller>, and the pressure files (which only v2
// has) from <sysfs>/fs/cgroup/unified where it is mounted. The groups are
// the union of the directories found in those hierarchies.
//
// Bounds: groups deeper than --collector.cgroup.depth are not visited; a
// group is reported if its path matches --collector.cgroup.include and not
// --collector.cgroup.exclude; groups are taken parents first, in path order,
// until --collector.cgroup.max-series would be passed: that group and all
// after it are left out (and not read), whole, never cut in half, and
// counted (node_cgroup_groups{state="dropped"},
// node_cgroup_dropped_groups_total).
//
// A group that disappears while it is read loses its missing files'
// series; a file that cannot be parsed is a warning naming it, and its
// group's other series stay.
#include "parse/cgroup.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/parse_util.h"
#include "parse/pressure.h"

namespace host_exporter::collectors::cgroup {
namespace {

constexpr char kDepth[] = "collector.cgroup.depth";
constexpr char kMaxSeries[] = "collector.cgroup.max-series";

// v1 reports "no limit" as PAGE_COUNTER_MAX pages (9223372036854771712 with
// 4 KiB pages); anything this large is no limit.
constexpr uint64_t kV1NoLimit = uint64_t{1} << 62;
// cpuacct.stat counts USER_HZ ticks, 100 per second on every Linux ABI.
constexpr double kUserHz = 100.0;

// The families, in the order of this table; `label` is the extra label
// beside "cgroup" (empty for none).
enum Fam {
  kCpuUsage,
  kCpuUser,
  kCpuSystem,
  kCpuPeriods,
  kCpuThrottledPeriods,
  kCpuThrottled,
  kMemUsage,
  kMemMaxUsage,
  kMemLimit,
  kMemWorkingSet,
  kMemRss,
  kMemCache,
  kMemShmem,
  kMemMapped,
  kMemDirty,
  kMemWriteback,
  kMemKernel,
  kMemSwap,
  kMemFaults,
  kMemMajorFaults,
  kMemEvents,
  kIoReadBytes,
  kIoWrittenBytes,
  kIoDiscardedBytes,
  kIoReads,
  kIoWrites,
  kIoDiscards,
  kPids,
  kPidsLimit,
  kCpuWaiting,
  kCpuStalled,
  kMemWaiting,
  kMemStalled,
  kIoWaiting,
  kIoStalled,
  kFamCount
};

struct FamDef {
  const char* name;
  const char* help;
  bool counter;
  const char* label;
};

constexpr FamDef kFams[kFamCount] = {
    {"node_cgroup_cpu_usage_seconds_total",
     "CPU time consumed by the tasks of the cgroup, in seconds.", true, ""},
    {"node_cgroup_cpu_user_seconds_total",
     "CPU time the cgroup's tasks spent in user mode, in seconds.", true, ""},
    {"node_cgroup_cpu_system_seconds_total",
     "CPU time the cgroup's tasks spent in kernel mode, in seconds.", true, ""},
    {"node_cgroup_cpu_periods_total",
     "CFS bandwidth enforcement periods that elapsed while the cgroup was "
     "runnable.",
     true, ""},
    {"node_cgroup_cpu_throttled_periods_total",
     "CFS bandwidth periods in which the cgroup was throttled.", true, ""},
    {"node_cgroup_cpu_throttled_seconds_total",
     "Time the cgroup was throttled by its CPU quota, in seconds.", true, ""},
    {"node_cgroup_memory_usage_bytes",
     "Memory charged to the cgroup (memory.current, v1 "
     "memory.usage_in_bytes).",
     false, ""},
    {"node_cgroup_memory_max_usage_bytes",
     "Highest memory usage recorded for the cgroup (memory.peak, v1 "
     "memory.max_usage_in_bytes).",
     false, ""},
    {"node_cgroup_memory_limit_bytes",
     "Memory limit of the cgroup (memory.max, v1 memory.limit_in_bytes); "
     "absent when unlimited.",
     false, ""},
    {"node_cgroup_memory_working_set_bytes",
     "Memory usage minus inactive file cache (cAdvisor's working set).", false,
     ""},
    {"node_cgroup_memory_rss_bytes",
     "Anonymous memory of the cgroup (memory.stat anon, v1 total_rss).", false,
     ""},
    {"node_cgroup_memory_cache_bytes",
     "Page cache of the cgroup (memory.stat file, v1 total_cache).", false, ""},
    {"node_cgroup_memory_shmem_bytes",
     "Shared memory and tmpfs of the cgroup (memory.stat shmem).", false, ""},
    {"node_cgroup_memory_mapped_file_bytes",
     "Mapped file memory of the cgroup (memory.stat file_mapped, v1 "
     "total_mapped_file).",
     false, ""},
    {"node_cgroup_memory_dirty_bytes",
     "Dirty page cache of the cgroup (memory.stat file_dirty).", false, ""},
    {"node_cgroup_memory_writeback_bytes",
     "Page cache of the cgroup under writeback (memory.stat file_writeback).",
     false, ""},
    {"node_cgroup_memory_kernel_bytes",
     "Kernel memory charged to the cgroup (memory.stat kernel; v2 only).",
     false, ""},
    {"node_cgroup_memory_swap_bytes",
     "Swap used by the cgroup (memory.swap.current, v1 memory.stat "
     "total_swap).",
     false, ""},
    {"node_cgroup_memory_page_faults_total",
     "Page faults of the cgroup's tasks (memory.stat pgfault).", true, ""},
    {"node_cgroup_memory_major_page_faults_total",
     "Major page faults of the cgroup's tasks (memory.stat pgmajfault).", true,
     ""},
    {"node_cgroup_memory_events_total",
     "Memory events of the cgroup (memory.events: low, high, max, oom, "
     "oom_kill, oom_group_kill; v1: max from memory.failcnt, oom_kill from "
     "memory.oom_control).",
     true, "event"},
    {"node_cgroup_io_read_bytes_total",
     "Bytes read by the cgroup from a block device.", true, "device"},
    {"node_cgroup_io_written_bytes_total",
     "Bytes written by the cgroup to a block device.", true, "device"},
    {"node_cgroup_io_discarded_bytes_total",
     "Bytes discarded by the cgroup on a block device.", true, "device"},
    {"node_cgroup_io_reads_total",
     "Read operations of the cgroup on a block device.", true, "device"},
    {"node_cgroup_io_writes_total",
     "Write operations of the cgroup on a block device.", true, "device"},
    {"node_cgroup_io_discards_total",
     "Discard operations of the cgroup on a block device.", true, "device"},
    {"node_cgroup_pids", "Tasks in the cgroup (pids.current).", false, ""},
    {"node_cgroup_pids_limit",
     "Task limit of the cgroup (pids.max); absent when unlimited.", false, ""},
    {"node_cgroup_pressure_cpu_waiting_seconds_total",
     "Time in seconds some tasks of the cgroup waited for CPU (cpu.pressure "
     "some).",
     true, ""},
    {"node_cgroup_pressure_cpu_stalled_seconds_total",
     "Time in seconds all non-idle tasks of the cgroup waited for CPU "
     "(cpu.pressure full).",
     true, ""},
    {"node_cgroup_pressure_memory_waiting_seconds_total",
     "Time in seconds some tasks of the cgroup waited for memory "
     "(memory.pressure some).",
     true, ""},
    {"node_cgroup_pressure_memory_stalled_seconds_total",
     "Time in seconds no task of the cgroup could make progress for lack of "
     "memory (memory.pressure full).",
     true, ""},
    {"node_cgroup_pressure_io_waiting_seconds_total",
     "Time in seconds some tasks of the cgroup waited for IO (io.pressure "
     "some).",
     true, ""},
    {"node_cgroup_pressure_io_stalled_seconds_total",
     "Time in seconds no task of the cgroup could make progress for IO "
     "(io.pressure full).",
     true, ""},
};

// One group's samples before the cap decides whether it is kept.
struct Sample {
  Fam fam;
  std::string extra;  // the extra label's value, if the family has one
  double value;
};

int ParseInt(const CollectorOptions& o, const char* flag, int min) {
  const std::string v = o.Get(flag);
  const auto n = parse::ParseU64(v);
  if (!n || *n < static_cast<uint64_t>(min) || *n > 1000000000) {
    throw std::invalid_argument(std::string("--") + flag +
                                ": expected an integer >= " +
                                std::to_string(min) + ", got '" + v + "'");
  }
  return static_cast<int>(*n);
}

class CgroupCollector : public Collector {
 public:
  explicit CgroupCollector(const CollectorOptions& o)
      : depth_(ParseInt(o, kDepth, 1)),
        paths_(o, "collector.cgroup."),
        max_series_(ParseInt(o, kMaxSeries, 0)) {}

  Families Collect(const HostPaths& paths) override {
    const std::string base = paths.Sys("fs/cgroup");
    v2_ = Stat(base + "/cgroup.controllers").kind == Kind::kRegular;
    std::vector<std::string> groups;
    if (v2_) {
      root_v2_ = base;
      groups = Walk({base});
    } else {
      for (const char* c : {"cpuacct", "cpu", "memory", "blkio", "pids"}) {
        v1_[c] = base + "/" + c;
      }
      root_v2_ = base + "/unified";
      std::vector<std::string> roots = {v1_["cpuacct"], v1_["memory"],
                                        v1_["blkio"], v1_["pids"], root_v2_};
      roots.push_back(base + "/systemd");
      groups = Walk(roots);
    }
    sys_dev_block_ = paths.Sys("dev/block");
    devices_.clear();  // a MAJ:MIN can name another device after a change

    FamilySet out;
    FamilyBuilder* fams[kFamCount];
    for (int i = 0; i < kFamCount; ++i) {
      fams[i] = kFams[i].counter ? &out.Counter(kFams[i].name, kFams[i].help)
                                 : &out.Gauge(kFams[i].name, kFams[i].help);
    }
    size_t series = 0, reported = 0, dropped = 0;
    bool full = false;
    std::vector<Sample> samples;
    for (const std::string& g : groups) {
      if (full) {  // past the cap: the rest is not even read
        ++dropped;
        continue;
      }
      samples.clear();
      if (v2_) {
        ReadV2(g, &samples);
      } else {
        ReadV1(g, &samples);
      }
      ReadPressure(root_v2_ + g, &samples);
      if (samples.empty()) continue;  // vanished, or nothing readable
      if (series + samples.size() > static_cast<size_t>(max_series_)) {
        ++dropped;
        full = true;
        continue;
      }
      ++reported;
      series += samples.size();
      for (Sample& s : samples) {
        const char* label = kFams[s.fam].label;
        if (*label == '\0') {
          fams[s.fam]->Add({{"cgroup", g}}, s.value);
        } else {
          fams[s.fam]->Add({{"cgroup", g}, {label, std::move(s.extra)}},
                           s.value);
        }
      }
    }
    auto& groups_fam = out.Gauge(
        "node_cgroup_groups",
        "Cgroups selected by depth and patterns in the last cycle: reported, "
        "or dropped because --collector.cgroup.max-series was reached.");
    groups_fam.Add({{"state", "reported"}}, ToDouble(reported));
    groups_fam.Add({{"state", "dropped"}}, ToDouble(dropped));
    dropped_total_ += dropped;
    out.Counter("node_cgroup_dropped_groups_total",
                "Cgroups left out of cycles because "
                "--collector.cgroup.max-series was reached, since start.")
        .Add(ToDouble(dropped_total_));
    return out.Take();
  }

  std::vector<std::string> TakeWarnings() override {
    return std::exchange(warnings_, {});
  }

 private:
  // The group paths ("/system.slice/ssh.service") under any of `roots`,
  // parents first (breadth first, names sorted), to depth_, that pass the
  // patterns. The root group itself is the host (node_cpu_*, node_memory_*,
  // node_pressure_*) and is not reported.
  std::vector<std::string> Walk(const std::vector<std::string>& roots) {
    std::vector<std::string> selected;
    std::set<std::string> seen;
    std::deque<std::pair<std::string, int>> queue = {{"", 0}};
    while (!queue.empty()) {
      auto [rel, depth] = std::move(queue.front());
      queue.pop_front();
      if (depth > 0 && paths_.Keeps(rel)) {
        selected.push_back(rel);
      }
      if (depth == depth_) continue;
      std::set<std::string> children;
      for (const std::string& root : roots) {
        const DirRead d = ReadDir(root + rel);
        for (const DirEntry& e : d.entries) {
          if (e.kind == Kind::kDirectory) children.insert(e.name);
        }
      }
      for (const std::string& c : children) {
        std::string path = rel + "/" + c;
        if (seen.insert(path).second) queue.emplace_back(path, depth + 1);
      }
    }
    return selected;
  }

  // The file's contents, or nullopt if it is missing or unreadable (a
  // group that went away, a controller not enabled for it).
  std::optional<std::string> Read(const std::string& path) {
    FileRead r = ReadUncached(path);
    if (r.ok()) return std::move(r.data);
    return std::nullopt;
  }

  template <typename T>
  std::optional<T> Parsed(const std::string& path,
                          parse::Result<T> (*parser)(std::string_view)) {
    auto text = Read(path);
    if (!text) return std::nullopt;
    parse::Result<T> r = parser(*text);
    if (!r.ok()) {
      warnings_.push_back(path + ": " + r.error);
      return std::nullopt;
    }
    return std::move(r.value);
  }

  std::optional<parse::CgroupKeyed> Keyed(const std::string& path) {
    return Parsed(path, &parse::ParseCgroupKeyed);
  }
  // A single-value file: nullopt if missing or bad; an inner nullopt for
  // "max".
  std::optional<std::optional<uint64_t>> Value(const std::string& path) {
    return Parsed(path, &parse::ParseCgroupValue);
  }

  static void AddKey(const parse::CgroupKeyed& k, std::string_view key, Fam fam,
                     double divisor, std::vector<Sample>* out) {
    auto it = k.find(key);
    if (it != k.end()) {
      out->push_back({fam, "", ToDouble(it->second) / divisor});
    }
  }

  // "8:0" -> "sda" through <sysfs>/dev/block/8:0, resolved once a cycle;
  // the number pair if the link does not resolve.
  const std::string& DeviceName(const std::string& majmin) {
    auto it = devices_.find(majmin);
    if (it != devices_.end()) return it->second;
    std::string name = majmin;
    if (auto real = RealPath(sys_dev_block_ + "/" + majmin)) {
      name = real->substr(real->rfind('/') + 1);
    }
    return devices_.emplace(majmin, std::move(name)).first->second;
  }

  void AddIo(const std::vector<parse::CgroupIoDevice>& devs,
             std::vector<Sample>* out) {
    for (const auto& d : devs) {
      const std::string& dev = DeviceName(d.device);
      out->push_back({kIoReadBytes, dev, ToDouble(d.rbytes)});
      out->push_back({kIoWrittenBytes, dev, ToDouble(d.wbytes)});
      out->push_back({kIoDiscardedBytes, dev, ToDouble(d.dbytes)});
      out->push_back({kIoReads, dev, ToDouble(d.rios)});
      out->push_back({kIoWrites, dev, ToDouble(d.wios)});
      out->push_back({kIoDiscards, dev, ToDouble(d.dios)});
    }
  }

  void ReadV2(const std::string& g, std::vector<Sample>* out) {
    const std::string dir = root_v2_ + g + "/";
    if (auto cpu = Keyed(dir + "cpu.stat")) {
      AddKey(*cpu, "usage_usec", kCpuUsage, 1e6, out);
      AddKey(*cpu, "user_usec", kCpuUser, 1e6, out);
      AddKey(*cpu, "system_usec", kCpuSystem, 1e6, out);
      AddKey(*cpu, "nr_periods", kCpuPeriods, 1, out);
      AddKey(*cpu, "nr_throttled", kCpuThrottledPeriods, 1, out);
      AddKey(*cpu, "throttled_usec", kCpuThrottled, 1e6, out);
    }
    std::optional<uint64_t> usage;
    if (auto v = Value(dir + "memory.current"); v && *v) {
      usage = **v;
      out->push_back({kMemUsage, "", ToDouble(**v)});
    }
    if (auto v = Value(dir + "memory.peak"); v && *v) {
      out->push_back({kMemMaxUsage, "", ToDouble(**v)});
    }
    if (auto v = Value(dir + "memory.max"); v && *v) {
      out->push_back({kMemLimit, "", ToDouble(**v)});
    }
    if (auto m = Keyed(dir + "memory.stat")) {
      AddWorkingSet(usage, *m, "inactive_file", out);
      AddKey(*m, "anon", kMemRss, 1, out);
      AddKey(*m, "file", kMemCache, 1, out);
      AddKey(*m, "shmem", kMemShmem, 1, out);
      AddKey(*m, "file_mapped", kMemMapped, 1, out);
      AddKey(*m, "file_dirty", kMemDirty, 1, out);
      AddKey(*m, "file_writeback", kMemWriteback, 1, out);
      AddKey(*m, "kernel", kMemKernel, 1, out);
      AddKey(*m, "pgfault", kMemFaults, 1, out);
      AddKey(*m, "pgmajfault", kMemMajorFaults, 1, out);
    }
    if (auto v = Value(dir + "memory.swap.current"); v && *v) {
      out->push_back({kMemSwap, "", ToDouble(**v)});
    }
    if (auto e = Keyed(dir + "memory.events")) {
      for (const auto& [k, v] : *e)
        out->push_back({kMemEvents, k, ToDouble(v)});
    }
    if (auto io = Parsed(dir + "io.stat", &parse::ParseCgroupIoStat)) {
      AddIo(*io, out);
    }
    AddPids(dir, out);
  }

  void ReadV1(const std::string& g, std::vector<Sample>* out) {
    const std::string acct = v1_["cpuacct"] + g + "/";
    if (auto v = Value(acct + "cpuacct.usage"); v && *v) {
      out->push_back({kCpuUsage, "", ToDouble(**v) / 1e9});
    }
    if (auto s = Keyed(acct + "cpuacct.stat")) {
      AddKey(*s, "user", kCpuUser, kUserHz, out);
      AddKey(*s, "system", kCpuSystem, kUserHz, out);
    }
    if (auto cpu = Keyed(v1_["cpu"] + g + "/cpu.stat")) {
      AddKey(*cpu, "nr_periods", kCpuPeriods, 1, out);
      AddKey(*cpu, "nr_throttled", kCpuThrottledPeriods, 1, out);
      AddKey(*cpu, "throttled_time", kCpuThrottled, 1e9, out);
    }
    const std::string mem = v1_["memory"] + g + "/";
    std::optional<uint64_t> usage;
    if (auto v = Value(mem + "memory.usage_in_bytes"); v && *v) {
      usage = **v;
      out->push_back({kMemUsage, "", ToDouble(**v)});
    }
    if (auto v = Value(mem + "memory.max_usage_in_bytes"); v && *v) {
      out->push_back({kMemMaxUsage, "", ToDouble(**v)});
    }
    if (auto v = Value(mem + "memory.limit_in_bytes");
        v && *v && **v < kV1NoLimit) {
      out->push_back({kMemLimit, "", ToDouble(**v)});
    }
    if (auto m = Keyed(mem + "memory.stat")) {
      AddWorkingSet(usage, *m, "total_inactive_file", out);
      AddKey(*m, "total_rss", kMemRss, 1, out);
      AddKey(*m, "total_cache", kMemCache, 1, out);
      AddKey(*m, "total_shmem", kMemShmem, 1, out);
      AddKey(*m, "total_mapped_file", kMemMapped, 1, out);
      AddKey(*m, "total_dirty", kMemDirty, 1, out);
      AddKey(*m, "total_writeback", kMemWriteback, 1, out);
      AddKey(*m, "total_swap", kMemSwap, 1, out);
      AddKey(*m, "total_pgfault", kMemFaults, 1, out);
      AddKey(*m, "total_pgmajfault", kMemMajorFaults, 1, out);
    }
    if (auto v = Value(mem + "memory.failcnt"); v && *v) {
      out->push_back({kMemEvents, "max", ToDouble(**v)});
    }
    if (auto oom = Keyed(mem + "memory.oom_control")) {
      auto it = oom->find("oom_kill");
      if (it != oom->end()) {
        out->push_back({kMemEvents, "oom_kill", ToDouble(it->second)});
      }
    }
    const std::string blkio = v1_["blkio"] + g + "/";
    std::vector<parse::CgroupIoDevice> devs;
    bool any = false;
    for (auto [file, kind] :
         {std::pair{"blkio.throttle.io_service_bytes_recursive",
                    parse::BlkioKind::kBytes},
          std::pair{"blkio.throttle.io_serviced_recursive",
                    parse::BlkioKind::kOps}}) {
      auto text = Read(blkio + file);
      if (!text) continue;
      auto r = parse::MergeCgroupBlkio(*text, kind, &devs);
      if (!r.ok()) {
        warnings_.push_back(blkio + file + ": " + r.error);
        devs.clear();
        any = false;
        break;
      }
      any = true;
    }
    if (any) AddIo(devs, out);
    AddPids(v1_["pids"] + g + "/", out);
  }

  static void AddWorkingSet(std::optional<uint64_t> usage,
                            const parse::CgroupKeyed& stat,
                            std::string_view inactive_key,
                            std::vector<Sample>* out) {
    auto it = stat.find(inactive_key);
    if (!usage || it == stat.end()) return;
    const uint64_t ws = *usage > it->second ? *usage - it->second : 0;
    out->push_back({kMemWorkingSet, "", ToDouble(ws)});
  }

  void AddPids(const std::string& dir, std::vector<Sample>* out) {
    if (auto v = Value(dir + "pids.current"); v && *v) {
      out->push_back({kPids, "", ToDouble(**v)});
    }
    if (auto v = Value(dir + "pids.max"); v && *v) {
      out->push_back({kPidsLimit, "", ToDouble(**v)});
    }
  }

  void ReadPressure(const std::string& dir, std::vector<Sample>* out) {
    const struct {
      const char* file;
      Fam some, full;
    } kinds[] = {{"/cpu.pressure", kCpuWaiting, kCpuStalled},
                 {"/memory.pressure", kMemWaiting, kMemStalled},
                 {"/io.pressure", kIoWaiting, kIoStalled}};
    for (const auto& k : kinds) {
      auto psi = Parsed(dir + k.file, &parse::ParsePressure);
      if (!psi) continue;
      if (psi->some) {
        out->push_back({k.some, "", ToDouble(psi->some->total_us) / 1e6});
      }
      if (psi->full) {
        out->push_back({k.full, "", ToDouble(psi->full->total_us) / 1e6});
      }
    }
  }

  const int depth_;
  const NameFilter paths_;
  const int max_series_;
  bool v2_ = false;
  std::string root_v2_, sys_dev_block_;
  std::map<std::string, std::string> v1_;
  std::map<std::string, std::string> devices_;
  uint64_t dropped_total_ = 0;
  std::vector<std::string> warnings_;
};

}  // namespace

CollectorSpec Spec() {
  return {
      "cgroup",
      false,
      "Exposes CPU, memory, IO, pids and pressure per cgroup (systemd "
      "services, slices and scopes) from /sys/fs/cgroup, v2 or v1/hybrid.",
      {
          {kDepth, "3",
           "How deep below the root cgroup to look (1: the slices, 2: their "
           "services, 3: user sessions)."},
          {"collector.cgroup.include", R"(\.(slice|service|scope)$)",
           "Regexp of cgroup paths (\"/system.slice/ssh.service\") to report; "
           "empty reports every cgroup within the depth."},
          {"collector.cgroup.exclude", "",
           "Regexp of cgroup paths not to report (empty: none)."},
          {kMaxSeries, "10000",
           "At most this many cgroup series per cycle: groups past it are "
           "left out whole (parents first) and counted in "
           "node_cgroup_groups{state=\"dropped\"} and "
           "node_cgroup_dropped_groups_total."},
      },
      &MakeCollector<CgroupCollector>};
}

}  // namespace host_exporter::collectors::cgroup
