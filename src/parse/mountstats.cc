#include "parse/mountstats.h"

#include <array>
#include <optional>
#include <string>
#include <utility>

namespace host_exporter::parse {
namespace {

using Fields = std::vector<std::string_view>;

// Parses every field of `f` from `first` on as an unsigned 64-bit number.
bool ParseAll(const Fields& f, size_t first, std::vector<uint64_t>* out,
              std::string* err) {
  for (size_t i = first; i < f.size(); ++i) {
    auto v = ParseU64(f[i]);
    if (!v) {
      *err = "'" + std::string(f[i]) + "' is not an unsigned integer";
      return false;
    }
    out->push_back(*v);
  }
  return true;
}

// The age in seconds: "[+-]digits[.digits]", within the range of Go's
// time.Duration (what procfs parses it into).
std::optional<double> ParseAge(std::string_view s) {
  std::string_view body = s;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    body.remove_prefix(1);
  }
  size_t digits = 0, dots = 0;
  for (char c : body) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '.') {
      ++dots;
    } else {
      return std::nullopt;
    }
  }
  if (digits == 0 || dots > 1) return std::nullopt;
  std::string normalized(s);
  if (!normalized.empty() && normalized[0] == '+') normalized.erase(0, 1);
  auto v = ParseDouble(normalized);
  if (!v || *v > 9223372036.854775807 || *v < -9223372036.854775807) {
    return std::nullopt;
  }
  return v;
}

bool ParseTransport(const Fields& f, const std::string& version,
                    NfsTransportStats* t, std::string* err) {
  // f[0] is "xprt:", f[1] the protocol.
  const std::string_view protocol = f[1];
  size_t want = 0;
  if (version == "1.0" || version == "1.1") {
    bool v11 = version == "1.1";
    if (protocol == "tcp") {
      want = v11 ? 13 : 10;
    } else if (protocol == "udp") {
      want = v11 ? 10 : 7;
    } else {
      *err = "unknown transport protocol '" + std::string(protocol) + "'";
      return false;
    }
  } else {
    *err = "unknown statistics version '" + version + "'";
    return false;
  }
  if (f.size() - 2 != want) {
    *err = "transport line needs " + std::to_string(want) + " values for " +
           std::string(protocol) + " in version " + version + ", got " +
           std::to_string(f.size() - 2);
    return false;
  }
  std::vector<uint64_t> ns;
  if (!ParseAll(f, 2, &ns, err)) return false;
  ns.resize(13, 0);
  // UDP has no connect count, connect idle time nor idle time.
  if (protocol == "udp") ns.insert(ns.begin() + 2, 3, 0);
  t->protocol = std::string(protocol);
  uint64_t* out[] = {&t->port,
                     &t->bind,
                     &t->connect,
                     &t->connect_idle_time,
                     &t->idle_time_seconds,
                     &t->sends,
                     &t->receives,
                     &t->bad_transaction_ids,
                     &t->cumulative_active_requests,
                     &t->cumulative_backlog,
                     &t->maximum_rpc_slots_used,
                     &t->cumulative_sending_queue,
                     &t->cumulative_pending_queue};
  for (size_t i = 0; i < 13; ++i) *out[i] = ns[i];
  return true;
}

// Reads the statistics of an NFS mount from lines[*i] on; *i ends after
// the blank line that closes them.
bool ParseNfsStats(const std::vector<std::string_view>& lines, size_t* i,
                   NfsMountStats* s, std::string* err) {
  // Header lines up to a blank line or the per-op block.
  while (*i < lines.size()) {
    Fields f = SplitFields(lines[(*i)++]);
    if (f.empty()) break;
    const std::string_view key = f[0];
    if (key == "opts:" || key == "age:" || key == "bytes:" ||
        key == "events:") {
      if (f.size() < 2) {
        *err = "'" + std::string(key) + "' has no value";
        return false;
      }
    }
    if (key == "age:") {
      auto age = ParseAge(f[1]);
      if (!age) {
        *err = "invalid age '" + std::string(f[1]) + "'";
        return false;
      }
      s->age_seconds = *age;
    } else if (key == "bytes:" || key == "events:") {
      const size_t want = key == "bytes:" ? s->bytes.size() : s->events.size();
      if (f.size() - 1 != want) {
        *err = "'" + std::string(key) + "' needs " + std::to_string(want) +
               " values, got " + std::to_string(f.size() - 1);
        return false;
      }
      std::vector<uint64_t> v;
      if (!ParseAll(f, 1, &v, err)) return false;
      uint64_t* out = key == "bytes:" ? s->bytes.data() : s->events.data();
      for (size_t k = 0; k < want; ++k) out[k] = v[k];
    } else if (key == "xprt:") {
      if (f.size() < 3) {
        *err = "'xprt:' needs a protocol and values";
        return false;
      }
      if (!ParseTransport(f, s->stat_version, &s->transport, err)) {
        return false;
      }
    } else if (key == "per-op") {
      break;
    }
  }
  // Per-operation lines up to the next blank line.
  while (*i < lines.size()) {
    Fields f = SplitFields(lines[(*i)++]);
    if (f.empty()) break;
    if (f.size() < 9) {
      *err = "per-op line needs at least 8 values, got " +
             std::to_string(f.size() - 1);
      return false;
    }
    std::vector<uint64_t> v;
    if (!ParseAll(f, 1, &v, err)) return false;
    NfsOperationStats op;
    op.operation = std::string(f[0]);
    if (!op.operation.empty() && op.operation.back() == ':') {
      op.operation.pop_back();
    }
    op.requests = v[0];
    op.transmissions = v[1];
    op.major_timeouts = v[2];
    op.bytes_sent = v[3];
    op.bytes_received = v[4];
    op.queue_ms = v[5];
    op.response_ms = v[6];
    op.request_ms = v[7];
    if (v.size() > 8) op.errors = v[8];
    s->operations.push_back(std::move(op));
  }
  return true;
}

}  // namespace

