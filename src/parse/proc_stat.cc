#include "parse/proc_stat.h"

#include <algorithm>

namespace host_exporter::parse {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

// Parses an unsigned kernel counter; `what` names it in the error.
bool ParseCounter(std::string_view s, size_t line, std::string_view what,
                  uint64_t* out, std::string* error) {
  if (auto v = ParseU64(s)) {
    *out = *v;
    return true;
  }
  *error = LineError(line, std::string(what) +
                               (AllDigits(s) ? " value out of range: '"
                                             : " value is not a number: '") +
                               std::string(s) + "'");
  return false;
}

// Parses one "cpu"/"cpuN" line's time columns (`columns`, the fields after
// the name), converting USER_HZ ticks to seconds. Tick counts beyond 2^64
// are kept as doubles (they only ever become seconds as doubles anyway).
bool ParseCpuTimes(std::string_view name, std::string_view columns, size_t line,
                   CpuTimes* out, std::string* error) {
  double* slots[] = {&out->user,   &out->nice,      &out->system,  &out->idle,
                     &out->iowait, &out->irq,       &out->softirq, &out->steal,
                     &out->guest,  &out->guest_nice};
  size_t count = 0;  // up to 4: enough to tell a short line
  for (std::string_view c = columns; count < 4 && !NextField(&c).empty();) {
    ++count;
  }
  if (count < 4) {
    *error = LineError(line, "'" + std::string(name) + "' has " +
                                 std::to_string(count) +
                                 " time columns, expected at least 4");
    return false;
  }
  size_t n = 0;  // columns parsed (those after the tenth are ignored)
  for (std::string_view f = NextField(&columns);
       !f.empty() && n < std::size(slots); f = NextField(&columns), ++n) {
    std::optional<double> v = AllDigits(f) ? ParseDouble(f) : std::nullopt;
    if (!v) {
      *error = LineError(
          line, "'" + std::string(name) + "' column " + std::to_string(n + 1) +
                    " is not a number: '" + std::string(f) + "'");
      return false;
    }
    *slots[n] = *v / kUserHz;
  }
  return true;
}

}  // namespace

std::string ParseProcStatInto(std::string_view text, ProcStat* out) {
  ProcStat& st = *out;
  st.total.reset();
  st.cpus.clear();
  st.intr.reset();
  st.ctxt.reset();
  st.btime.reset();
  st.processes.reset();
  st.procs_running.reset();
  st.procs_blocked.reset();
  st.softirq_total.reset();
  st.softirqs.clear();
  if (Trim(text).empty()) return "empty file";
  std::string error;
  // Each line's fields are taken one by one as needed: "intr" has one per
  // interrupt source (thousands on a large machine), and only its first is
  // used.
  for (size_t i = 0; !text.empty(); ++i) {
    const size_t nl = text.find('\n');
    std::string_view rest = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    const std::string_view key = NextField(&rest);
    const std::string_view columns = rest;
    const std::string_view first = NextField(&rest);
    // Like procfs, a line needs at least a key and one value.
    if (first.empty()) continue;
    std::optional<uint64_t>* single = nullptr;
    if (key == "intr") {
      single = &st.intr;
    } else if (key == "ctxt") {
      single = &st.ctxt;
    } else if (key == "btime") {
      single = &st.btime;
    } else if (key == "processes") {
      single = &st.processes;
    } else if (key == "procs_running") {
      single = &st.procs_running;
    } else if (key == "procs_blocked") {
      single = &st.procs_blocked;
    } else if (key == "softirq") {
      uint64_t total = 0;
      if (!ParseCounter(first, i, key, &total, &error)) return error;
      // A second "softirq" line replaces the first, as it always did.
      st.softirqs.clear();
      for (std::string_view f = NextField(&rest); !f.empty();
           f = NextField(&rest)) {
        if (!ParseCounter(f, i, key, &st.softirqs.emplace_back(), &error)) {
          return error;
        }
      }
      st.softirq_total = total;
      continue;
    } else if (key.substr(0, 3) == "cpu") {
      CpuTimes times;
      if (!ParseCpuTimes(key, columns, i, &times, &error)) return error;
      if (key == "cpu") {
        st.total = times;
        continue;
      }
      auto id = ParseU64(key.substr(3));
      if (!id) return LineError(i, "bad CPU name '" + std::string(key) + "'");
      st.cpus.push_back({*id, times});
      continue;
    } else {
      continue;  // a key this exporter does not use (e.g. "page" on 2.4)
    }
    uint64_t v = 0;
    if (!ParseCounter(first, i, key, &v, &error)) return error;
    *single = v;
  }
  return {};
}

