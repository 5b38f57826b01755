// node_exporter's collectors (1.5 and 1.9) that host_exporter has not got
// yet, with their flags: accepted as node_exporter's users pass them, they
// collect nothing and are logged once at start-up when given. When a
// collector lands (src/collectors/<name>.cc, collector_list.inc), its entry
// leaves this table; collectors_test checks that no name is in both.
#include "host_exporter/collector.h"

namespace host_exporter {

const std::vector<PendingCollector>& PendingCollectors() {
  static const std::vector<PendingCollector> kPending = {
  };
  return kPending;
}

}  // namespace host_exporter
