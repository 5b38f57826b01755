// Fuzzes parse::ParseConntrackStat (/proc/net/stat/nf_conntrack).
#include "fuzz_util.h"
#include "parse/conntrack_stat.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseConntrackStat(text);
  hf::CheckResult(r, text);
  // One entry per line after the header.
  if (r.ok()) FUZZ_CHECK(r.value.size() <= hp::SplitLines(text).size());
  return 0;
}
