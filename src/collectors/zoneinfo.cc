// zoneinfo: node_zoneinfo_*{node,zone} from /proc/zoneinfo (default off), as
// node_exporter reads it through prometheus/procfs: a series for each
// counter a zone's block has, and node_zoneinfo_protection_<i> for the
// protection array. Only a missing or unreadable file is an error.
#include "parse/zoneinfo.h"

#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/utf8.h"

namespace host_exporter::collectors::zoneinfo {
namespace {

struct Metric {
  std::string_view key;  // the kernel's name
  const char* name;      // after node_zoneinfo_
  const char* help;
  bool counter;
};

constexpr Metric kMetrics[] = {
    {"nr_free_pages", "nr_free_pages", "Total number of free pages in the zone",
     false},
    {"min", "min_pages", "Zone watermark pages_min", false},
    {"low", "low_pages", "Zone watermark pages_low", false},
    {"high", "high_pages", "Zone watermark pages_high", false},
    {"scanned", "scanned_pages", "Pages scanned since last reclaim", false},
    {"spanned", "spanned_pages",
     "Total pages spanned by the zone, including holes", false},
    {"present", "present_pages", "Physical pages existing within the zone",
     false},
    {"managed", "managed_pages", "Present pages managed by the buddy system",
     false},
    {"nr_active_anon", "nr_active_anon_pages",
     "Number of anonymous pages recently more used", false},
    {"nr_inactive_anon", "nr_inactive_anon_pages",
     "Number of anonymous pages recently less used", false},
    {"nr_isolated_anon", "nr_isolated_anon_pages",
     "Temporary isolated pages from anon lru", false},
    {"nr_anon_pages", "nr_anon_pages",
     "Number of anonymous pages currently used by the system", false},
    {"nr_anon_transparent_hugepages", "nr_anon_transparent_hugepages",
     "Number of anonymous transparent huge pages currently used by the system",
     false},
    {"nr_active_file", "nr_active_file_pages",
     "Number of active pages with file-backing", false},
    {"nr_inactive_file", "nr_inactive_file_pages",
     "Number of inactive pages with file-backing", false},
    {"nr_isolated_file", "nr_isolated_file_pages",
     "Temporary isolated pages from file lru", false},
    {"nr_file_pages", "nr_file_pages", "Number of file pages", false},
    {"nr_slab_reclaimable", "nr_slab_reclaimable_pages",
     "Number of reclaimable slab pages", false},
    {"nr_slab_unreclaimable", "nr_slab_unreclaimable_pages",
     "Number of unreclaimable slab pages", false},
    {"nr_mlock_stack", "nr_mlock_stack_pages",
     "mlock()ed pages found and moved off LRU", false},
    {"nr_kernel_stack", "nr_kernel_stacks", "Number of kernel stacks", false},
    {"nr_mapped", "nr_mapped_pages", "Number of mapped pages", false},
    {"nr_dirty", "nr_dirty_pages", "Number of dirty pages", false},
    {"nr_writeback", "nr_writeback_pages", "Number of writeback pages", false},
    {"nr_unevictable", "nr_unevictable_pages", "Number of unevictable pages",
     false},
    {"nr_shmem", "nr_shmem_pages",
     "Number of shmem pages (included tmpfs/GEM pages)", false},
    {"nr_dirtied", "nr_dirtied_total", "Page dirtyings since bootup", true},
    {"nr_written", "nr_written_total", "Page writings since bootup", true},
    {"numa_hit", "numa_hit_total", "Allocated in intended node", true},
    {"numa_miss", "numa_miss_total", "Allocated in non intended node", true},
    {"numa_foreign", "numa_foreign_total", "Was intended here, hit elsewhere",
     true},
    {"numa_interleave", "numa_interleave_total",
     "Interleaver preferred this zone", true},
    {"numa_local", "numa_local_total", "Allocation from local node", true},
    {"numa_other", "numa_other_total", "Allocation from other node", true},
};

class ZoneinfoCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("zoneinfo");
    const auto blocks = parse::ParseZoneinfo(ReadFile(path));
    FamilySet out;
    for (const parse::ZoneinfoBlock& b : blocks) {
      const Labels labels = {{"node", parse::ToValidUtf8(b.node)},
                             {"zone", parse::ToValidUtf8(b.zone)}};
      for (const Metric& m : kMetrics) {
        auto it = b.values.find(m.key);
        if (it == b.values.end()) continue;
        out.Family(std::string("node_zoneinfo_") + m.name, m.help,
                   m.counter ? prometheus::MetricType::Counter
                             : prometheus::MetricType::Gauge)
            .Add(labels, static_cast<double>(it->second));
      }
      for (size_t i = 0; i < b.protection.size(); ++i) {
        const std::string n = std::to_string(i);
        out.Gauge("node_zoneinfo_protection_" + n,
                  "Protection array " + n + ". field")
            .Add(labels, static_cast<double>(b.protection[i]));
      }
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"zoneinfo",
          false,
          "Exposes NUMA memory zone metrics.",
          {},
          &MakeCollector<ZoneinfoCollector>};
}

}  // namespace host_exporter::collectors::zoneinfo
