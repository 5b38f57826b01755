// Parser for the socket tables /proc/net/{tcp,tcp6,udp,udp6} (the format of
// net/ipv4/tcp_ipv4.c and udp.c), as read by udp_queues and, on a fake
// root, tcpstat; and node_exporter's names for TCP states.
#ifndef HOST_EXPORTER_PARSE_NET_SOCKET_H_
#define HOST_EXPORTER_PARSE_NET_SOCKET_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// The fields of one socket line the collectors use.
struct NetSocket {
  uint64_t state = 0;     ///< "st", hex (TCP_ESTABLISHED = 1 ...)
  uint64_t tx_queue = 0;  ///< before the ':' of "tx_queue:rx_queue", hex
  uint64_t rx_queue = 0;
};

/// Parses a socket table: the first line is a header and is skipped; each
/// other line must have at least 10 fields with "sl:", local and remote
/// "ADDR:PORT" (8 or 32 hex digits), hex state, "tx:rx" hex queues, and
/// numeric uid and inode, as Go's procfs checks them.
Result<std::vector<NetSocket>> ParseNetSocketTable(std::string_view text);

/// One row of a socket table (a line after the header) into *out without
/// allocating: true if ParseNetSocketTable accepts the row (the same
/// checks), false otherwise (*out untouched; the table's parser then tells
/// why). For a reader that sums a table every cycle (udp_queues).
bool ParseNetSocketRow(std::string_view line, NetSocket* out);

/// node_exporter's label for a TCP state number ("established", "listen",
/// ...; "unknown" for numbers outside 1..11).
std::string_view TcpStateName(uint64_t state);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_NET_SOCKET_H_
