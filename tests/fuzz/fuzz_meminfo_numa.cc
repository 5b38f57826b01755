// Fuzzes parse::ParseNumaMeminfo and parse::ParseNumastat.
#include "fuzz_util.h"
#include "parse/meminfo_numa.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto m = hp::ParseNumaMeminfo(text);
  hf::CheckResult(m, text);
  if (m.ok()) {
    for (const auto& f : m.value) {
      // Only a matched "(x)" becomes "_x" (Go: regexp `\((.*)\)`).
      FUZZ_CHECK(f.name.find('\n') == std::string::npos);
    }
  }
  auto s = hp::ParseNumastat(text);
  hf::CheckResult(s, text);
  if (s.ok()) FUZZ_CHECK(s.value.size() <= hp::SplitLines(text).size());
  return 0;
}
