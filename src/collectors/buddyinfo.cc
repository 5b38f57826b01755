// buddyinfo: node_buddyinfo_blocks{node,zone,size} from /proc/buddyinfo
// (default off).
#include "parse/buddyinfo.h"

#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/utf8.h"

namespace host_exporter::collectors::buddyinfo {
namespace {

class BuddyinfoCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("buddyinfo");
    const auto lines = Unwrap(parse::ParseBuddyInfo(ReadFile(path)), path);
    FamilySet out;
    auto& f = out.Gauge("node_buddyinfo_blocks",
                        "Count of free blocks according to size.");
    for (const parse::BuddyInfoLine& line : lines) {
      const std::string node = parse::ToValidUtf8(line.node);
      const std::string zone = parse::ToValidUtf8(line.zone);
      for (size_t size = 0; size < line.sizes.size(); ++size) {
        f.Add({{"node", node}, {"zone", zone}, {"size", std::to_string(size)}},
              line.sizes[size]);
      }
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"buddyinfo",
          false,
          "Exposes statistics of memory fragments as reported by "
          "/proc/buddyinfo.",
          {},
          &MakeCollector<BuddyinfoCollector>};
}

}  // namespace host_exporter::collectors::buddyinfo
