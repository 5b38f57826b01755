// Fuzzes parse::ParseDiskstats and parse::ParseUdevProperties.
#include "fuzz_util.h"
#include "parse/diskstats.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseDiskstats(text);
  hf::CheckResult(r, text);
  if (r.ok()) {
    FUZZ_CHECK(r.value.size() <= hp::SplitLines(text).size());
    for (const auto& d : r.value) {
      // Lines with fewer than 14 fields are skipped: at least 11 counters.
      FUZZ_CHECK(d.count >= 11 && d.count <= hp::kDiskStatCount);
      FUZZ_CHECK(!d.name.empty());
      for (size_t i = d.count; i < hp::kDiskStatCount; ++i) {
        FUZZ_CHECK(d.stats[i] == 0);
      }
    }
  }
  auto u = hp::ParseUdevProperties(text);
  FUZZ_CHECK(u.ok());  // documented never to fail
  for (const auto& [k, v] : u.value) {
    FUZZ_CHECK(k.find('=') == std::string::npos);
    FUZZ_CHECK(k.find('\n') == std::string::npos);
    FUZZ_CHECK(v.find('\n') == std::string::npos);
  }
  return 0;
}
