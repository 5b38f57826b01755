// udp_queues: node_udp_queues{ip="v4"|"v6",queue="rx"|"tx"}, the bytes
// queued in UDP sockets summed over /proc/net/udp and /proc/net/udp6. A
// file that is absent (IPv4 or IPv6 disabled) contributes nothing, as in
// node_exporter 1.5.
//
// The queues are summed as the rows are walked in the read buffer, each
// row checked as parse::ParseNetSocketTable checks it, without a vector of
// rows or of fields; a file with a row that check refuses is handed to
// ParseNetSocketTable, whose error (or sums) it is.
#include <array>
#include <charconv>
#include <optional>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/net_socket.h"

namespace host_exporter::collectors::udp_queues {
namespace {

// The longest line of /proc/net/udp6 (or udp) with every field at its widest
// is about 230 bytes (udp's are padded to 128).
constexpr size_t kRecordMax = 512;

// Sums the queues of a socket table into *tx and *rx (the header line
// skipped); false if a row is not one ParseNetSocketTable accepts
// (ParseNetSocketRow).
bool SumQueues(std::string_view text, uint64_t* tx, uint64_t* rx) {
  size_t pos = 0;
  std::string_view line;
  for (size_t i = 0; parse::NextLine(text, &pos, &line); ++i) {
    if (i < 1) continue;
    parse::NetSocket s;
    if (!parse::ParseNetSocketRow(line, &s)) return false;
    *tx += s.tx_queue;
    *rx += s.rx_queue;
  }
  return true;
}

class UdpQueuesCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    if (files_[0].empty() || paths.procfs != procfs_) {
      procfs_ = paths.procfs;
      files_[0] = paths.Proc("net/udp");
      files_[1] = paths.Proc("net/udp6");
    }
    FamilySet out;
    auto& family = out.Gauge("node_udp_queues",
                             "Number of allocated memory in the kernel for UDP "
                             "datagrams in bytes.");
    for (size_t k = 0; k < 2; ++k) {
      const std::string& path = files_[k];
      const char* ip = k == 0 ? "v4" : "v6";
      // Lines of at most kRecordMax bytes: one read, not a second walk of
      // every slot of the UDP hash table to find the end.
      FileRead read = ReadRecords(path, kRecordMax);
      if (read.missing()) continue;
      const std::string& text = read.Value(path);
      uint64_t tx = 0, rx = 0;  // summed as integers, as Go's procfs does
      if (!SumQueues(text, &tx, &rx)) {
        tx = rx = 0;
        for (const auto& s : Unwrap(parse::ParseNetSocketTable(text), path)) {
          tx += s.tx_queue;
          rx += s.rx_queue;
        }
      }
      family.Add({{"queue", "tx"}, {"ip", ip}}, static_cast<double>(tx));
      family.Add({{"queue", "rx"}, {"ip", ip}}, static_cast<double>(rx));
    }
    return out.Take();
  }

 private:
  std::string procfs_;                  // the procfs root files_ are under
  std::array<std::string, 2> files_{};  // net/udp, net/udp6
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
