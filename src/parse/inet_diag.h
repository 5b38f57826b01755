// sock_diag (NETLINK_INET_DIAG) messages for the tcpstat collector: the
// request node_exporter 1.5 sends and the fields it reads from each answer.
#ifndef HOST_EXPORTER_PARSE_INET_DIAG_H_
#define HOST_EXPORTER_PARSE_INET_DIAG_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// SOCK_DIAG_BY_FAMILY, the message type of the request and its answers.
inline constexpr uint16_t kSockDiagByFamily = 20;

/// The payload of a dump request for every TCP socket of `family`
/// (AF_INET or AF_INET6) in every state: struct inet_diag_req_v2 with
/// idiag_states = TCPF_ALL (0xfff).
std::string InetDiagTcpDumpRequest(uint8_t family);

/// What tcpstat reads from one struct inet_diag_msg.
struct InetDiagSocket {
  uint8_t family = 0;
  uint8_t state = 0;    ///< TCP_ESTABLISHED (1) .. TCP_CLOSING (11)
  uint32_t rqueue = 0;  ///< idiag_rqueue
  uint32_t wqueue = 0;  ///< idiag_wqueue
};

/// Parses the fixed 72-byte struct inet_diag_msg at the start of a
/// SOCK_DIAG_BY_FAMILY answer; attributes after it are ignored.
Result<InetDiagSocket> ParseInetDiagMsg(std::string_view payload);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_INET_DIAG_H_
