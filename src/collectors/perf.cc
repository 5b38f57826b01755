// perf: node_perf_*_total{cpu} from perf_event_open(2) counters per CPU
// (node_exporter 1.9, default off): hardware, software and cache profilers
// and the tracepoints of --collector.perf.tracepoint. The counters are
// opened on the first collection; one the kernel refuses (no PMU in a VM,
// perf_event_paranoid, an offline CPU) is left out and named once in the
// log, never a failed scrape.
#include "collectors/perf.h"

#include <linux/perf_event.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <utility>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/sysfs_attr.h"

namespace host_exporter {
namespace {

constexpr char kCpus[] = "collector.perf.cpus";
constexpr char kTracepoint[] = "collector.perf.tracepoint";

// A profiler of node_exporter's tables: its flag name, its family and the
// event's config.
struct Profiler {
  const char* name;
  const char* family;
  const char* help;
  uint64_t config;
};

// Hardware and cache events, from <linux/perf_event.h>.
constexpr uint64_t Cache(uint64_t id, uint64_t op, uint64_t result) {
  return id | (op << 8) | (result << 16);
}
constexpr uint64_t kL1d = PERF_COUNT_HW_CACHE_L1D,
                   kL1i = PERF_COUNT_HW_CACHE_L1I, kLl = PERF_COUNT_HW_CACHE_LL,
                   kItlb = PERF_COUNT_HW_CACHE_ITLB,
                   kBpu = PERF_COUNT_HW_CACHE_BPU;
constexpr uint64_t kRead = PERF_COUNT_HW_CACHE_OP_READ,
                   kWrite = PERF_COUNT_HW_CACHE_OP_WRITE;
constexpr uint64_t kHit = PERF_COUNT_HW_CACHE_RESULT_ACCESS,
                   kMiss = PERF_COUNT_HW_CACHE_RESULT_MISS;

// In the order node_exporter reports them.
constexpr Profiler kHardware[] = {
    {"CpuCycles", "cpucycles_total", "Number of CPU cycles (frequency scaled)",
     PERF_COUNT_HW_CPU_CYCLES},
    {"CpuInstr", "instructions_total", "Number of CPU instructions",
     PERF_COUNT_HW_INSTRUCTIONS},
    {"BranchInstr", "branch_instructions_total",
     "Number of CPU branch instructions", PERF_COUNT_HW_BRANCH_INSTRUCTIONS},
    {"BranchMisses", "branch_misses_total", "Number of CPU branch misses",
     PERF_COUNT_HW_BRANCH_MISSES},
    {"CacheRef", "cache_refs_total",
     "Number of cache references (non frequency scaled)",
     PERF_COUNT_HW_CACHE_REFERENCES},
    {"CacheMisses", "cache_misses_total", "Number of cache misses",
     PERF_COUNT_HW_CACHE_MISSES},
    {"RefCpuCycles", "ref_cpucycles_total", "Number of CPU cycles",
     PERF_COUNT_HW_REF_CPU_CYCLES},
    {"StalledCyclesBackend", "stalled_cycles_backend_total",
     "Number of stalled backend CPU cycles",
     PERF_COUNT_HW_STALLED_CYCLES_BACKEND},
    {"StalledCyclesFrontend", "stalled_cycles_frontend_total",
     "Number of stalled frontend CPU cycles",
     PERF_COUNT_HW_STALLED_CYCLES_FRONTEND},
};

constexpr Profiler kSoftware[] = {
    {"PageFault", "page_faults_total", "Number of page faults",
     PERF_COUNT_SW_PAGE_FAULTS},
    {"ContextSwitch", "context_switches_total", "Number of context switches",
     PERF_COUNT_SW_CONTEXT_SWITCHES},
    {"CpuMigration", "cpu_migrations_total", "Number of CPU process migrations",
     PERF_COUNT_SW_CPU_MIGRATIONS},
    {"MinorFault", "minor_faults_total", "Number of minor page faults",
     PERF_COUNT_SW_PAGE_FAULTS_MIN},
    {"MajorFault", "major_faults_total", "Number of major page faults",
     PERF_COUNT_SW_PAGE_FAULTS_MAJ},
};

constexpr Profiler kCacheProfilers[] = {
    {"L1DataReadHit", "cache_l1d_read_hits_total",
     "Number L1 data cache read hits", Cache(kL1d, kRead, kHit)},
    {"L1DataReadMiss", "cache_l1d_read_misses_total",
     "Number L1 data cache read misses", Cache(kL1d, kRead, kMiss)},
    {"L1DataWriteHit", "cache_l1d_write_hits_total",
     "Number L1 data cache write hits", Cache(kL1d, kWrite, kHit)},
    {"L1InstrReadMiss", "cache_l1_instr_read_misses_total",
     "Number instruction L1 instruction read misses",
     Cache(kL1i, kRead, kMiss)},
    {"InstrTLBReadHit", "cache_tlb_instr_read_hits_total",
     "Number instruction TLB read hits", Cache(kItlb, kRead, kHit)},
    {"InstrTLBReadMiss", "cache_tlb_instr_read_misses_total",
     "Number instruction TLB read misses", Cache(kItlb, kRead, kMiss)},
    {"LLReadHit", "cache_ll_read_hits_total", "Number last level read hits",
     Cache(kLl, kRead, kHit)},
    {"LLReadMiss", "cache_ll_read_misses_total",
     "Number last level read misses", Cache(kLl, kRead, kMiss)},
    {"LLWriteHit", "cache_ll_write_hits_total", "Number last level write hits",
     Cache(kLl, kWrite, kHit)},
    {"LLWriteMiss", "cache_ll_write_misses_total",
     "Number last level write misses", Cache(kLl, kWrite, kMiss)},
    {"BPUReadHit", "cache_bpu_read_hits_total", "Number BPU read hits",
     Cache(kBpu, kRead, kHit)},
    {"BPUReadMiss", "cache_bpu_read_misses_total", "Number BPU read misses",
     Cache(kBpu, kRead, kMiss)},
};

// The profilers of one kind ("hardware", ...) that its two flags,
// --collector.perf.disable-<kind>-profilers and
// --collector.perf.<kind>-profilers, select, appended to `out`.
template <size_t N>
void AddProfilers(const CollectorOptions& o, const std::string& kind,
                  uint32_t type, const Profiler (&table)[N],
                  std::vector<PerfCounterDef>* out) {
  if (o.GetBool("collector.perf.disable-" + kind + "-profilers")) return;
  const std::string list = "collector.perf." + kind + "-profilers";
  const std::vector<std::string> names = o.GetList(list);
  for (const std::string& name : names) {
    bool known = false;
    for (const Profiler& p : table) known = known || name == p.name;
    if (known) continue;
    std::string valid;
    for (const Profiler& p : table) {
      valid += (valid.empty() ? "" : ", ") + std::string(p.name);
    }
    throw std::invalid_argument("--" + list + ": unknown profiler '" + name +
                                "' (known: " + valid + ")");
  }
  for (const Profiler& p : table) {
    bool wanted = names.empty();
    for (const std::string& name : names) wanted = wanted || name == p.name;
    if (!wanted) continue;
    out->push_back(
        {std::string("node_perf_") + p.family, p.help, {type, p.config}, ""});
  }
}

// Go's strconv.Atoi for a CPU number: a sign is allowed, but a CPU is not
// negative.
int CpuNumber(std::string_view s, const std::string& element) {
  const std::optional<int64_t> v = parse::ParseGoInt(s, 10);
  if (!v || *v < 0 || *v > 1 << 20) {
    throw std::invalid_argument(std::string("--") + kCpus + ": bad CPU '" +
                                std::string(s) + "' in '" + element + "'");
  }
  return static_cast<int>(*v);
}

// The CPUs this process may run on, as Go's runtime.NumCPU(): 0 to n-1.
std::vector<int> DefaultCpus() {
  cpu_set_t set;
  int n = 0;
  if (::sched_getaffinity(0, sizeof set, &set) == 0) n = CPU_COUNT(&set);
  if (n <= 0) n = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  std::vector<int> cpus;
  for (int i = 0; i < n; ++i) cpus.push_back(i);
  return cpus;
}

class PerfEventSource : public PerfSource {
 public:
  ~PerfEventSource() override {
    for (int fd : fds_) ::close(fd);
  }

