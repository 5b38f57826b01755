#include "parse/xfs_stats.h"

#include <limits>
#include <string>

namespace host_exporter::parse {
namespace {

// The most values a known line has ("buf": 9); longer lines are only
// checked.
constexpr size_t kMaxValues = 16;

template <typename T, size_t N>
bool CopyExact(const uint64_t* v, size_t n, std::array<T, N>* out) {
  if (n != N) return false;
  for (size_t i = 0; i < N; ++i) (*out)[i] = static_cast<T>(v[i]);
  return true;
}

// One line into *s: "" or why it is bad. Nothing is allocated unless it is.
std::string ParseXfsLine(std::string_view line, XfsStats* s) {
  std::string_view rest = line;
  const std::string_view label = NextField(&rest);
  // Extended precision counters are 64-bit, all others 32-bit.
  const uint64_t max = label == "xpc" ? std::numeric_limits<uint64_t>::max()
                                      : std::numeric_limits<uint32_t>::max();
  uint64_t v[kMaxValues];
  size_t n = 0;  // values on the line
  for (std::string_view field = NextField(&rest); !field.empty();
       field = NextField(&rest)) {
    ++n;
    auto value = ParseU64(field);
    if (!value || *value > max) {
      return "'" + std::string(label) + "' value " + std::to_string(n) +
             " is not an unsigned " + (label == "xpc" ? "64" : "32") +
             "-bit integer: '" + std::string(field) + "'";
    }
    if (n <= kMaxValues) v[n - 1] = *value;
  }
  if (n == 0) return {};  // fewer than two fields
  bool ok = true;
  if (label == "extent_alloc") {
    ok = CopyExact(v, n, &s->extent_alloc);
  } else if (label == "abt") {
    ok = CopyExact(v, n, &s->alloc_btree);
  } else if (label == "blk_map") {
    ok = CopyExact(v, n, &s->block_map);
  } else if (label == "bmbt") {
    ok = CopyExact(v, n, &s->block_map_btree);
  } else if (label == "dir") {
    ok = CopyExact(v, n, &s->dir);
  } else if (label == "trans") {
    ok = CopyExact(v, n, &s->trans);
  } else if (label == "ig") {
    ok = CopyExact(v, n, &s->inode_get);
  } else if (label == "log") {
    ok = CopyExact(v, n, &s->log);
  } else if (label == "rw") {
    ok = CopyExact(v, n, &s->rw);
  } else if (label == "attr") {
    ok = CopyExact(v, n, &s->attr);
  } else if (label == "icluster") {
    ok = CopyExact(v, n, &s->icluster);
  } else if (label == "vnodes") {
    // Kernels before "free" was added print seven values.
    if (n == 7) v[n++] = 0;
    ok = CopyExact(v, n, &s->vnodes);
  } else if (label == "buf") {
    ok = CopyExact(v, n, &s->buf);
  } else if (label == "xpc") {
    ok = CopyExact(v, n, &s->xpc);
  }
  if (!ok) {
    return "unexpected number of values for '" + std::string(label) +
           "': " + std::to_string(n);
  }
  return {};
}

}  // namespace

Result<XfsStats> ParseXfsStats(std::string_view text) {
  // Lines and fields are viewed where they are (NextLine, NextField): a
  // file that parses allocates nothing.
  Result<XfsStats> r;
  std::string_view line;
  size_t pos = 0;
  for (size_t i = 0; NextLine(text, &pos, &line); ++i) {
    std::string why = ParseXfsLine(line, &r.value);
    if (!why.empty()) return Result<XfsStats>::Fail(LineError(i, why));
  }
  return r;
}

}  // namespace host_exporter::parse
