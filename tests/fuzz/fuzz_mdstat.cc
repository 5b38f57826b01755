// Fuzzes parse::ParseMdstat (/proc/mdstat).
#include "fuzz_util.h"
#include "parse/mdstat.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseMdstat(text);
  hf::CheckResult(r, text);
  if (r.ok()) {
    for (const auto& m : r.value) {
      FUZZ_CHECK(!m.name.empty());
      // Counted from markers in the text: never negative.
      FUZZ_CHECK(m.disks_failed >= 0 && m.disks_spare >= 0 &&
                 m.disks_down >= 0);
    }
  }
  return 0;
}