  Opened Open(const PerfEvent& event, int cpu) override {
    struct perf_event_attr attr;
    std::memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = event.type;
    attr.config = event.config;
    attr.exclude_hv = 1;
    const long fd = ::syscall(SYS_perf_event_open, &attr, -1, cpu, -1,
                              PERF_FLAG_FD_CLOEXEC);
    if (fd < 0) return {-1, errno};
    fds_.push_back(static_cast<int>(fd));
    return {static_cast<int>(fds_.size() - 1), 0};
  }

  std::optional<uint64_t> Read(int id) override {
    uint64_t value = 0;
    if (::read(fds_[static_cast<size_t>(id)], &value, sizeof value) !=
        static_cast<ssize_t>(sizeof value)) {
      return std::nullopt;
    }
    return value;
  }

  std::optional<uint64_t> TracepointId(const HostPaths& paths,
                                       const std::string& subsystem,
                                       const std::string& event) override {
    // tracefs, where it is mounted on its own or below debugfs.
    for (const char* dir : {"kernel/tracing", "kernel/debug/tracing"}) {
      const std::string path = paths.Sys(std::string(dir) + "/events/" +
                                         subsystem + "/" + event + "/id");
      const FileRead r = ReadAttr(path);
      if (!r.ok()) continue;
      if (auto id = parse::ParseU64(r.data)) return id;
    }
    return std::nullopt;
  }

