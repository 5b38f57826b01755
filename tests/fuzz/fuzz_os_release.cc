// Fuzzes parse::ParseEnvFile (os-release) and parse::OsVersionNumber.
#include <cmath>

#include "fuzz_util.h"
#include "parse/os_release.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseEnvFile(text);
  hf::CheckResult(r, text);
  if (r.ok()) {
    for (const auto& [k, v] : r.value) {
      FUZZ_CHECK(!k.empty());
      FUZZ_CHECK(k.find_first_of("= \t\n#'\"") == std::string::npos);
      const double n = hp::OsVersionNumber(v);
      FUZZ_CHECK(n >= 0);  // +Inf for absurdly many digits; never NaN
    }
  }
  const double n = hp::OsVersionNumber(text);
  FUZZ_CHECK(n >= 0);
  if (text.empty() || !hp::IsDigit(text[0])) FUZZ_CHECK(n == 0);
  return 0;
}
