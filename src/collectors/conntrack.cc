// conntrack: netfilter connection tracking, node_nf_conntrack_entries and
// _entries_limit from /proc/sys/net/netfilter/nf_conntrack_{count,max} and
// node_nf_conntrack_stat_* summed over the CPU lines of
// /proc/net/stat/nf_conntrack, all gauges as in node_exporter 1.5.
//
// Without the nf_conntrack module the files are absent: node_exporter then
// returns ErrNoData (no series), which this project counts as a success.
// Like node_exporter, the families read before the first absent file are
// kept.
#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/conntrack_stat.h"
#include "parse/sysctl_value.h"

namespace host_exporter::collectors::conntrack {
namespace {

class ConntrackCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    const std::string count_path =
        paths.Proc("sys/net/netfilter/nf_conntrack_count");
    auto count = ReadFileIfExists(count_path);
    if (!count) return out.Take();
    out.Gauge("node_nf_conntrack_entries",
              "Number of currently allocated flow entries for connection "
              "tracking.")
        .Add(static_cast<double>(
            Unwrap(parse::ParseSysctlUint(*count), count_path)));

    const std::string max_path =
        paths.Proc("sys/net/netfilter/nf_conntrack_max");
    auto max = ReadFileIfExists(max_path);
    if (!max) return out.Take();
    out.Gauge("node_nf_conntrack_entries_limit",
              "Maximum size of connection tracking table.")
        .Add(static_cast<double>(
            Unwrap(parse::ParseSysctlUint(*max), max_path)));

    const std::string stat_path = paths.Proc("net/stat/nf_conntrack");
    auto stat = ReadFileIfExists(stat_path);
    if (!stat) return out.Take();
    parse::ConntrackStatEntry sum;
    for (const auto& e : Unwrap(parse::ParseConntrackStat(*stat), stat_path)) {
      sum.found += e.found;
      sum.invalid += e.invalid;
      sum.ignore += e.ignore;
      sum.insert += e.insert;
      sum.insert_failed += e.insert_failed;
      sum.drop += e.drop;
      sum.early_drop += e.early_drop;
      sum.search_restart += e.search_restart;
    }
    const struct {
      const char* name;
      const char* help;
      uint64_t value;
    } stats[] = {
        {"found", "Number of searched entries which were successful.",
         sum.found},
        {"invalid", "Number of packets seen which can not be tracked.",
         sum.invalid},
        {"ignore",
         "Number of packets seen which are already connected to a conntrack "
         "entry.",
         sum.ignore},
        {"insert", "Number of entries inserted into the list.", sum.insert},
        {"insert_failed",
         "Number of entries for which list insertion was attempted but "
         "failed.",
         sum.insert_failed},
        {"drop", "Number of packets dropped due to conntrack failure.",
         sum.drop},
        {"early_drop",
         "Number of dropped conntrack entries to make room for new ones, if "
         "maximum table size was reached.",
         sum.early_drop},
        {"search_restart",
         "Number of conntrack table lookups which had to be restarted due to "
         "hashtable resizes.",
         sum.search_restart},
    };
    for (const auto& s : stats) {
      out.Gauge(std::string("node_nf_conntrack_stat_") + s.name, s.help)
          .Add(static_cast<double>(s.value));
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"conntrack",
          true,
          "Shows conntrack statistics (does nothing if no "
          "/proc/sys/net/netfilter/ present).",
          {},
          &MakeCollector<ConntrackCollector>};
}

}  // namespace host_exporter::collectors::conntrack
