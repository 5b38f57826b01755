// meminfo: /proc/meminfo lines as node_memory_<Field>[_bytes], named,
// scaled and typed as node_exporter does: 1.9 (procfs' Meminfo struct)
// exposes the fields of kFields19 only; 1.5 (--compat.node-exporter=1.5)
// every line.
#include "parse/meminfo.h"

#include <set>
#include <string>
#include <vector>

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

// What is made of the line at one position of the file, kept while the
// line there has the same key and unit (a kernel prints the same lines each
// time): its family's name and help, built once, not one string each a
// cycle.
struct KeptLine {
  std::string key;
  bool bytes = false;
  std::string name;  // "node_memory_<Field>"
  std::string help;  // "Memory information field <Field>."
  prometheus::MetricType type = prometheus::MetricType::Gauge;
  bool listed = false;   // node_exporter exposes the field
  bool exposed = false;  // listed, and no later line has the same name
};

class MeminfoCollector : public Collector {
 public:
  explicit MeminfoCollector(const CollectorOptions& o)
      : all_(o.NodeExporter15()) {}

  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("meminfo");
    const std::string text = ReadFile(path);
    const auto fields = Unwrap(parse::ParseMeminfo(text), path);
    bool changed = fields.size() != lines_.size();
    lines_.resize(fields.size());
    for (size_t i = 0; i < fields.size(); ++i) {
      KeptLine& l = lines_[i];
      if (l.key == fields[i].key && l.bytes == fields[i].bytes &&
          !l.name.empty()) {
        continue;
      }
      const std::string name = Sanitize(parse::MeminfoFieldName(fields[i]));
      l.key.assign(fields[i].key);
      l.bytes = fields[i].bytes;
      l.name = "node_memory_" + name;
      l.help = "Memory information field " + name + ".";
      // node_exporter types a "_total" field as a counter (none on Linux
      // today: HugePages_Total has a capital T) and the rest as gauges.
      l.type = name.ends_with("_total") ? prometheus::MetricType::Counter
                                        : prometheus::MetricType::Gauge;
      l.listed = all_ || Fields19().contains(name);
      changed = true;
    }
    // A name given twice has its last value (one series per family).
    if (changed) {
      for (size_t i = 0; i < lines_.size(); ++i) {
        lines_[i].exposed = lines_[i].listed;
        for (size_t j = i + 1; j < lines_.size() && lines_[i].exposed; ++j) {
          if (lines_[j].name == lines_[i].name) lines_[i].exposed = false;
        }
      }
    }
    FamilySet out;
    for (size_t i = 0; i < fields.size(); ++i) {
      const KeptLine& l = lines_[i];
      if (l.exposed) out.Family(l.name, l.help, l.type).Add(fields[i].value);
    }
    return out.Take();
  }

 private:
  bool all_;                     // every line (node_exporter 1.5)
  std::vector<KeptLine> lines_;  // by position in the file
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
