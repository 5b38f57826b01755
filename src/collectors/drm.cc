// drm: node_drm_* for the amdgpu cards of /sys/class/drm/card[0-9] (default
// off), as node_exporter 1.12 reads them (prometheus/procfs 0.21's
// ClassDRMCardAMDGPUStats): a card whose device/uevent does not name
// DRIVER=amdgpu is skipped (ENODATA too); an amdgpu card's device link must
// resolve; an attribute that cannot be read counts as 0 (""), one that is
// not a number fails the collector naming it (node_exporter would crash).
// node_exporter 1.9 (procfs 0.15) reported every other card as an all-zero
// "amd" card; 1.12 leaves them out, as here.
#include <cerrno>
#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/sysfs_attr.h"
#include "parse/utf8.h"

namespace host_exporter::collectors::drm {
namespace {

// The files of a card's device/ directory and their gauges.
constexpr SourceFamily kGauges[] = {
    {"gpu_busy_percent", "node_drm_gpu_busy_percent",
     "How busy the GPU is as a percentage."},
    {"mem_info_gtt_total", "node_drm_memory_gtt_size_bytes",
     "The size of the graphics translation table (GTT) block in bytes."},
    {"mem_info_gtt_used", "node_drm_memory_gtt_used_bytes",
     "The used amount of the graphics translation table (GTT) block in "
     "bytes."},
    {"mem_info_vram_total", "node_drm_memory_vram_size_bytes",
     "The size of VRAM in bytes."},
    {"mem_info_vram_used", "node_drm_memory_vram_used_bytes",
     "The used amount of VRAM in bytes."},
    {"mem_info_vis_vram_total", "node_drm_memory_vis_vram_size_bytes",
     "The size of visible VRAM in bytes."},
    {"mem_info_vis_vram_used", "node_drm_memory_vis_vram_used_bytes",
     "The used amount of visible VRAM in bytes."},
};

// A device attribute's trimmed text, or "" if it cannot be read.
std::string Text(const std::string& card, const char* file) {
  FileRead f = ReadAttr(card + "/device/" + file);
  return f.ok() ? f.data : "";
}

class DrmCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string root = paths.Sys("class/drm");
    FamilySet out;
    for (const std::string& name : GlobDigit(root, "card")) {
      if (name.size() != 5) continue;  // card[0-9]: one digit
      const std::string card = root + "/" + name;
      const std::string uevent_path = card + "/device/uevent";
      FileRead uevent = ReadAttr(uevent_path);
      if (uevent.error == ENODATA) continue;
      if (std::move(uevent).Value(uevent_path).find("DRIVER=amdgpu") ==
          std::string::npos) {
        continue;
      }
      if (!RealPath(card + "/device")) {
        ThrowErrno(card + "/device", errno ? errno : ENOENT);
      }
      const std::string label = parse::ToValidUtf8(name);
      for (const SourceFamily& g : kGauges) {
        const std::string path = card + "/device/" + g.source;
        const FileRead f = ReadAttr(path);
        const double v =
            f.ok() ? ToDouble(Unwrap(parse::ParseUintAttr(f.data), path)) : 0;
        out.Gauge(g.name, g.help).Add({{"card", label}}, v);
      }
      out.Gauge("node_drm_card_info", "Card information")
          .Add({{"card", label},
                {"memory_vendor",
                 parse::ToValidUtf8(Text(card, "mem_info_vram_vendor"))},
                {"power_performance_level",
                 parse::ToValidUtf8(
                     Text(card, "power_dpm_force_performance_level"))},
                {"unique_id", parse::ToValidUtf8(Text(card, "unique_id"))},
                {"vendor", "amd"}},
               1);
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"drm",
          false,
          "Expose GPU metrics using sysfs / DRM, amdgpu is the only driver "
          "which exposes this information through DRM.",
          {},
          &MakeCollector<DrmCollector>};
}

}  // namespace host_exporter::collectors::drm
