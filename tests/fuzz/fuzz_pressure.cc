// Fuzzes parse::ParsePressure (/proc/pressure/*).
#include "fuzz_util.h"
#include "parse/pressure.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParsePressure(text);
  hf::CheckResult(r, text);
  if (r.ok() && text.find("some") == std::string_view::npos) {
    FUZZ_CHECK(!r.value.some.has_value());
  }
  if (r.ok() && text.find("full") == std::string_view::npos) {
    FUZZ_CHECK(!r.value.full.has_value());
  }
  return 0;
}
