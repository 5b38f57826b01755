#include <array>

#include "parse/per_cpu_counters.h"

namespace host_exporter::parse {

Result<std::vector<PerCpuCounter>> ParseSoftirqs(std::string_view text) {
  using R = Result<std::vector<PerCpuCounter>>;
  static constexpr std::array<std::string_view, 10> kKnown = {
      "HI",       "TIMER",   "NET_TX", "NET_RX",  "BLOCK",
      "IRQ_POLL", "TASKLET", "SCHED",  "HRTIMER", "RCU"};
  const auto lines = SplitLines(text);
  if (lines.empty()) return R::Fail("empty file, expected a CPU header line");
  R r;
  for (size_t n = 1; n < lines.size(); ++n) {
    const auto fields = SplitFields(lines[n]);
    if (fields.size() < 2 || !fields[0].ends_with(':')) continue;
    const std::string_view type = fields[0].substr(0, fields[0].size() - 1);
    bool known = false;
    for (std::string_view k : kKnown) known = known || k == type;
    if (!known) continue;
    PerCpuCounter line{std::string(type), {}};
    for (size_t i = 1; i < fields.size(); ++i) {
      auto v = ParseU64(fields[i]);
      if (!v) {
        return R::Fail(LineError(n, "bad count '" + std::string(fields[i]) +
                                        "' for " + line.name + " on CPU " +
                                        std::to_string(i - 1)));
      }
      line.per_cpu.push_back(*v);
    }
    r.value.push_back(std::move(line));
  }
  return r;
}

}  // namespace host_exporter::parse
