// Fuzzes parse::ParseIpvsStats, parse::ParseIpvsBackends and
// parse::FormatGoIp (whose text must read back as the same address).
#include <arpa/inet.h>

#include <cstring>

#include "fuzz_util.h"
#include "parse/ipvs.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  hf::CheckResult(hp::ParseIpvsStats(text), text);
  auto b = hp::ParseIpvsBackends(text);
  hf::CheckResult(b, text);
  if (b.ok()) {
    for (const auto& e : b.value) {
      // "" for real servers listed before any service (as in procfs).
      FUZZ_CHECK(e.proto.empty() || e.proto == "TCP" || e.proto == "UDP" ||
                 e.proto == "FWM");
      if (e.proto == "TCP" || e.proto == "UDP")
        FUZZ_CHECK(!e.local_address.empty());
      if (e.proto != "TCP" && e.proto != "UDP")
        FUZZ_CHECK(e.local_address.empty());
    }
  }
  if (size >= 16) {
    // 16 bytes: IPv6 text, or a dotted quad for an IPv4-mapped address.
    const std::string s6 = hp::FormatGoIp(data, 16);
    unsigned char back[16];
    static const uint8_t kMapped[12] = {0, 0, 0, 0, 0,    0,
                                        0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(data, kMapped, 12) == 0) {
      FUZZ_CHECK(inet_pton(AF_INET, s6.c_str(), back) == 1);
      FUZZ_CHECK(std::memcmp(back, data + 12, 4) == 0);
    } else {
      FUZZ_CHECK(inet_pton(AF_INET6, s6.c_str(), back) == 1);
      FUZZ_CHECK(std::memcmp(back, data, 16) == 0);
    }
  }
  if (size >= 4) {
    const std::string s4 = hp::FormatGoIp(data, 4);
    unsigned char back[4];
    FUZZ_CHECK(inet_pton(AF_INET, s4.c_str(), back) == 1);
    FUZZ_CHECK(std::memcmp(back, data, 4) == 0);
  }
  return 0;
}