 private:
  std::vector<int> fds_;
};

class PerfCollector : public Collector {
 public:
  PerfCollector(const CollectorOptions& o, PerfSourceFactory factory)
      : factory_(std::move(factory)),
        cpus_(o.Get(kCpus).empty() ? DefaultCpus()
                                   : ParsePerfCpus(o.Get(kCpus))),
        defs_(SelectPerfCounters(o)) {}

  Families Collect(const HostPaths& paths) override {
    if (!source_) OpenAll(paths);
    FamilySet out;
    for (const Open& c : open_) {
      const PerfCounterDef& def = defs_[c.def];
      const std::optional<uint64_t> v = source_->Read(c.id);
      if (!v) continue;
      out.Counter(def.family, def.help)
          .Add({{"cpu", std::to_string(c.cpu)}}, ToDouble(*v));
    }
    return out.Take();
  }

  std::vector<std::string> TakeWarnings() override {
    return std::exchange(warnings_, {});
  }

 private:
  struct Open {
    size_t def;
    int cpu;
    int id;
  };

  void OpenAll(const HostPaths& paths) {
    source_ = factory_();
    // The families refused, by the CPUs that refused them and the errno.
    std::map<std::pair<std::string, int>, std::string> left_out;
    for (size_t d = 0; d < defs_.size(); ++d) {
      PerfCounterDef& def = defs_[d];
      if (!def.tracepoint.empty()) {
        const size_t colon = def.tracepoint.find(':');
        const auto id =
            source_->TracepointId(paths, def.tracepoint.substr(0, colon),
                                  def.tracepoint.substr(colon + 1));
        if (!id) {
          warnings_.push_back("perf: tracepoint " + def.tracepoint +
                              " not found in tracefs: " + def.family +
                              " left out");
          continue;
        }
        def.event.config = *id;
      }
      // The CPUs that refused the counter, by errno.
      std::map<int, std::vector<int>> refused;
      for (int cpu : cpus_) {
        const PerfSource::Opened o = source_->Open(def.event, cpu);
        if (o.error != 0) {
          refused[o.error].push_back(cpu);
        } else {
          open_.push_back({d, cpu, o.id});
        }
      }
      for (const auto& [error, cpus] : refused) {
        std::string list;
        for (int cpu : cpus) {
          list += (list.empty() ? "" : ",") + std::to_string(cpu);
        }
        std::string& families = left_out[{list, error}];
        families += (families.empty() ? "" : ", ") + def.family;
      }
    }
    // One line per set of CPUs and reason (a VM without a PMU refuses all
    // 21 hardware and cache counters alike).
    for (const auto& [where, families] : left_out) {
      warnings_.push_back("perf: left out on CPU " + where.first +
                          " (perf_event_open: " + std::strerror(where.second) +
                          "): " + families);
    }
  }

