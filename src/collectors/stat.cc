// stat: boot time, context switches, forks, interrupts, runnable and
// blocked processes, and (behind --collector.stat.softirq) softirqs per
// vector, all from /proc/stat, as node_exporter 1.5 does.
#include <cstdint>
#include <optional>
#include <string>

#include "collectors/parsed_file.h"
#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/proc_stat.h"

namespace host_exporter::collectors::stat {
namespace {

constexpr char kSoftirq[] = "collector.stat.softirq";

// node_exporter's names for the kernel's softirq vectors, in /proc/stat
// order (it calls IRQ_POLL "block_iopoll", its name before Linux 4.5).
constexpr const char* kSoftirqVectors[] = {
    "hi",           "timer",   "net_tx", "net_rx",  "block",
    "block_iopoll", "tasklet", "sched",  "hrtimer", "rcu"};

class StatCollector : public Collector {
 public:
  explicit StatCollector(bool softirq) : softirq_(softirq) {}

  Families Collect(const HostPaths& paths) override {
    const parse::ProcStat& st = stat_.Read(paths);
    FamilySet out;
    // A line the kernel did not print gives no family.
    auto one = [](FamilyBuilder& b, const std::optional<uint64_t>& v) {
      if (v) b.Add(static_cast<double>(*v));
    };
    one(out.Counter("node_intr_total", "Total number of interrupts serviced."),
        st.intr);
    one(out.Counter("node_context_switches_total",
                    "Total number of context switches."),
        st.ctxt);
    one(out.Counter("node_forks_total", "Total number of forks."),
        st.processes);
    one(out.Gauge("node_boot_time_seconds", "Node boot time, in unixtime."),
        st.btime);
    one(out.Gauge("node_procs_running",
                  "Number of processes in runnable state."),
        st.procs_running);
    one(out.Gauge("node_procs_blocked",
                  "Number of processes blocked waiting for I/O to complete."),
        st.procs_blocked);
    if (softirq_ && !st.softirqs.empty()) {
      auto& b = out.Counter("node_softirqs_total", "Number of softirq calls.");
      for (size_t i = 0;
           i < st.softirqs.size() && i < std::size(kSoftirqVectors); ++i) {
        b.Add({{"vector", kSoftirqVectors[i]}},
              static_cast<double>(st.softirqs[i]));
      }
    }
    return out.Take();
  }

 private:
  const bool softirq_;
  // The file, its text and its parse, kept (their storage reused).
  ParsedProcFile<parse::ProcStat, parse::ParseProcStatInto> stat_{"stat"};
};

}  // namespace

CollectorSpec Spec() {
  return {"stat",
          true,
          "Exposes various statistics from /proc/stat. This includes boot "
          "time, forks and interrupts.",
          {{kSoftirq, "false", "Export softirq calls per vector", false, true}},
          [](const CollectorOptions& o) -> std::unique_ptr<Collector> {
            return std::make_unique<StatCollector>(o.GetBool(kSoftirq));
          }};
}

}  // namespace host_exporter::collectors::stat
