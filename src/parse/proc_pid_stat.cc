#include "parse/proc_pid_stat.h"

namespace host_exporter::parse {

Result<ProcPidStat> ParseProcPidStat(std::string_view text) {
  const size_t l = text.find('(');
  const size_t r = text.rfind(')');
  if (l == std::string_view::npos || r == std::string_view::npos || r < l) {
    return Result<ProcPidStat>::Fail(
        "unexpected format, couldn't extract comm");
  }
  Result<ProcPidStat> out;
  out.value.comm = std::string(text.substr(l + 1, r - l - 1));
  // Everything after ") " on the first line.
  std::string_view rest = text.substr(r + 1);
  const size_t nl = rest.find('\n');
  if (nl != std::string_view::npos) rest = rest.substr(0, nl);
  const auto f = SplitFields(rest);
  // state, then 39 numbers up to delayacct_blkio_ticks (field 42).
  constexpr size_t kNeeded = 40;
  if (f.size() < kNeeded) {
    return Result<ProcPidStat>::Fail(
        "expected at least " + std::to_string(kNeeded) +
        " fields after the command, got " + std::to_string(f.size()));
  }
  for (size_t i = 1; i < kNeeded; ++i) {
    if (!ParseI64(f[i]) && !ParseU64(f[i])) {
      return Result<ProcPidStat>::Fail("field " + std::to_string(i + 3) +
                                       " is not an integer: '" +
                                       std::string(f[i]) + "'");
    }
  }
  auto threads = ParseI64(f[17]);
  if (!threads) {
    return Result<ProcPidStat>::Fail("num_threads is out of range: '" +
                                     std::string(f[17]) + "'");
  }
  out.value.state = std::string(f[0]);
  out.value.num_threads = *threads;
  return out;
}

}  // namespace host_exporter::parse
