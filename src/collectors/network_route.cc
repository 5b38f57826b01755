// placeholder: replaced by the real collector.
#include "host_exporter/collector.h"

namespace host_exporter {
namespace {
class Placeholder : public Collector {
 public:
  Families Collect(const HostPaths&) override {
    throw CollectError("network_route: not implemented yet");
  }
};
}  // namespace

CollectorSpec NetworkRouteCollectorSpec() {
  return {"network_route", false, "placeholder", {},
          [](const CollectorOptions&) -> std::unique_ptr<Collector> {
            return std::make_unique<Placeholder>();
          }};
}

}  // namespace host_exporter
