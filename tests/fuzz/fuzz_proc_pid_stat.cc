// Fuzzes parse::ParseProcPidStat (/proc/<pid>/stat).
#include "fuzz_util.h"
#include "parse/proc_pid_stat.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseProcPidStat(text);
  hf::CheckResult(r, text);
  if (r.ok()) {
    // comm is between the first '(' and the last ')'.
    const size_t open = text.find('('), close = text.rfind(')');
    FUZZ_CHECK(open != std::string_view::npos &&
               close != std::string_view::npos);
    FUZZ_CHECK(close > open &&
               r.value.comm == text.substr(open + 1, close - open - 1));
    FUZZ_CHECK(!r.value.state.empty());
  }
  return 0;
}
