#include "parse/inet_diag.h"

#include "parse/netlink.h"

namespace host_exporter::parse {
namespace {

constexpr size_t kReqSize = 56;  // struct inet_diag_req_v2
constexpr size_t kMsgSize = 72;  // struct inet_diag_msg
constexpr uint8_t kIpprotoTcp = 6;
constexpr uint32_t kTcpfAll = 0xfff;

}  // namespace

std::string InetDiagTcpDumpRequest(uint8_t family) {
  std::string req(kReqSize, '\0');
  req[0] = static_cast<char>(family);       // sdiag_family
  req[1] = static_cast<char>(kIpprotoTcp);  // sdiag_protocol
  // idiag_ext (byte 2) stays 0: no extensions are read. idiag_states:
  std::memcpy(req.data() + 4, &kTcpfAll, sizeof kTcpfAll);
  return req;  // the socket id (bytes 8..55) is zero: match everything
}

Result<InetDiagSocket> ParseInetDiagMsg(std::string_view payload) {
  if (payload.size() < kMsgSize) {
    return Result<InetDiagSocket>::Fail(
        "inet_diag_msg is " + std::to_string(payload.size()) +
        " bytes, expected at least " + std::to_string(kMsgSize));
  }
  Result<InetDiagSocket> r;
  r.value.family = static_cast<uint8_t>(payload[0]);
  r.value.state = static_cast<uint8_t>(payload[1]);
  // family, state, timer, retrans, then the 48-byte inet_diag_sockid, then
  // expires, rqueue, wqueue, uid, inode.
  r.value.rqueue = ReadHostOrder<uint32_t>(payload, 56);
  r.value.wqueue = ReadHostOrder<uint32_t>(payload, 60);
  return r;
}

}  // namespace host_exporter::parse
