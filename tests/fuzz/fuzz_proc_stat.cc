// Fuzzes parse::ParseProcStat, parse::ParseCpuInfo and parse::ParseCpuList.
#include "fuzz_util.h"
#include "parse/proc_stat.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto s = hp::ParseProcStat(text);
  hf::CheckResult(s, text);
  if (s.ok()) {
    FUZZ_CHECK(s.value.cpus.size() <= hp::SplitLines(text).size());
    FUZZ_CHECK(s.value.softirqs.size() <= text.size());
  }
  auto c = hp::ParseCpuInfo(text);
  hf::CheckResult(c, text);
  auto l = hp::ParseCpuList(text);
  hf::CheckResult(l, text);
  if (l.ok()) {
    // A range covers at most 65536 CPUs; ranges are comma-separated.
    size_t commas = 0;
    for (char ch : text) commas += ch == ',';
    FUZZ_CHECK(l.value.size() <= (commas + 1) * 65536);
  }
  return 0;
}
