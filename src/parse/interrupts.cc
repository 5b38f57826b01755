#include "parse/interrupts.h"

#include <map>

namespace host_exporter::parse {
namespace {

std::string Join(const std::vector<std::string_view>& f, size_t from) {
  std::string out;
  for (size_t i = from; i < f.size(); ++i) {
    if (!out.empty()) out.push_back(' ');
    out.append(f[i]);
  }
  return out;
}

}  // namespace

Result<std::vector<Interrupt>> ParseInterrupts(std::string_view text) {
  using R = Result<std::vector<Interrupt>>;
  const auto lines = SplitLines(text);
  if (lines.empty()) return R::Fail("empty file");
  const size_t cpus = SplitFields(lines[0]).size();  // "CPU0 CPU1 ..."
  std::map<std::string, size_t> index;  // name -> position in r.value
  R r;
  for (size_t n = 1; n < lines.size(); ++n) {
    const auto f = SplitFields(lines[n]);
    if (f.size() < cpus + 2) continue;  // ERR:, MIS: and other short lines
    Interrupt irq;
    irq.name = std::string(f[0].substr(0, f[0].size() - 1));  // drop ':'
    for (size_t i = 1; i <= cpus; ++i) {
      auto v = ParseDouble(f[i]);
      if (!v) {
        return R::Fail(LineError(n, "count for CPU" + std::to_string(i - 1) +
                                        " is not a number: '" +
                                        std::string(f[i]) + "'"));
      }
      irq.per_cpu.push_back(*v);
    }
    if (ParseI64(irq.name)) {  // numbered: chip, then hwirq and actions
      irq.info = std::string(f[cpus + 1]);
      irq.devices = Join(f, cpus + 2);
    } else {
      irq.info = Join(f, cpus + 1);
    }
    auto [it, inserted] = index.emplace(irq.name, r.value.size());
    if (inserted) {
      r.value.push_back(std::move(irq));
    } else {
      r.value[it->second] = std::move(irq);
    }
  }
  return r;
}

}  // namespace host_exporter::parse
