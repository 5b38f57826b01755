// Fuzzes parse::ParseMeminfo (/proc/meminfo).
#include <set>

#include "fuzz_util.h"
#include "parse/meminfo.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseMeminfo(text);
  hf::CheckResult(r, text);
  if (r.ok()) {
    std::set<std::string> names;
    for (const auto& f : r.value) {
      // A name seen twice keeps one position.
      FUZZ_CHECK(names.insert(f.name).second);
      // Only a matched "(x)" becomes "_x" (Go: regexp `\((.*)\)`, from
      // the first '(' to the last ')'): no '(' with a ')' after it is left.
      const size_t open = f.name.find('(');
      FUZZ_CHECK(open == std::string::npos ||
                 f.name.find(')', open) == std::string::npos);
    }
  }
  return 0;
}
