// Fuzzes the ethtool helpers: ParseEthtoolStrings (count from the first
// byte, data the rest), SanitizeEthtoolStatName and EthtoolMetricName (on
// every name parsed, and on the whole input).
#include "fuzz_util.h"
#include "parse/ethtool.h"
#include "parse/exposition.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

namespace {
void CheckName(std::string_view stat) {
  const std::string s = hp::SanitizeEthtoolStatName(stat);
  FUZZ_CHECK(hf::AllIn(s));
  const std::string m = hp::EthtoolMetricName(stat);
  // BuildFQName("node", "ethtool", "") is "node_ethtool".
  FUZZ_CHECK(m.rfind("node_ethtool_", 0) == 0 || m == "node_ethtool");
  FUZZ_CHECK(hp::IsValidMetricName(m));
  for (char c : m) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = hf::AsText(data, size);
  const std::string_view all = in;
  const size_t count = hf::TakeByte(&in);
  auto r = hp::ParseEthtoolStrings(in, count);
  hf::CheckResult(r, in);
  FUZZ_CHECK(r.ok() == (in.size() >= count * 32));
  if (r.ok()) {
    FUZZ_CHECK(r.value.size() == count);
    for (const auto& s : r.value) {
      FUZZ_CHECK(s.size() <= 32);
      FUZZ_CHECK(s.find('\0') == std::string::npos);
      CheckName(s);
    }
  }
  CheckName(all);
  return 0;
}
