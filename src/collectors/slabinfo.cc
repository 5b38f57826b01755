// slabinfo: node_slabinfo_*{slab} from /proc/slabinfo (default off; the
// file is usually mode 0400, readable by root only). node_exporter 1.9's
// --collector.slabinfo.slabs-include and -exclude select the slabs.
#include "parse/slabinfo.h"

#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/utf8.h"

namespace host_exporter::collectors::slabinfo {
namespace {

constexpr char kInclude[] = "collector.slabinfo.slabs-include";
constexpr char kExclude[] = "collector.slabinfo.slabs-exclude";

class SlabinfoCollector : public Collector {
 public:
  explicit SlabinfoCollector(const CollectorOptions& o)
      : slabs_(o, kInclude, kExclude) {}

  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("slabinfo");
    const auto slabs = Unwrap(parse::ParseSlabinfo(ReadFile(path)), path);
    FamilySet out;
    auto& active = out.Gauge(
        "node_slabinfo_active_objects",
        "The number of objects that are currently active (i.e., in use).");
    auto& objects = out.Gauge(
        "node_slabinfo_objects",
        "The total number of allocated objects (i.e., objects that are both "
        "in use and not in use).");
    auto& size = out.Gauge("node_slabinfo_object_size_bytes",
                           "The size of objects in this slab, in bytes.");
    auto& per_slab = out.Gauge("node_slabinfo_objects_per_slab",
                               "The number of objects stored in each slab.");
    auto& pages = out.Gauge("node_slabinfo_pages_per_slab",
                            "The number of pages allocated for each slab.");
    for (const parse::Slab& s : slabs) {
      if (!slabs_.Keeps(s.name)) continue;
      const Labels labels = {{"slab", parse::ToValidUtf8(s.name)}};
      active.Add(labels, ToDouble(s.active_objects));
      objects.Add(labels, ToDouble(s.objects));
      size.Add(labels, ToDouble(s.object_size));
      per_slab.Add(labels, ToDouble(s.objects_per_slab));
      pages.Add(labels, ToDouble(s.pages_per_slab));
    }
    return out.Take();
  }

 private:
  NameFilter slabs_;
};

}  // namespace

CollectorSpec Spec() {
  return {"slabinfo",
          false,
          "Exposes slab statistics from /proc/slabinfo (usually readable by "
          "root only).",
          {
              {kInclude, ".*",
               "Regexp of slabs to include in slabinfo "
               "collector."},
              {kExclude, "",
               "Regexp of slabs to exclude in slabinfo "
               "collector."},
          },
          &MakeCollector<SlabinfoCollector>};
}

}  // namespace host_exporter::collectors::slabinfo
