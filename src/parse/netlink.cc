#include "parse/netlink.h"

#include <linux/genetlink.h>

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

// The records of `data` (netlink messages, attributes): each starts with a
// header of `header` bytes whose first field, a LenT in host order, is the
// record's length with the header, and is padded to 4 bytes. make(record)
// makes one of a record's bytes. Errors name the record ("<what> N: ...";
// with `header_bytes`, a truncated header's size too).
template <typename LenT, typename T, typename Make>
Result<std::vector<T>> ParseRecords(std::string_view data,
                                    std::string_view what, size_t header,
                                    bool header_bytes, Make make) {
  Result<std::vector<T>> r;
  size_t pos = 0;
  for (size_t n = 1; pos < data.size(); ++n) {
    const std::string_view rest = data.substr(pos);
    auto fail = [&](const std::string& why) {
      return Result<std::vector<T>>::Fail(std::string(what) + " " +
                                          std::to_string(n) + ": " + why);
    };
    if (rest.size() < header) {
      return fail(header_bytes ? "truncated header (" +
                                     std::to_string(rest.size()) + " bytes)"
                               : "truncated header");
    }
    const size_t len = ReadHostOrder<LenT>(rest, 0);
    if (len < header || len > rest.size()) {
      return fail("length " + std::to_string(len) + " does not fit the " +
                  std::to_string(rest.size()) + " bytes left");
    }
    r.value.push_back(make(rest.substr(0, len)));
    pos += Align4(len);
  }
  return r;
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
  return ParseRecords<uint32_t, NetlinkMessage>(
      datagram, "message", kHeaderSize, true, [](std::string_view record) {
        NetlinkMessage m;
        m.type = ReadHostOrder<uint16_t>(record, 4);
        m.flags = ReadHostOrder<uint16_t>(record, 6);
        m.seq = ReadHostOrder<uint32_t>(record, 8);
        m.payload = std::string(record.substr(kHeaderSize));
        return m;
      });
}

Result<std::vector<NetlinkAttribute>> ParseNetlinkAttributes(
    std::string_view data) {
  return ParseRecords<uint16_t, NetlinkAttribute>(
      data, "attribute", kAttrHeaderSize, false, [](std::string_view record) {
        NetlinkAttribute a;
        // NLA_F_NESTED and NLA_F_NET_BYTEORDER are flags, not part of the
        // type.
        a.type = ReadHostOrder<uint16_t>(record, 2) & 0x3fff;
        a.value = record.substr(kAttrHeaderSize);
        return a;
      });
}

int NetlinkErrorCode(std::string_view payload) {
  if (payload.size() < sizeof(int32_t)) return -1;
  // The kernel sends -errno; INT_MIN (never an errno) must not overflow.
  const int32_t v = ReadHostOrder<int32_t>(payload, 0);
  return v == INT32_MIN ? INT32_MAX : -v;
}

std::string AttributeError(uint16_t type, std::string_view why) {
  return "attribute " + std::to_string(type) + ": " + std::string(why);
}

Result<std::vector<NetlinkAttribute>> GenlAttributes(std::string_view payload) {
  constexpr size_t kGenlHeaderLen = 4;  // struct genlmsghdr
  if (payload.size() < kGenlHeaderLen) {
    return Result<std::vector<NetlinkAttribute>>::Fail(
        "short generic netlink header");
  }
  return ParseNetlinkAttributes(payload.substr(kGenlHeaderLen));
}

std::string GenlRequestPayload(
    uint8_t cmd, uint8_t version,
    const std::vector<std::pair<uint16_t, std::string>>& attrs) {
  std::string out;
  out.push_back(static_cast<char>(cmd));
  out.push_back(static_cast<char>(version));
  out.append(2, '\0');
  for (const auto& [type, value] : attrs) {
    AppendHostOrder(&out, static_cast<uint16_t>(4 + value.size()));
    AppendHostOrder(&out, type);
    out.append(value);
    out.append((4 - value.size() % 4) % 4, '\0');
  }
  return out;
}

Result<GenlFamily> ParseGenlFamily(std::string_view payload) {
  auto attrs = GenlAttributes(payload);
  if (!attrs.ok()) return Result<GenlFamily>::Fail(attrs.error);
  Result<GenlFamily> r;
  bool have_id = false;
  for (const NetlinkAttribute& a : attrs.value) {
    if (a.type == CTRL_ATTR_FAMILY_ID) {
      if (!ReadAttribute(a, &r.value.id, &r.error)) return r;
      have_id = true;
    } else if (a.type == CTRL_ATTR_VERSION) {
      if (!ReadAttribute(a, &r.value.version, &r.error)) return r;
    }
  }
  if (!have_id) return Result<GenlFamily>::Fail("no family id");
  return r;
}

}  // namespace host_exporter::parse
