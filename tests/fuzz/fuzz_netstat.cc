// Fuzzes parse::ParseNetstat (/proc/net/netstat, snmp) and parse::ParseSnmp6,
// each alone and after the other (a later text's protocols replace an
// earlier one's).
#include <vector>

#include "fuzz_util.h"
#include "parse/netstat.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

namespace {

// Every counter views `text`, and its value is a number.
void CheckCounters(const std::vector<hp::CounterView>& counters,
                   std::string_view text) {
  for (const hp::CounterView& c : counters) {
    FUZZ_CHECK(c.value.data() >= text.data() &&
               c.value.data() + c.value.size() <= text.data() + text.size());
    FUZZ_CHECK(hp::ParseDouble(c.value).has_value());
  }
}

hp::Result<bool> AsResult(std::string error) {
  hp::Result<bool> r;
  r.error = std::move(error);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  std::vector<hp::CounterView> counters;
  auto netstat = AsResult(hp::ParseNetstat(text, &counters));
  hf::CheckResult(netstat, text);
  if (netstat.ok()) CheckCounters(counters, text);
  std::vector<hp::CounterView> alone;
  auto s6 = AsResult(hp::ParseSnmp6(text, &alone));
  hf::CheckResult(s6, text);
  if (s6.ok()) CheckCounters(alone, text);
  for (const hp::CounterView& c : alone) {
    // The protocol (of every counter appended, a bad value's too) is the name
    // up to and including its first '6'.
    FUZZ_CHECK(!c.group.empty() && c.group.back() == '6');
    FUZZ_CHECK(c.group.find('6') == c.group.size() - 1);
  }
  if (netstat.ok() && s6.ok()) {
    // After the first text's counters, snmp6's replace those of its
    // protocols and keep the others.
    size_t kept = 0;
    for (const hp::CounterView& c : counters) {
      bool replaced = false;
      for (const hp::CounterView& a : alone) replaced |= a.group == c.group;
      kept += !replaced;
    }
    const size_t first = counters.size();
    hf::CheckResult(AsResult(hp::ParseSnmp6(text, &counters)), text);
    FUZZ_CHECK(counters.size() == kept + alone.size());
    FUZZ_CHECK(first >= kept);
  }
  return 0;
}
