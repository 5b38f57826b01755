#include "host_exporter/collector.h"

namespace host_exporter {

#define COLLECTOR(X) CollectorSpec X##CollectorSpec();
#include "collectors/collector_list.inc"
#undef COLLECTOR

const std::vector<CollectorSpec>& AllCollectors() {
  static const std::vector<CollectorSpec> kAll = {
#define COLLECTOR(X) X##CollectorSpec(),
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
