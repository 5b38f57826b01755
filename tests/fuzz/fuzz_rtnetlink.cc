// Fuzzes parse::ParseRouteMessage, parse::ParseLinkMessage and
// parse::ParseQdiscMessage (rtnetlink payloads) and parse::RouteProtocolName.
#include "fuzz_util.h"
#include "parse/rtnetlink.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in = hf::AsText(data, size);
  auto r = hp::ParseRouteMessage(in);
  hf::CheckResult(r, in);
  if (r.ok()) {
    FUZZ_CHECK(size >= 12);  // struct rtmsg
    FUZZ_CHECK(r.value.family == data[0] && r.value.dst_len == data[1]);
    FUZZ_CHECK(!hp::RouteProtocolName(r.value.protocol).empty());
    for (const auto& h : r.value.multipath)
      FUZZ_CHECK(h.gateway.size() <= size);
  }
  auto l = hp::ParseLinkMessage(in);
  hf::CheckResult(l, in);
  if (l.ok()) {
    FUZZ_CHECK(size >= 16);  // struct ifinfomsg
    FUZZ_CHECK(l.value.name.find('\0') == std::string::npos);
  }
  auto q = hp::ParseQdiscMessage(in);
  hf::CheckResult(q, in);
  if (q.ok()) {
    FUZZ_CHECK(size >= 20);                     // struct tcmsg
    FUZZ_CHECK(q.value.parent != 0xFFFFFFFFu);  // TC_H_ROOT reads as 0
    FUZZ_CHECK(q.value.kind.find('\0') == std::string::npos);
  }
  return 0;
}
