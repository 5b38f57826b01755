// Fuzzes the bcache parsers: Dehumanize, DehumanizeSigned, ParseBcacheValue,
// ParseWritebackRateDebug and ParsePriorityStats, all on the same input.
#include "fuzz_util.h"
#include "parse/bcache.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto u = hp::Dehumanize(text);
  hf::CheckResult(u, text);
  auto s = hp::DehumanizeSigned(text);
  hf::CheckResult(s, text);
  // Without a sign both read the same number (when it fits int64).
  if (u.ok() && s.ok() && !text.empty() && text[0] != '-' &&
      u.value <= static_cast<uint64_t>(INT64_MAX)) {
    FUZZ_CHECK(static_cast<uint64_t>(s.value) == u.value);
  }
  auto v = hp::ParseBcacheValue(text);
  hf::CheckResult(v, text);
  if (text.empty()) FUZZ_CHECK(!v.ok());
  hf::CheckResult(hp::ParseWritebackRateDebug(text), text);
  auto p = hp::ParsePriorityStats(text);
  hf::CheckResult(p, text);
  return 0;
}
