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

const FieldFamily<parse::Slab> kFamilies[] = {
    {"node_slabinfo_active_objects",
     "The number of objects that are currently active (i.e., in use).", kGauge,
     FieldOf<&parse::Slab::active_objects>},
    {"node_slabinfo_objects",
     "The total number of allocated objects (i.e., objects that are both in "
     "use and not in use).",
     kGauge, FieldOf<&parse::Slab::objects>},
    {"node_slabinfo_object_size_bytes",
     "The size of objects in this slab, in bytes.", kGauge,
     FieldOf<&parse::Slab::object_size>},
    {"node_slabinfo_objects_per_slab",
     "The number of objects stored in each slab.", kGauge,
     FieldOf<&parse::Slab::objects_per_slab>},
    {"node_slabinfo_pages_per_slab",
     "The number of pages allocated for each slab.", kGauge,
     FieldOf<&parse::Slab::pages_per_slab>},
};

class SlabinfoCollector : public Collector {
 public:
  explicit SlabinfoCollector(const CollectorOptions& o)
      : slabs_(o, "collector.slabinfo.slabs-") {}

  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("slabinfo");
    const auto slabs = Unwrap(parse::ParseSlabinfo(ReadFile(path)), path);
    FamilySet out;
    for (const parse::Slab& s : slabs) {
      if (!slabs_.Keeps(s.name)) continue;
      AddFields(&out, kFamilies, s, {{"slab", parse::ToValidUtf8(s.name)}});
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
              {"collector.slabinfo.slabs-include", ".*",
               "Regexp of slabs to include in slabinfo "
               "collector."},
              {"collector.slabinfo.slabs-exclude", "",
               "Regexp of slabs to exclude in slabinfo "
               "collector."},
          },
          &MakeCollector<SlabinfoCollector>};
}

}  // namespace host_exporter::collectors::slabinfo
