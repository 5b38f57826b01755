// Fuzzes parse::ParseNetstat (/proc/net/netstat, snmp) and parse::ParseSnmp6.
#include "fuzz_util.h"
#include "parse/netstat.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  hf::CheckResult(hp::ParseNetstat(text), text);
  auto s6 = hp::ParseSnmp6(text);
  hf::CheckResult(s6, text);
  if (s6.ok()) {
    for (const auto& [proto, counters] : s6.value) {
      // The protocol is the name up to and including its first '6'.
      FUZZ_CHECK(!proto.empty() && proto.back() == '6');
      FUZZ_CHECK(proto.find('6') == proto.size() - 1);
    }
  }
  return 0;
}
