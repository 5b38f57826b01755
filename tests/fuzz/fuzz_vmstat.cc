// Fuzzes parse::ParseVmstat (/proc/vmstat).
#include "fuzz_util.h"
#include "parse/vmstat.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseVmstat(text);
  hf::CheckResult(r, text);
  if (r.ok()) {
    FUZZ_CHECK(r.value.size() <= hp::SplitLines(text).size());
    for (const auto& [name, v] : r.value) {
      FUZZ_CHECK(!name.empty());
      FUZZ_CHECK(name.find_first_of(" \t\n") == std::string::npos);
    }
  }
  return 0;
}
