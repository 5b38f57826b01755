// udp_queues: node_udp_queues{ip="v4"|"v6",queue="rx"|"tx"}, the bytes
// queued in UDP sockets summed over /proc/net/udp and /proc/net/udp6. A
// file that is absent (IPv4 or IPv6 disabled) contributes nothing, as in
// node_exporter 1.5.
#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/net_socket.h"

namespace host_exporter::collectors::udp_queues {
namespace {

// The longest line of /proc/net/udp6 (or udp) with every field at its widest
// is about 230 bytes (udp's are padded to 128).
constexpr size_t kRecordMax = 512;

class UdpQueuesCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    auto& family = out.Gauge("node_udp_queues",
                             "Number of allocated memory in the kernel for UDP "
                             "datagrams in bytes.");
    for (const auto& [file, ip] :
         {std::pair{"net/udp", "v4"}, std::pair{"net/udp6", "v6"}}) {
      const std::string path = paths.Proc(file);
      // Lines of at most kRecordMax bytes: one read, not a second walk of
      // every slot of the UDP hash table to find the end.
      FileRead read = ReadRecords(path, kRecordMax);
      if (read.missing()) continue;
      const std::string& text = read.Value(path);
      uint64_t tx = 0, rx = 0;  // summed as integers, as Go's procfs does
      for (const auto& s : Unwrap(parse::ParseNetSocketTable(text), path)) {
        tx += s.tx_queue;
        rx += s.rx_queue;
      }
      family.Add({{"queue", "tx"}, {"ip", ip}}, static_cast<double>(tx));
      family.Add({{"queue", "rx"}, {"ip", ip}}, static_cast<double>(rx));
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"udp_queues",
          true,
          "Exposes UDP total lengths of the rx_queue and tx_queue from "
          "/proc/net/udp and /proc/net/udp6.",
          {},
          &MakeCollector<UdpQueuesCollector>};
}

}  // namespace host_exporter::collectors::udp_queues
