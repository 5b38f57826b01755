#include "parse/nfs_rpc.h"

#include <string>
#include <vector>

namespace host_exporter::parse {
namespace {

// One "<key> <value>..." line split into its key and numbers.
struct KeyValues {
  std::string_view key;
  std::vector<uint64_t> values;
};

// `max_values` limits how many values are read (the rest of the line is
// ignored); 0 reads them all.
Result<KeyValues> SplitLine(std::string_view line, size_t max_values = 0) {
  auto fields = SplitFields(line);
  if (fields.size() < 2) {
    return Result<KeyValues>::Fail("expected a key and at least one value");
  }
  Result<KeyValues> r;
  r.value.key = fields[0];
  size_t end = fields.size();
  if (max_values != 0 && end > max_values + 1) end = max_values + 1;
  for (size_t i = 1; i < end; ++i) {
    auto v = ParseU64(fields[i]);
    if (!v) {
      return Result<KeyValues>::Fail(
          "'" + std::string(r.value.key) + "' value " + std::to_string(i) +
          " is not an unsigned integer: '" + std::string(fields[i]) + "'");
    }
    r.value.values.push_back(*v);
  }
  return r;
}

std::string CountError(std::string_view key, size_t want, size_t got) {
  return "'" + std::string(key) + "' needs " + std::to_string(want) +
         " values, got " + std::to_string(got);
}

// Checks a fixed-size line and copies its values to `out` (a KeyValues or
// a ServerLine).
template <size_t N, typename KV>
bool Fixed(const KV& kv, std::array<uint64_t*, N> out, std::string* err) {
  if (kv.values.size() != N) {
    *err = CountError(kv.key, N, kv.values.size());
    return false;
  }
  for (size_t i = 0; i < N; ++i) *out[i] = kv.values[i];
  return true;
}

// A procedure line "procN <count> <v1>...<vcount>": the count must match
// the values and be at least `min_count` (exactly, if `exact`). Copies the
// first values into `out` (missing ones stay 0).
template <typename KV, size_t N>
bool Procedures(const KV& kv, size_t min_count, bool exact,
                std::array<uint64_t, N>* out, std::string* err) {
  uint64_t count = kv.values[0];
  size_t have = kv.values.size() - 1;
  if (count != have || count < min_count || (exact && count != min_count)) {
    *err = "'" + std::string(kv.key) + "' announces " + std::to_string(count) +
           " values and has " + std::to_string(have) + " (at least " +
           std::to_string(min_count) + " needed)";
    return false;
  }
  for (size_t i = 0; i < N && i < have; ++i) (*out)[i] = kv.values[i + 1];
  return true;
}

template <typename KV>
bool Network(const KV& kv, NfsNetwork* n, std::string* err) {
  return Fixed<4>(
      kv, {&n->net_count, &n->udp_count, &n->tcp_count, &n->tcp_connect}, err);
}

// A line of /proc/net/rpc/nfsd split as SplitLine() splits it, without a
// vector: its key, how many values it has and the first kKept of them (as
// many as the longest line the server stats copy: proc4ops' count and
// operations).
struct ServerLine {
  static constexpr size_t kKept = kNfsdV4OpNames19.size() + 1;
  struct Values {
    std::array<uint64_t, kKept> first{};
    size_t count = 0;
    size_t size() const { return count; }
    uint64_t operator[](size_t i) const { return first[i]; }
  };
  std::string_view key;
  Values values;
};

// SplitLine() into *out: "" or its error, in its words.
std::string SplitServerLine(std::string_view line, size_t max_values,
                            ServerLine* out) {
  std::string_view rest = line;
  out->key = NextField(&rest);
  out->values.count = 0;
  std::string_view field = NextField(&rest);
  if (out->key.empty() || field.empty()) {
    return "expected a key and at least one value";
  }
  for (size_t i = 1; !field.empty(); ++i, field = NextField(&rest)) {
    if (max_values != 0 && i > max_values) break;
    auto v = ParseU64(field);
    if (!v) {
      return "'" + std::string(out->key) + "' value " + std::to_string(i) +
             " is not an unsigned integer: '" + std::string(field) + "'";
    }
    if (out->values.count < ServerLine::kKept) {
      out->values.first[out->values.count] = *v;
    }
    ++out->values.count;
  }
  return {};
}

// One line of /proc/net/rpc/nfsd into *out, split into *k: "" or why the
// line is bad.
std::string ServerStatsLine(std::string_view line, ServerLine* kl,
                            NfsServerStats* out) {
  NfsServerStats& s = *out;
  std::string_view rest = line;
  const bool is_th = NextField(&rest) == "th";
  if (is_th) {
    size_t fields = 1;
    while (fields < 3 && !NextField(&rest).empty()) ++fields;
    if (fields < 3) return "'th' needs 2 values";
  }
  std::string split_error = SplitServerLine(line, is_th ? 2 : 0, kl);
  if (!split_error.empty()) return split_error;
  const ServerLine& k = *kl;
  std::string err;
  bool ok = true;
  uint64_t unused = 0;
  if (k.key == "rc") {
    ok = Fixed<3>(k, {&s.rc_hits, &s.rc_misses, &s.rc_nocache}, &err);
  } else if (k.key == "fh") {
    ok = Fixed<5>(k, {&s.fh_stale, &unused, &unused, &unused, &unused}, &err);
  } else if (k.key == "io") {
    ok = Fixed<2>(k, {&s.io_read, &s.io_write}, &err);
  } else if (k.key == "th") {
    ok = Fixed<2>(k, {&s.threads, &unused}, &err);
  } else if (k.key == "ra") {
    // Cache size, ten histogram buckets, not found.
    if (k.values.size() != 12) {
      ok = false;
      err = CountError(k.key, 12, k.values.size());
    } else {
      s.ra_cache_size = k.values[0];
      s.ra_not_found = k.values[11];
    }
  } else if (k.key == "net") {
    ok = Network(k, &s.network, &err);
  } else if (k.key == "rpc") {
    ok = Fixed<5>(k,
                  {&s.rpc_count, &s.rpc_bad_count, &s.rpc_bad_fmt,
                   &s.rpc_bad_auth, &s.rpc_bad_client},
                  &err);
  } else if (k.key == "proc2") {
    ok = Procedures(k, s.v2.size(), false, &s.v2, &err);
  } else if (k.key == "proc3") {
    ok = Procedures(k, s.v3.size(), false, &s.v3, &err);
  } else if (k.key == "proc4") {
    std::array<uint64_t, 2> v4{};
    ok = Procedures(k, 2, true, &v4, &err);
    s.v4_null = v4[0];
    s.v4_compound = v4[1];
  } else if (k.key == "proc4ops") {
    // NFS v4.0 servers print 39 operations (0-38), later ones more.
    ok = Procedures(k, 39, false, &s.v4_ops, &err);
  } else if (k.key == "wdeleg_getattr") {
    ok = Fixed<1>(k, {&s.wdeleg_getattr}, &err);
  }
  if (!ok) return err;
  return {};
}

}  // namespace

Result<NfsClientStats> ParseNfsClientStats(std::string_view text) {
  return ParseLines<NfsClientStats>(
      text,
      [&](size_t, std::string_view line, NfsClientStats* out) -> std::string {
        NfsClientStats& s = *out;
        auto kv = SplitLine(line);
        if (!kv.ok()) return kv.error;
        const KeyValues& k = kv.value;
        std::string err;
        bool ok = true;
        if (k.key == "net") {
          ok = Network(k, &s.network, &err);
        } else if (k.key == "rpc") {
          ok = Fixed<3>(
              k, {&s.rpc_count, &s.retransmissions, &s.auth_refreshes}, &err);
        } else if (k.key == "proc2") {
          ok = Procedures(k, s.v2.size(), false, &s.v2, &err);
        } else if (k.key == "proc3") {
          ok = Procedures(k, s.v3.size(), false, &s.v3, &err);
        } else if (k.key == "proc4") {
          // Older kernels know fewer NFSv4 procedures: any count is fine.
          ok = Procedures(k, 0, false, &s.v4, &err);
        }
        if (!ok) return err;
        return {};
      });
}

Result<NfsServerStats> ParseNfsServerStats(std::string_view text) {
  Result<NfsServerStats> r;
  // ParseLines() without its vector of lines, each split without one: a
  // cycle of the nfsd collector allocates nothing here.
  size_t pos = 0, i = 0;
  std::string_view line;
  ServerLine k;
  for (; NextLine(text, &pos, &line); ++i) {
    std::string why = ServerStatsLine(line, &k, &r.value);
    if (!why.empty()) return Result<NfsServerStats>::Fail(LineError(i, why));
  }
  return r;
}

}  // namespace host_exporter::parse
