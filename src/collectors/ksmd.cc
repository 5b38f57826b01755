// ksmd: node_ksmd_* from /sys/kernel/mm/ksm/ (kernel same-page merging;
// default off). As node_exporter 1.5-1.12: every file must be there and be
// a base-10 unsigned integer, else the collector fails naming the file;
// full_scans is a counter (node_ksmd_full_scans_total), sleep_millisecs is
// given in seconds (node_ksmd_sleep_seconds), the rest are gauges.
#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::ksmd {
namespace {

constexpr const char* kFiles[] = {
    "full_scans",     "merge_across_nodes", "pages_shared",   "pages_sharing",
    "pages_to_scan",  "pages_unshared",     "pages_volatile", "run",
    "sleep_millisecs"};

class KsmdCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    for (const std::string file : kFiles) {
      const std::string path = paths.Sys("kernel/mm/ksm/" + file);
      double v = static_cast<double>(
          Unwrap(parse::ParseUintFile(ReadFile(path)), path));
      const std::string help = "ksmd '" + file + "' file.";
      if (file == "full_scans") {
        out.Counter("node_ksmd_full_scans_total", help).Add(v);
      } else if (file == "sleep_millisecs") {
        out.Gauge("node_ksmd_sleep_seconds", help).Add(v / 1000);
      } else {
        out.Gauge("node_ksmd_" + file, help).Add(v);
      }
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"ksmd",
          false,
          "Exposes kernel and system statistics from /sys/kernel/mm/ksm.",
          {},
          &MakeCollector<KsmdCollector>};
}

}  // namespace host_exporter::collectors::ksmd
