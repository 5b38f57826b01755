// Fuzzes parse::ParseNetDev (/proc/net/dev), parse::ParseSysfsCounter and
// parse::MakeAddressInfo (a raw address from the first 34 bytes).
#include <cstring>

#include "fuzz_util.h"
#include "parse/netdev.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseNetDev(text);
  hf::CheckResult(r, text);
  if (r.ok()) FUZZ_CHECK(r.value.size() <= hp::SplitLines(text).size());
  hf::CheckResult(hp::ParseSysfsCounter(text), text);
  if (size >= 33) {
    hp::RawIfAddr raw;
    raw.device = "eth0";
    raw.ipv6 = data[0] & 1;
    std::memcpy(raw.addr.data(), data + 1, 16);
    std::memcpy(raw.netmask.data(), data + 17, 16);
    auto info = hp::MakeAddressInfo(raw);
    FUZZ_CHECK(!info.address.empty());
    auto bits = hp::ParseU64(info.netmask);
    FUZZ_CHECK(bits.has_value() && *bits <= (raw.ipv6 ? 128u : 32u));
  }
  return 0;
}
