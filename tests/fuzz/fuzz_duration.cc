// Fuzzes parse::ParseDuration and parse::FormatDuration: a parsed duration
// is never negative and survives Format -> Parse unchanged (as Go's
// time.ParseDuration(d.String()) == d).
#include <chrono>
#include <cstring>

#include "fuzz_util.h"
#include "parse/duration.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseDuration(text);
  hf::CheckResult(r, text);
  if (r.ok()) {
    FUZZ_CHECK(r.value.count() >= 0);
    const std::string s = hp::FormatDuration(r.value);
    auto back = hp::ParseDuration(s);
    FUZZ_CHECK(back.ok());
    FUZZ_CHECK(back.value == r.value);
  }
  // Any int64 (from the first 8 bytes) formats; non-negative ones parse back.
  if (size >= 8) {
    int64_t ns;
    std::memcpy(&ns, data, sizeof ns);
    const std::string s = hp::FormatDuration(std::chrono::nanoseconds(ns));
    FUZZ_CHECK(!s.empty());
    if (ns >= 0) {
      auto back = hp::ParseDuration(s);
      FUZZ_CHECK(back.ok());
      FUZZ_CHECK(back.value.count() == ns);
    } else {
      FUZZ_CHECK(s[0] == '-');
    }
  }
  return 0;
}
