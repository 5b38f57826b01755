// node_exporter's collectors (1.5 and 1.9) that host_exporter has not got
// yet, with their flags: accepted as node_exporter's users pass them, they
// collect nothing and are logged once at start-up when given. When a
// collector lands (src/collectors/<name>.cc, collector_list.inc), its entry
// leaves this table; collectors_test checks that no name is in both.
#include "host_exporter/collector.h"

namespace host_exporter {

const std::vector<PendingCollector>& PendingCollectors() {
  static const std::vector<PendingCollector> kPending = {
      {"drbd",
       false,
       "Distributed Replicated Block Device statistics (to version 8.4).",
       {}},
      {"ntp",
       false,
       "Health of the local NTP daemon.",
       {{"collector.ntp.server", "127.0.0.1",
         "NTP server to use for ntp collector"},
        {"collector.ntp.server-port", "123",
         "UDP port number to connect to on NTP server"},
        {"collector.ntp.protocol-version", "4", "NTP protocol version"},
        {"collector.ntp.server-is-local", "false",
         "Certify that collector.ntp.server address is not a public ntp "
         "server",
         false, true},
        {"collector.ntp.ip-ttl", "1", "IP TTL to use while sending NTP query"},
        {"collector.ntp.max-distance", "3.46608s",
         "Max accumulated distance to the root"},
        {"collector.ntp.local-offset-tolerance", "1ms",
         "Offset between local clock and local ntpd time to tolerate"}}},
      {"perf",
       false,
       "perf_event counters.",
       {{"collector.perf.cpus", "",
         "List of CPUs from which perf metrics should be collected"},
        {"collector.perf.tracepoint", "",
         "perf tracepoint that should be collected", true},
        {"collector.perf.disable-hardware-profilers", "false",
         "disable perf hardware profilers", false, true},
        {"collector.perf.hardware-profilers", "",
         "perf hardware profilers that should be collected", true},
        {"collector.perf.disable-software-profilers", "false",
         "disable perf software profilers", false, true},
        {"collector.perf.software-profilers", "",
         "perf software profilers that should be collected", true},
        {"collector.perf.disable-cache-profilers", "false",
         "disable perf cache profilers", false, true},
        {"collector.perf.cache-profilers", "",
         "perf cache profilers that should be collected", true}}},
      {"qdisc",
       false,
       "Queueing discipline statistics.",
       {{"collector.qdisc.fixtures", "",
         "test fixtures to use for qdisc collector end-to-end testing"},
        {"collector.qdisc.device-include", "",
         "Regexp of qdisc devices to include (mutually exclusive to "
         "device-exclude)."},
        {"collector.qdisc.device-exclude", "",
         "Regexp of qdisc devices to exclude (mutually exclusive to "
         "device-include)."},
        // node_exporter 1.5's spelling of the two above.
        {"collector.qdisk.device-include", "",
         "Old name of --collector.qdisc.device-include (node_exporter 1.5)."},
        {"collector.qdisk.device-exclude", "",
         "Old name of --collector.qdisc.device-exclude (node_exporter "
         "1.5)."}}},
      {"runit",
       false,
       "Service states from runit.",
       {{"collector.runit.servicedir", "/etc/service",
         "Path to runit service directory."}}},
      {"supervisord",
       false,
       "Process states from supervisord.",
       {{"collector.supervisord.url", "http://localhost:9001/RPC2",
         "XML RPC endpoint."}}},
  };
  return kPending;
}

}  // namespace host_exporter
