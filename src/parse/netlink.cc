#include "parse/netlink.h"

namespace host_exporter::parse {
namespace {

constexpr size_t kHeaderSize = 16;     // struct nlmsghdr
constexpr size_t kAttrHeaderSize = 4;  // struct nlattr

constexpr size_t Align4(size_t n) { return (n + 3) & ~size_t{3}; }

template <typename T>
void AppendHostOrder(std::string* out, T v) {
  char buf[sizeof v];
  std::memcpy(buf, &v, sizeof v);
  out->append(buf, sizeof v);
}

}  // namespace

std::string NetlinkRequest(uint16_t type, uint16_t flags, uint32_t seq,
                           std::string_view payload) {
  std::string out;
  AppendHostOrder(&out, static_cast<uint32_t>(kHeaderSize + payload.size()));
  AppendHostOrder(&out, type);
  AppendHostOrder(&out, flags);
  AppendHostOrder(&out, seq);
  AppendHostOrder(&out, uint32_t{0});  // pid: the kernel fills in ours
  out.append(payload);
  out.resize(Align4(out.size()), '\0');
  return out;
}

Result<std::vector<NetlinkMessage>> ParseNetlinkMessages(
    std::string_view datagram) {
  Result<std::vector<NetlinkMessage>> r;
  size_t pos = 0;
  for (size_t n = 1; pos < datagram.size(); ++n) {
    std::string_view rest = datagram.substr(pos);
    auto fail = [&](const std::string& why) {
      return Result<std::vector<NetlinkMessage>>::Fail(
          "message " + std::to_string(n) + ": " + why);
    };
    if (rest.size() < kHeaderSize) {
      return fail("truncated header (" + std::to_string(rest.size()) +
                  " bytes)");
    }
    const auto len = ReadHostOrder<uint32_t>(rest, 0);
    if (len < kHeaderSize || len > rest.size()) {
      return fail("length " + std::to_string(len) + " does not fit the " +
                  std::to_string(rest.size()) + " bytes left");
    }
    NetlinkMessage m;
    m.type = ReadHostOrder<uint16_t>(rest, 4);
    m.flags = ReadHostOrder<uint16_t>(rest, 6);
    m.seq = ReadHostOrder<uint32_t>(rest, 8);
    m.payload = std::string(rest.substr(kHeaderSize, len - kHeaderSize));
    r.value.push_back(std::move(m));
    pos += Align4(len);
  }
  return r;
}

Result<std::vector<NetlinkAttribute>> ParseNetlinkAttributes(
    std::string_view data) {
  Result<std::vector<NetlinkAttribute>> r;
  size_t pos = 0;
  for (size_t n = 1; pos < data.size(); ++n) {
    std::string_view rest = data.substr(pos);
    if (rest.size() < kAttrHeaderSize) {
      return Result<std::vector<NetlinkAttribute>>::Fail(
          "attribute " + std::to_string(n) + ": truncated header");
    }
    const auto len = ReadHostOrder<uint16_t>(rest, 0);
    if (len < kAttrHeaderSize || len > rest.size()) {
      return Result<std::vector<NetlinkAttribute>>::Fail(
          "attribute " + std::to_string(n) + ": length " + std::to_string(len) +
          " does not fit the " + std::to_string(rest.size()) + " bytes left");
    }
    NetlinkAttribute a;
    // NLA_F_NESTED and NLA_F_NET_BYTEORDER are flags, not part of the type.
    a.type = ReadHostOrder<uint16_t>(rest, 2) & 0x3fff;
    a.value = rest.substr(kAttrHeaderSize, len - kAttrHeaderSize);
    r.value.push_back(a);
    pos += Align4(len);
  }
  return r;
}

int NetlinkErrorCode(std::string_view payload) {
  if (payload.size() < sizeof(int32_t)) return -1;
  // The kernel sends -errno; INT_MIN (never an errno) must not overflow.
  const int32_t v = ReadHostOrder<int32_t>(payload, 0);
  return v == INT32_MIN ? INT32_MAX : -v;
}

}  // namespace host_exporter::parse
