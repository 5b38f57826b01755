#include "host_exporter/collector.h"

namespace host_exporter {

#define COLLECTOR(X)        \
  namespace collectors::X { \
  CollectorSpec Spec();     \
  }
#include "collectors/collector_list.inc"
#undef COLLECTOR

const std::vector<CollectorSpec>& AllCollectors() {
  static const std::vector<CollectorSpec> kAll = {
#define COLLECTOR(X) collectors::X::Spec(),
#include "collectors/collector_list.inc"
#undef COLLECTOR
  };
  return kAll;
}

const CollectorSpec* FindCollector(std::string_view name) {
  for (const CollectorSpec& spec : AllCollectors()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

}  // namespace host_exporter
