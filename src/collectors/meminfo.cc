// meminfo: /proc/meminfo lines as node_memory_<Field>[_bytes], named,
// scaled and typed as node_exporter does: 1.9 (procfs' Meminfo struct)
// exposes the fields of kFields19 only; 1.5 (--compat.node-exporter=1.5)
// every line.
#include "parse/meminfo.h"

#include <set>
#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::meminfo {
namespace {

// A field name usable in a metric name: anything outside [A-Za-z0-9_:]
// becomes '_' (no kernel prints such a name today).
std::string Sanitize(std::string name) {
  for (char& c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '_' || c == ':';
    if (!ok) c = '_';
  }
  return name;
}

// The fields node_exporter 1.9 exposes (its meminfo_linux.go), by the name
// after the node_memory_ prefix.
const std::set<std::string, std::less<>>& Fields19() {
  static const std::set<std::string, std::less<>> fields = {
      "Active_bytes",
      "Active_anon_bytes",
      "Active_file_bytes",
      "AnonHugePages_bytes",
      "AnonPages_bytes",
      "Bounce_bytes",
      "Buffers_bytes",
      "Cached_bytes",
      "CmaFree_bytes",
      "CmaTotal_bytes",
      "CommitLimit_bytes",
      "Committed_AS_bytes",
      "DirectMap1G_bytes",
      "DirectMap2M_bytes",
      "DirectMap4k_bytes",
      "Dirty_bytes",
      "HardwareCorrupted_bytes",
      "Hugepagesize_bytes",
      "Inactive_bytes",
      "Inactive_anon_bytes",
      "Inactive_file_bytes",
      "KernelStack_bytes",
      "Mapped_bytes",
      "MemAvailable_bytes",
      "MemFree_bytes",
      "MemTotal_bytes",
      "Mlocked_bytes",
      "NFS_Unstable_bytes",
      "PageTables_bytes",
      "Percpu_bytes",
      "SReclaimable_bytes",
      "SUnreclaim_bytes",
      "Shmem_bytes",
      "ShmemHugePages_bytes",
      "ShmemPmdMapped_bytes",
      "Slab_bytes",
      "SwapCached_bytes",
      "SwapFree_bytes",
      "SwapTotal_bytes",
      "Unevictable_bytes",
      "VmallocChunk_bytes",
      "VmallocTotal_bytes",
      "VmallocUsed_bytes",
      "Writeback_bytes",
      "WritebackTmp_bytes",
      "HugePages_Free",
      "HugePages_Rsvd",
      "HugePages_Surp",
      "HugePages_Total",
  };
  return fields;
}

class MeminfoCollector : public Collector {
 public:
  explicit MeminfoCollector(const CollectorOptions& o)
      : all_(o.NodeExporter15()) {}

  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("meminfo");
    auto fields = Unwrap(parse::ParseMeminfo(ReadFile(path)), path);
    FamilySet out;
    for (const parse::MeminfoField& f : fields) {
      const std::string name = Sanitize(f.name);
      if (!all_ && !Fields19().contains(name)) continue;
      // node_exporter types a "_total" field as a counter (none on Linux
      // today: HugePages_Total has a capital T) and the rest as gauges.
      out.Family("node_memory_" + name,
                 "Memory information field " + name + ".",
                 name.ends_with("_total") ? prometheus::MetricType::Counter
                                          : prometheus::MetricType::Gauge)
          .Add(f.value);
    }
    return out.Take();
  }

 private:
  bool all_;  // every line (node_exporter 1.5)
};

}  // namespace

CollectorSpec Spec() {
  return {"meminfo",
          true,
          "Exposes memory statistics.",
          {},
          &MakeCollector<MeminfoCollector>};
}

}  // namespace host_exporter::collectors::meminfo
