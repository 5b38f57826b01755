// Fuzzes parse::ParseInterrupts (/proc/interrupts).
#include <set>

#include "fuzz_util.h"
#include "parse/interrupts.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseInterrupts(text);
  hf::CheckResult(r, text);
  if (r.ok()) {
    std::set<std::string> names;
    for (const auto& i : r.value) {
      // Every line has one count per CPU column of the header.
      FUZZ_CHECK(i.per_cpu.size() == r.value.front().per_cpu.size());
      // A name that appears twice keeps only its last line.
      FUZZ_CHECK(names.insert(i.name).second);
    }
  }
  return 0;
}
