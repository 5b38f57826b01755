// mdadm: node_md_* for every Linux software RAID device in /proc/mdstat:
// state, member disk counts and sync progress, as node_exporter 1.5.
#include <string>
#include <utility>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/mdstat.h"

namespace host_exporter::collectors::mdadm {
namespace {

class MdadmCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    const std::string path = paths.Proc("mdstat");
    auto text = ReadFileIfExists(path);
    if (!text) return {};  // no md driver loaded
    auto arrays = Unwrap(parse::ParseMdstat(*text), path);

    static constexpr FamilyDef kFamilies[] = {
        {"node_md_state", "Indicates the state of md-device.", kGauge},
        {"node_md_disks", "Number of active/failed/spare disks of device.",
         kGauge},
        {"node_md_disks_required", "Total number of disks of device.", kGauge},
        {"node_md_blocks", "Total number of blocks on device.", kGauge},
        {"node_md_blocks_synced", "Number of blocks synced on device.", kGauge},
    };
    const auto [state, disks, required, blocks, synced] =
        out.Handles(kFamilies);
    // The state label values and the activity state each stands for.
    static constexpr std::pair<const char*, const char*> kStates[] = {
        {"active", "active"},
        {"inactive", "inactive"},
        {"recovering", "recovering"},
        {"resync", "resyncing"},
        {"check", "checking"}};
    for (const parse::MdStat& md : arrays) {
      const Labels dev = {{"device", md.name}};
      required->Add(dev, static_cast<double>(md.disks_total));
      disks->Add({{"device", md.name}, {"state", "active"}},
                 static_cast<double>(md.disks_active));
      disks->Add({{"device", md.name}, {"state", "failed"}},
                 static_cast<double>(md.disks_failed));
      disks->Add({{"device", md.name}, {"state", "spare"}},
                 static_cast<double>(md.disks_spare));
      for (const auto& [label, activity] : kStates) {
        state->Add({{"device", md.name}, {"state", label}},
                   md.activity_state == activity ? 1 : 0);
      }
      blocks->Add(dev, static_cast<double>(md.blocks_total));
      synced->Add(dev, static_cast<double>(md.blocks_synced));
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"mdadm",
          true,
          "Exposes statistics about devices in /proc/mdstat (does nothing if "
          "no /proc/mdstat present).",
          {},
          &MakeCollector<MdadmCollector>};
}

}  // namespace host_exporter::collectors::mdadm
