// swap: node_swap_{size_bytes,used_bytes,priority}{device,swap_type} per
// swap area of /proc/swaps (node_exporter 1.10, default off).
#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/swaps.h"
#include "parse/utf8.h"

namespace host_exporter::collectors::swap {
namespace {

class SwapCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("swaps");
    const auto areas = Unwrap(parse::ParseSwaps(ReadFile(path)), path);
    FamilySet out;
    auto& size =
        out.Gauge("node_swap_size_bytes", "Swap device size in bytes.");
    auto& used =
        out.Gauge("node_swap_used_bytes", "Swap device used in bytes.");
    auto& prio = out.Gauge("node_swap_priority", "Swap device priority.");
    for (const parse::SwapArea& a : areas) {
      const Labels labels = {{"device", parse::ToValidUtf8(a.filename)},
                             {"swap_type", parse::ToValidUtf8(a.type)}};
      // The kernel prints KiB.
      size.Add(labels, ToDouble(a.size_kib) * 1024);
      used.Add(labels, ToDouble(a.used_kib) * 1024);
      prio.Add(labels, ToDouble(a.priority));
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"swap",
          false,
          "Expose swap information from /proc/swaps (node_exporter 1.10; "
          "follows upstream's changelog, no 1.10 binary here to compare).",
          {},
          &MakeCollector<SwapCollector>};
}

}  // namespace host_exporter::collectors::swap
