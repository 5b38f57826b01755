// Fuzzes parse::ParseMounts, parse::UnescapeMountField and
// parse::HasMountOption.
#include "fuzz_util.h"
#include "parse/mounts.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseMounts(text);
  hf::CheckResult(r, text);
  if (r.ok()) {
    FUZZ_CHECK(r.value.size() <= hp::SplitLines(text).size());
    for (const auto& m : r.value) {
      FUZZ_CHECK(!m.fs_type.empty() && !m.options.empty());
      // Options are one field: every option listed is found.
      for (std::string_view o : hp::Split(m.options, ',')) {
        FUZZ_CHECK(hp::HasMountOption(m.options, o));
      }
    }
  }
  // Decoding only shortens ("\040" -> " ").
  const std::string u = hp::UnescapeMountField(text);
  FUZZ_CHECK(u.size() <= text.size());
  if (text.find('\\') == std::string_view::npos) FUZZ_CHECK(u == text);
  return 0;
}
