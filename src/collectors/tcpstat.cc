// tcpstat: node_tcp_connection_states{state}, the number of TCP sockets in
// each state (IPv4 and IPv6 together) plus the bytes in their receive and
// send queues as the states "rx_queued_bytes" and "tx_queued_bytes".
//
// On a real procfs this asks the kernel over sock_diag (NETLINK_INET_DIAG),
// exactly as node_exporter 1.5 does: one dump per family, IPv6 only if
// <procfs>/net/tcp6 exists. That is also what keeps it cheap on hosts with
// many sockets, where /proc/net/tcp is slow to generate. On a fake root (a
// --path.procfs that is not a procfs mount, e.g. the test fixtures) there is
// no kernel to ask for that tree, so it reads <procfs>/net/tcp and
// <procfs>/net/tcp6 instead. The two sources agree except for listening
// sockets: sock_diag reports a listener's backlog limit as its send queue,
// which node_exporter adds into tx_queued_bytes, while /proc/net/tcp prints
// 0 there.
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "collectors/netlink_dump.h"
#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/inet_diag.h"
#include "parse/net_socket.h"
#include "parse/netlink.h"

namespace host_exporter::collectors::tcpstat {
namespace {

// Socket counts by TCP state, and the queue sums node_exporter reports as
// two more "states".
struct TcpStats {
  std::map<std::string_view, double> by_state;
  bool any = false;

  void Add(uint64_t state, double rx, double tx) {
    by_state[parse::TcpStateName(state)] += 1;
    by_state["rx_queued_bytes"] += rx;
    by_state["tx_queued_bytes"] += tx;
    any = true;
  }
};

void AddFromNetlink(uint8_t family, TcpStats* stats) {
  const std::string what = family == AF_INET ? "sock_diag dump of IPv4 TCP"
                                             : "sock_diag dump of IPv6 TCP";
  auto msgs = NetlinkDump(
      NETLINK_INET_DIAG,
      parse::NetlinkRequest(parse::kSockDiagByFamily,
                            parse::kNlmFRequest | parse::kNlmFDump, 1,
                            parse::InetDiagTcpDumpRequest(family)),
      what);
  for (const parse::NetlinkMessage& m : msgs) {
    if (m.type != parse::kSockDiagByFamily) continue;
    auto sock = parse::ParseInetDiagMsg(m.payload);
    if (!sock.ok()) throw CollectError(what + ": " + sock.error);
    stats->Add(sock.value.state, sock.value.rqueue, sock.value.wqueue);
  }
}

void AddFromFile(const std::string& path, const std::string& text,
                 TcpStats* stats) {
  for (const parse::NetSocket& s :
       Unwrap(parse::ParseNetSocketTable(text), path)) {
    stats->Add(s.state, static_cast<double>(s.rx_queue),
               static_cast<double>(s.tx_queue));
  }
}

class TcpstatCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    TcpStats stats;
    const std::string tcp6 = paths.Proc("net/tcp6");
    if (IsProcfs(paths.procfs)) {
      AddFromNetlink(AF_INET, &stats);
      if (::access(tcp6.c_str(), F_OK) == 0) AddFromNetlink(AF_INET6, &stats);
    } else {
      const std::string tcp = paths.Proc("net/tcp");
      AddFromFile(tcp, ReadFile(tcp), &stats);
      if (auto text = ReadFileIfExists(tcp6)) AddFromFile(tcp6, *text, &stats);
    }
    FamilySet out;
    if (!stats.any) return out.Take();
    auto& family =
        out.Gauge("node_tcp_connection_states", "Number of connection states.");
    for (const auto& [state, value] : stats.by_state) {
      family.Add({{"state", std::string(state)}}, value);
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"tcpstat",
          false,
          "Exposes TCP connection status information (sock_diag netlink, "
          "or /proc/net/tcp and /proc/net/tcp6 on a fake root).",
          {},
          &MakeCollector<TcpstatCollector>};
}

}  // namespace host_exporter::collectors::tcpstat
