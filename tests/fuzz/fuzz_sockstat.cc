// Fuzzes parse::ParseSockstat (/proc/net/sockstat, sockstat6).
#include "fuzz_util.h"
#include "parse/sockstat.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseSockstat(text);
  hf::CheckResult(r, text);
  if (r.ok()) {
    FUZZ_CHECK(r.value.protocols.size() <= hp::SplitLines(text).size());
    // procfs only trims one trailing ':' of the first field, so "A:b:"
    // is protocol "A:b": nothing more to check on names.
  }
  return 0;
}
