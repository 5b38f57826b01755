// Fuzzes parse::ParseMeminfo (/proc/meminfo).
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "parse/meminfo.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseMeminfo(text);
  hf::CheckResult(r, text);
  if (r.ok()) {
    for (const auto& f : r.value) {
      // The key views the text: a name without its colon, no blank in it.
      FUZZ_CHECK(!f.key.empty());
      FUZZ_CHECK(f.key.data() >= text.data() &&
                 f.key.data() + f.key.size() <= text.data() + text.size());
      FUZZ_CHECK(f.key.find_first_of(" \t") == std::string_view::npos);
      // Only a matched "(x)" becomes "_x" (Go: regexp `\((.*)\)`, from
      // the first '(' to the last ')'): no '(' with a ')' after it is left.
      const std::string name = hp::MeminfoFieldName(f);
      const size_t open = name.find('(');
      FUZZ_CHECK(open == std::string::npos ||
                 name.find(')', open) == std::string::npos);
    }
  }
  return 0;
}
