// Fuzzes parse::ParseProcNetRoute and parse::ParseProcIpv6Route.
#include "fuzz_util.h"
#include "parse/net_route.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto v4 = hp::ParseProcNetRoute(text);
  hf::CheckResult(v4, text);
  if (v4.ok()) {
    for (const auto& r : v4.value) {
      FUZZ_CHECK(r.dst.size() == 4 && r.gateway.size() == 4);
      FUZZ_CHECK(r.dst_len <= 32);  // the mask must be a prefix
    }
  }
  auto v6 = hp::ParseProcIpv6Route(text);
  hf::CheckResult(v6, text);
  if (v6.ok()) {
    for (const auto& r : v6.value) FUZZ_CHECK(r.dst.size() == 16);
  }
  return 0;
}