Result<ProcStat> ParseProcStat(std::string_view text) {
  Result<ProcStat> r;
  if (std::string why = ParseProcStatInto(text, &r.value); !why.empty()) {
    return Result<ProcStat>::Fail(std::move(why));
  }
  return r;
}

Result<std::vector<CpuInfo>> ParseCpuInfo(std::string_view text) {
  const auto lines = SplitLines(text);
  std::vector<CpuInfo> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    // procfs splits on the first ": "; a line without one ("power
    // management:" with nothing after it) carries no value we use.
    const size_t sep = line.find(": ");
    if (out.empty()) {
      if (Trim(line).empty()) continue;
      if (line.substr(0, 9) != "processor" || sep == std::string_view::npos) {
        return Result<std::vector<CpuInfo>>::Fail(LineError(
            i, "expected a 'processor' line, got '" + std::string(line) + "'"));
      }
    }
    if (sep == std::string_view::npos) continue;
    const std::string_view key = Trim(line.substr(0, sep));
    const std::string_view value = line.substr(sep + 2);
    if (key == "processor") {
      auto n = ParseU64(Trim(value));
      if (!n) {
        return Result<std::vector<CpuInfo>>::Fail(LineError(
            i,
            "processor number is not a number: '" + std::string(value) + "'"));
      }
      out.emplace_back().processor = *n;
      continue;
    }
    if (out.empty()) continue;  // cannot happen: the first line is checked
    CpuInfo& cpu = out.back();
    auto words = [&] {
      std::vector<std::string> v;
      for (std::string_view w : SplitFields(value)) v.emplace_back(w);
      return v;
    };
    if (key == "vendor_id" || key == "vendor") {
      cpu.vendor_id = value;
    } else if (key == "cpu family") {
      cpu.cpu_family = value;
    } else if (key == "model") {
      cpu.model = value;
    } else if (key == "model name") {
      cpu.model_name = value;
    } else if (key == "stepping") {
      cpu.stepping = value;
    } else if (key == "microcode") {
      cpu.microcode = value;
    } else if (key == "cache size") {
      cpu.cache_size = value;
    } else if (key == "physical id") {
      cpu.physical_id = value;
    } else if (key == "core id") {
      cpu.core_id = value;
    } else if (key == "flags" || key == "Features") {
      cpu.flags = words();
    } else if (key == "bugs") {
      cpu.bugs = words();
    }
  }
  if (out.empty()) return Result<std::vector<CpuInfo>>::Fail("empty file");
  return Result<std::vector<CpuInfo>>{std::move(out), ""};
}

Result<std::vector<uint64_t>> ParseCpuList(std::string_view text) {
  constexpr uint64_t kMaxCpus = 65536;
  Result<std::vector<uint64_t>> r;
  const auto lines = SplitLines(text);
  if (lines.size() > 1) {
    return Result<std::vector<uint64_t>>::Fail(
        LineError(1, "expected a single line"));
  }
  if (lines.empty()) return r;
  for (std::string_view item : Split(Trim(lines[0]), ',')) {
    item = Trim(item);
    if (item.empty()) continue;
    auto fail = [&](std::string_view why) {
      return Result<std::vector<uint64_t>>::Fail(
          LineError(0, std::string(why) + ": '" + std::string(item) + "'"));
    };
    const size_t dash = item.find('-');
    std::optional<uint64_t> first, last;
    if (dash == std::string_view::npos) {
      first = last = ParseU64(item);
    } else {
      first = ParseU64(item.substr(0, dash));
      last = ParseU64(item.substr(dash + 1));
    }
    if (!first || !last) return fail("bad CPU range");
    if (*first > *last) return fail("CPU range runs backwards");
    if (*last - *first >= kMaxCpus - r.value.size()) {
      return fail("too many CPUs in list");
    }
    for (uint64_t c = *first; c <= *last; ++c) r.value.push_back(c);
  }
  return r;
}

}  // namespace host_exporter::parse
