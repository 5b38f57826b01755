// Pure netlink framing: building a dump request and splitting the kernel's
// answers into messages and attributes; generic netlink's request payload
// and its controller's family reply. The socket I/O lives in the
// collectors that use it (tcpstat, network_route); everything here works on
// bytes, so it is tested on hand-built buffers.
//
// Netlink speaks the host's byte order; these helpers read and write it
// with memcpy, which is what the kernel and Go's nlenc do.
#ifndef HOST_EXPORTER_PARSE_NETLINK_H_
#define HOST_EXPORTER_PARSE_NETLINK_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// Message types and flags from <linux/netlink.h>, spelled out so the pure
/// parsers need no kernel headers.
inline constexpr uint16_t kNlmsgError = 2;
inline constexpr uint16_t kNlmsgDone = 3;
inline constexpr uint16_t kNlmFRequest = 0x1;
inline constexpr uint16_t kNlmFDump = 0x300;  ///< NLM_F_ROOT | NLM_F_MATCH

/// One netlink message: its header fields and its payload (the bytes after
/// the 16-byte nlmsghdr, up to nlmsg_len).
struct NetlinkMessage {
  uint16_t type = 0;
  uint16_t flags = 0;
  uint32_t seq = 0;
  std::string payload;
};

/// One attribute (struct nlattr / rtattr): its type without the nested and
/// byte-order flag bits, and its value (a view into the parsed buffer).
struct NetlinkAttribute {
  uint16_t type = 0;
  std::string_view value;
};

/// A request: nlmsghdr (length, type, flags, seq, pid 0) and `payload`.
std::string NetlinkRequest(uint16_t type, uint16_t flags, uint32_t seq,
                           std::string_view payload);

/// Splits one datagram from a netlink socket into its messages. Fails
/// ("message N: reason") on a header that is short or claims more bytes
/// than remain.
Result<std::vector<NetlinkMessage>> ParseNetlinkMessages(
    std::string_view datagram);

/// Splits a run of attributes (each 4-byte aligned). Fails on an attribute
/// that is shorter than its header or longer than the bytes that remain.
Result<std::vector<NetlinkAttribute>> ParseNetlinkAttributes(
    std::string_view data);

/// The errno (positive) carried by an NLMSG_ERROR payload (struct nlmsgerr
/// holds it negated), 0 for an acknowledgement, -1 if the payload is short.
int NetlinkErrorCode(std::string_view payload);

/// Reads a host-order integer of type T at `offset`; the caller checks the
/// size first.
template <typename T>
T ReadHostOrder(std::string_view bytes, size_t offset) {
  T v{};
  std::memcpy(&v, bytes.data() + offset, sizeof v);
  return v;
}

/// "attribute <type>: <why>".
std::string AttributeError(uint16_t type, std::string_view why);

/// A fixed-size integer attribute's value; a wrong size is an error (Go's
/// nlenc panics on it): false, with *error naming the attribute.
template <typename T>
bool ReadAttribute(const NetlinkAttribute& a, T* out, std::string* error) {
  if (a.value.size() != sizeof(T)) {
    *error = AttributeError(a.type, "expected " + std::to_string(sizeof(T)) +
                                        " bytes, got " +
                                        std::to_string(a.value.size()));
    return false;
  }
  *out = ReadHostOrder<T>(a.value, 0);
  return true;
}

// --- Generic netlink -------------------------------------------------------

/// A generic netlink family as the controller (nlctrl) describes it.
struct GenlFamily {
  uint16_t id = 0;
  uint32_t version = 0;
};

/// Payload of a generic netlink request: genlmsghdr (cmd, version) followed
/// by `attrs` (type, value), each padded to 4 bytes.
std::string GenlRequestPayload(
    uint8_t cmd, uint8_t version,
    const std::vector<std::pair<uint16_t, std::string>>& attrs);

/// The attributes of a generic netlink message's payload (after its
/// genlmsghdr).
Result<std::vector<NetlinkAttribute>> GenlAttributes(std::string_view payload);

/// Parses nlctrl's CTRL_CMD_NEWFAMILY reply (CTRL_ATTR_FAMILY_ID is
/// required).
Result<GenlFamily> ParseGenlFamily(std::string_view payload);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_NETLINK_H_
