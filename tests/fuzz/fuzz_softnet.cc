// Fuzzes parse::ParseSoftnetStat (/proc/net/softnet_stat).
#include "fuzz_util.h"
#include "parse/softnet.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseSoftnetStat(text);
  hf::CheckResult(r, text);
  if (r.ok()) FUZZ_CHECK(r.value.size() <= hp::SplitLines(text).size());
  return 0;
}