  PerfSourceFactory factory_;
  std::vector<int> cpus_;
  std::vector<PerfCounterDef> defs_;
  std::unique_ptr<PerfSource> source_;
  std::vector<Open> open_;
  std::vector<std::string> warnings_;
};

}  // namespace

std::vector<int> ParsePerfCpus(const std::string& value) {
  std::vector<int> cpus;
  for (std::string_view element : parse::Split(value, ',')) {
    const std::string e(element);
    if (element.find('-') == std::string_view::npos) {
      cpus.push_back(CpuNumber(element, e));
      continue;
    }
    int stride = 1;
    const auto stride_set = parse::Split(element, ':');
    if (stride_set.size() == 2) {
      stride = CpuNumber(stride_set[1], e);
      if (stride == 0) {
        throw std::invalid_argument(std::string("--") + kCpus +
                                    ": stride 0 in '" + e + "'");
      }
    }
    const auto range = parse::Split(stride_set[0], '-');
    if (stride_set.size() > 2 || range.size() != 2) {
      throw std::invalid_argument(std::string("--") + kCpus +
                                  ": invalid range '" + e + "'");
    }
    const int start = CpuNumber(range[0], e), end = CpuNumber(range[1], e);
    for (int cpu = start; cpu <= end; cpu += stride) cpus.push_back(cpu);
  }
  return cpus;
}

std::vector<PerfCounterDef> SelectPerfCounters(const CollectorOptions& o) {
  std::vector<PerfCounterDef> out;
  AddProfilers(o, "hardware", kPerfTypeHardware, kHardware, &out);
  AddProfilers(o, "software", kPerfTypeSoftware, kSoftware, &out);
  AddProfilers(o, "cache", kPerfTypeHwCache, kCacheProfilers, &out);
  for (const std::string& t : o.GetList(kTracepoint)) {
    const auto parts = parse::Split(t, ':');
    if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
      throw std::invalid_argument(std::string("--") + kTracepoint +
                                  ": invalid tracepoint '" + t +
                                  "' (expected subsystem:event)");
    }
    out.push_back(
        {"node_perf_" + std::string(parts[0]) + "_" + std::string(parts[1]),
         "Perf tracepoint " + t,
         {kPerfTypeTracepoint, 0},
         t});
  }
  return out;
}

std::unique_ptr<PerfSource> NewPerfEventSource() {
  return std::make_unique<PerfEventSource>();
}

std::unique_ptr<Collector> NewPerfCollector(const CollectorOptions& options,
                                            PerfSourceFactory factory) {
  return std::make_unique<PerfCollector>(options, std::move(factory));
}

namespace collectors::perf {

CollectorSpec Spec() {
  return {
      "perf",
      false,
      "Exposes perf_event counters per CPU (perf_event_open(2); needs "
      "CAP_PERFMON or root).",
      {
          {kCpus, "",
           "List of CPUs from which perf metrics should be collected"},
          {kTracepoint, "", "perf tracepoint that should be collected", true},
          {"collector.perf.disable-hardware-profilers", "false",
           "disable perf hardware profilers", false, true},
          {"collector.perf.hardware-profilers", "",
           "perf hardware profilers that should be collected", true},
          {"collector.perf.disable-software-profilers", "false",
           "disable perf software profilers", false, true},
          {"collector.perf.software-profilers", "",
           "perf software profilers that should be collected", true},
          {"collector.perf.disable-cache-profilers", "false",
           "disable perf cache profilers", false, true},
          {"collector.perf.cache-profilers", "",
           "perf cache profilers that should be collected", true},
      },
      [](const CollectorOptions& o) {
        return NewPerfCollector(o, NewPerfEventSource);
      }};
}

}  // namespace collectors::perf
}  // namespace host_exporter
