// Fuzzes parse::ParseArp (/proc/net/arp).
#include "fuzz_util.h"
#include "parse/arp.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseArp(text);
  hf::CheckResult(r, text);
  if (r.ok()) {
    FUZZ_CHECK(r.value.size() <= hp::SplitLines(text).size());
    for (const auto& e : r.value) {
      // Entries are whitespace-separated fields: never empty, no blanks.
      FUZZ_CHECK(!e.ip.empty() && !e.hw_address.empty() && !e.device.empty());
      FUZZ_CHECK(e.device.find_first_of(" \t\n") == std::string::npos);
    }
  }
  return 0;
}
