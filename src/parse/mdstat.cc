#include "parse/mdstat.h"

#include <optional>

namespace host_exporter::parse {
namespace {

bool Contains(std::string_view s, std::string_view what) {
  return s.find(what) != std::string_view::npos;
}

int64_t Count(std::string_view s, std::string_view what) {
  int64_t n = 0;
  for (size_t pos = s.find(what); pos != std::string_view::npos;
       pos = s.find(what, pos + what.size())) {
    ++n;
  }
  return n;
}

// The length of the run of digits at s[pos], 0 if none.
size_t DigitsAt(std::string_view s, size_t pos) {
  size_t end = pos;
  while (end < s.size() && IsDigit(s[end])) ++end;
  return end - pos;
}

// "[total/active] [UU_]" at s[pos], as matched by procfs'
// `\[(\d+)/(\d+)\] \[([U_]+)\]`.
struct DiskMap {
  std::string_view total, active, flags;
};
std::optional<DiskMap> DiskMapAt(std::string_view s, size_t pos) {
  DiskMap m;
  if (pos >= s.size() || s[pos] != '[') return std::nullopt;
  size_t i = pos + 1;
  size_t n = DigitsAt(s, i);
  if (n == 0) return std::nullopt;
  m.total = s.substr(i, n);
  i += n;
  if (i >= s.size() || s[i] != '/') return std::nullopt;
  ++i;
  n = DigitsAt(s, i);
  if (n == 0) return std::nullopt;
  m.active = s.substr(i, n);
  i += n;
  if (s.substr(i, 3) != "] [") return std::nullopt;
  i += 3;
  size_t start = i;
  while (i < s.size() && (s[i] == 'U' || s[i] == '_')) ++i;
  if (i == start || i >= s.size() || s[i] != ']') return std::nullopt;
  m.flags = s.substr(start, i - start);
  return m;
}

// procfs' `(\d+) blocks .*\[(\d+)/(\d+)\] \[([U_]+)\]`: the first
// "<n> blocks " followed anywhere by a disk map, and the last such map
// (the `.*` is greedy).
std::optional<DiskMap> FindDiskMap(std::string_view s) {
  constexpr std::string_view kBlocks = " blocks ";
  for (size_t b = s.find(kBlocks); b != std::string_view::npos;
       b = s.find(kBlocks, b + 1)) {
    if (b == 0 || !IsDigit(s[b - 1])) continue;
    size_t from = b + kBlocks.size();
    for (size_t j = s.size(); j-- > from;) {
      if (auto m = DiskMapAt(s, j)) return m;
    }
  }
  return std::nullopt;
}

struct StatusCounts {
  int64_t active = 0, total = 0, down = 0, size = 0;
};

Result<StatusCounts> EvalStatusLine(std::string_view device_line,
                                    std::string_view status_line) {
  auto fields = SplitFields(status_line);
  if (fields.empty()) {
    return Result<StatusCounts>::Fail("unexpected status line '" +
                                      std::string(status_line) + "'");
  }
  StatusCounts c;
  auto size = ParseI64(fields[0]);
  if (!size) {
    return Result<StatusCounts>::Fail("unexpected status line '" +
                                      std::string(status_line) + "'");
  }
  c.size = *size;
  Result<StatusCounts> r;
  if (Contains(device_line, "raid0") || Contains(device_line, "linear")) {
    // Only member disks carry a "[n]" on the device line.
    c.total = c.active = Count(device_line, "[");
    r.value = c;
    return r;
  }
  if (Contains(device_line, "inactive")) {
    r.value = c;
    return r;
  }
  auto map = FindDiskMap(status_line);
  std::optional<int64_t> total, active;
  if (map) {
    total = ParseI64(map->total);
    active = ParseI64(map->active);
  }
  if (!total || !active) {
    return Result<StatusCounts>::Fail("no [total/active] [U_] map in '" +
                                      std::string(status_line) + "'");
  }
  c.total = *total;
  c.active = *active;
  c.down = Count(map->flags, "_");
  r.value = c;
  return r;
}

// The text after `prefix` up to the last `end` char (at least one char), as
// procfs' greedy `prefix(.+)X` expressions capture it.
std::optional<std::string_view> GreedyCapture(
    std::string_view s, std::string_view prefix,
    std::optional<std::string_view> end_str, bool end_upper) {
  size_t p = s.find(prefix);
  if (p == std::string_view::npos) return std::nullopt;
  size_t from = p + prefix.size();
  size_t q = std::string_view::npos;
  if (end_upper) {
    for (size_t j = s.size(); j-- > from + 1;) {
      if (s[j] >= 'A' && s[j] <= 'Z') {
        q = j;
        break;
      }
    }
  } else {
    q = s.rfind(*end_str);
    if (q != std::string_view::npos && q < from + 1) q = std::string_view::npos;
  }
  if (q == std::string_view::npos) return std::nullopt;
  return s.substr(from, q - from);
}

struct SyncProgress {
  int64_t synced = 0;
  double percent = 0, finish = 0, speed = 0;
};

// "[==>....]  recovery = 12.6% (37416/296960) finish=0.3min speed=2K/sec".
Result<SyncProgress> EvalSyncLine(std::string_view line) {
  auto fail = [&](std::string_view what) {
    return Result<SyncProgress>::Fail(std::string(what) + " in sync line '" +
                                      std::string(Trim(line)) + "'");
  };
  SyncProgress p;
  // `\((\d+)/\d+\)`: the first "(done/total)".
  std::optional<int64_t> synced;
  for (size_t i = line.find('('); i != std::string_view::npos && !synced;
       i = line.find('(', i + 1)) {
    size_t n = DigitsAt(line, i + 1);
    if (n == 0 || i + 1 + n >= line.size() || line[i + 1 + n] != '/') continue;
    size_t m = DigitsAt(line, i + 2 + n);
    if (m == 0 || i + 2 + n + m >= line.size() || line[i + 2 + n + m] != ')') {
      continue;
    }
    synced = ParseI64(line.substr(i + 1, n));
    if (!synced) return fail("block count out of range");
  }
  if (!synced) return fail("no (done/total) block counts");
  p.synced = *synced;

  auto pct = GreedyCapture(line, "= ", "%", false);
  auto pct_v = pct ? ParseDouble(Trim(*pct)) : std::nullopt;
  if (!pct_v) return fail("no percentage");
  p.percent = *pct_v;
  auto finish = GreedyCapture(line, "finish=", "min", false);
  auto finish_v = finish ? ParseDouble(*finish) : std::nullopt;
  if (!finish_v) return fail("no finish time");
  p.finish = *finish_v;
  auto speed = GreedyCapture(line, "speed=", std::nullopt, true);
  auto speed_v = speed ? ParseDouble(*speed) : std::nullopt;
  if (!speed_v) return fail("no speed");
  p.speed = *speed_v;
  Result<SyncProgress> r;
  r.value = p;
  return r;
}

}  // namespace

Result<std::vector<MdStat>> ParseMdstat(std::string_view text) {
  using R = Result<std::vector<MdStat>>;
  // Split (not SplitLines): the trailing empty line counts when checking
  // that a device has enough lines after it, as in procfs.
  std::vector<std::string_view> lines = Split(text, '\n');
  R r;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (Trim(line).empty() || line[0] == ' ' ||
        line.substr(0, 13) == "Personalities" ||
        line.substr(0, 6) == "unused") {
      continue;
    }
    auto fields = SplitFields(line);
    if (fields.size() < 3) {
      return R::Fail(LineError(i, "expected at least 3 fields in md line"));
    }
    MdStat md;
    md.name = std::string(fields[0]);
    md.activity_state = std::string(fields[2]);
    if (lines.size() <= i + 3) {
      return R::Fail(LineError(i, "too few lines for md device " + md.name));
    }
    md.disks_failed = Count(line, "(F)");
    md.disks_spare = Count(line, "(S)");
    auto status = EvalStatusLine(line, lines[i + 1]);
    if (!status.ok()) return R::Fail(LineError(i + 1, status.error));
    md.disks_active = status.value.active;
    md.disks_total = status.value.total;
    md.disks_down = status.value.down;
    md.blocks_total = status.value.size;
    md.blocks_synced = md.blocks_total;

    size_t sync_idx = i + 2;
    if (Contains(lines[i + 2], "bitmap")) ++sync_idx;
    std::string_view sync = lines[sync_idx];
    bool recovering = Contains(sync, "recovery");
    bool resyncing = Contains(sync, "resync");
    bool checking = Contains(sync, "check");
    if (recovering || resyncing || checking) {
      md.activity_state = recovering ? "recovering"
                          : checking ? "checking"
                                     : "resyncing";
      if (Contains(sync, "PENDING") || Contains(sync, "DELAYED")) {
        md.blocks_synced = 0;
      } else {
        auto p = EvalSyncLine(sync);
        if (!p.ok()) return R::Fail(LineError(sync_idx, p.error));
        md.blocks_synced = p.value.synced;
        md.synced_percent = p.value.percent;
        md.finish_minutes = p.value.finish;
        md.speed_kib = p.value.speed;
      }
    }
    r.value.push_back(std::move(md));
  }
  return r;
}

}  // namespace host_exporter::parse
