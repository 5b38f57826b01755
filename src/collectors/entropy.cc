// entropy: node_entropy_available_bits and node_entropy_pool_size_bits from
// /proc/sys/kernel/random/{entropy_avail,poolsize}.
#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/sysctl_value.h"

namespace host_exporter::collectors::entropy {
namespace {

// A /proc/sys/kernel/random file's number; node_exporter fails the
// collector when either file is absent, so absence is an error here too.
double ReadRandom(const HostPaths& paths, const char* name) {
  const std::string path = paths.Proc(std::string("sys/kernel/random/") + name);
  return static_cast<double>(
      Unwrap(parse::ParseSysctlUint(ReadFile(path)), path));
}

class EntropyCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    out.Gauge("node_entropy_available_bits", "Bits of available entropy.")
        .Add(ReadRandom(paths, "entropy_avail"));
    out.Gauge("node_entropy_pool_size_bits", "Bits of entropy pool.")
        .Add(ReadRandom(paths, "poolsize"));
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"entropy",
          true,
          "Exposes available entropy.",
          {},
          &MakeCollector<EntropyCollector>};
}

}  // namespace host_exporter::collectors::entropy