Result<std::vector<MountStatsEntry>> ParseMountStats(std::string_view text) {
  using R = Result<std::vector<MountStatsEntry>>;
  R r;
  auto lines = SplitLines(text);
  size_t i = 0;
  while (i < lines.size()) {
    const size_t line_no = i;
    Fields f = SplitFields(lines[i++]);
    if (f.empty() || f[0] != "device") continue;
    if (f.size() < 8 || f[2] != "mounted" || f[3] != "on" || f[5] != "with" ||
        f[6] != "fstype") {
      return R::Fail(LineError(
          line_no,
          "expected 'device <dev> mounted on <dir> with fstype <type>'"));
    }
    MountStatsEntry e;
    e.device = std::string(f[1]);
    e.mount_point = std::string(f[4]);
    e.fs_type = std::string(f[7]);
    if (f.size() > 8) {
      if (e.fs_type != "nfs" && e.fs_type != "nfs4") {
        return R::Fail(LineError(
            line_no, "cannot parse statistics of fstype '" + e.fs_type + "'"));
      }
      std::string_view version = f[8];
      if (version.substr(0, 9) == "statvers=") version.remove_prefix(9);
      e.nfs.stat_version = std::string(version);
      std::string err;
      size_t start = i;
      if (!ParseNfsStats(lines, &i, &e.nfs, &err)) {
        // i is one past the line at fault.
        return R::Fail(LineError(i > start ? i - 1 : start, err));
      }
      e.has_nfs_stats = true;
    }
    r.value.push_back(std::move(e));
  }
  return r;
}

Result<std::vector<MountInfoEntry>> ParseMountInfo(std::string_view text) {
  return ParseLines<std::vector<MountInfoEntry>>(
      text,
      [&](size_t, std::string_view line,
          std::vector<MountInfoEntry>* out) -> std::string {
        // Fields split on single spaces (empty ones kept): the first six
        // and the last four are used, so only those are kept.
        std::array<std::string_view, 6> head;
        std::array<std::string_view, 4> tail;  // by n % 4
        size_t n = 0;
        for (size_t start = 0;; ++n) {
          const size_t end = line.find(' ', start);
          const std::string_view f = line.substr(start, end - start);
          if (n < head.size()) head[n] = f;
          tail[n % 4] = f;
          if (end == std::string_view::npos) break;
          start = end + 1;
        }
        ++n;
        if (n < 10) {
          return "expected at least 10 fields, got " + std::to_string(n);
        }
        // Field n - k is tail[(n - k) % 4].
        auto last = [&](size_t k) { return tail[(n - k) % 4]; };
        if (last(4) != "-") {
          return "no '-' separator before the fstype";
        }
        if (!ParseI64(head[0]) || !ParseI64(head[1])) {
          return "mount and parent IDs must be numbers";
        }
        out->push_back({head[2], head[4], head[5], last(3), last(2), last(1)});
        return {};
      });
}

std::optional<std::string_view> MountOptionValue(std::string_view options,
                                                 std::string_view key) {
  std::optional<std::string_view> value;
  for (std::string_view opt : Split(options, ',')) {
    const size_t eq = opt.find('=');
    if (opt.substr(0, eq) != key) continue;
    // "a=b=c" is "b" (procfs splits on every '=').
    value = eq == std::string_view::npos
                ? std::string_view()
                : opt.substr(eq + 1, opt.find('=', eq + 1) - eq - 1);
  }
  return value;
}

}  // namespace host_exporter::parse
