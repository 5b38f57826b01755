// Fuzzes parse::ParseVmstat (/proc/vmstat).
#include <vector>

#include "fuzz_util.h"
#include "parse/vmstat.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  std::vector<hp::CounterView> out;
  hp::Result<bool> r;
  r.error = hp::ParseVmstat(text, &out);
  hf::CheckResult(r, text);
  if (r.ok()) {
    FUZZ_CHECK(out.size() <= hp::SplitLines(text).size());
    for (const hp::CounterView& c : out) {
      FUZZ_CHECK(c.group.empty());
      FUZZ_CHECK(!c.name.empty());
      FUZZ_CHECK(c.name.find_first_of(" \t\n") == std::string::npos);
      FUZZ_CHECK(hp::ParseDouble(c.value).has_value());
    }
  }
  return 0;
}
