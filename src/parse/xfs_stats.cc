#include "parse/xfs_stats.h"

#include <limits>
#include <string>
#include <vector>

namespace host_exporter::parse {
namespace {

template <typename T, size_t N>
bool CopyExact(const std::vector<uint64_t>& v, std::array<T, N>* out) {
  if (v.size() != N) return false;
  for (size_t i = 0; i < N; ++i) (*out)[i] = static_cast<T>(v[i]);
  return true;
}

}  // namespace

Result<XfsStats> ParseXfsStats(std::string_view text) {
  return ParseLines<XfsStats>(
      text, [&](size_t, std::string_view line, XfsStats* out) -> std::string {
        XfsStats& s = *out;
        auto fields = SplitFields(line);
        if (fields.size() < 2) return {};
        std::string_view label = fields[0];
        // Extended precision counters are 64-bit, all others 32-bit.
        const uint64_t max = label == "xpc"
                                 ? std::numeric_limits<uint64_t>::max()
                                 : std::numeric_limits<uint32_t>::max();
        std::vector<uint64_t> v;
        for (size_t f = 1; f < fields.size(); ++f) {
          auto n = ParseU64(fields[f]);
          if (!n || *n > max) {
            return "'" + std::string(label) + "' value " + std::to_string(f) +
                   " is not an unsigned " + (label == "xpc" ? "64" : "32") +
                   "-bit integer: '" + std::string(fields[f]) + "'";
          }
          v.push_back(*n);
        }
        bool ok = true;
        if (label == "extent_alloc") {
          ok = CopyExact(v, &s.extent_alloc);
        } else if (label == "abt") {
          ok = CopyExact(v, &s.alloc_btree);
        } else if (label == "blk_map") {
          ok = CopyExact(v, &s.block_map);
        } else if (label == "bmbt") {
          ok = CopyExact(v, &s.block_map_btree);
        } else if (label == "dir") {
          ok = CopyExact(v, &s.dir);
        } else if (label == "trans") {
          ok = CopyExact(v, &s.trans);
        } else if (label == "ig") {
          ok = CopyExact(v, &s.inode_get);
        } else if (label == "log") {
          ok = CopyExact(v, &s.log);
        } else if (label == "rw") {
          ok = CopyExact(v, &s.rw);
        } else if (label == "attr") {
          ok = CopyExact(v, &s.attr);
        } else if (label == "icluster") {
          ok = CopyExact(v, &s.icluster);
        } else if (label == "vnodes") {
          // Kernels before "free" was added print seven values.
          if (v.size() == 7) v.push_back(0);
          ok = CopyExact(v, &s.vnodes);
        } else if (label == "buf") {
          ok = CopyExact(v, &s.buf);
        } else if (label == "xpc") {
          ok = CopyExact(v, &s.xpc);
        }
        if (!ok) {
          return "unexpected number of values for '" + std::string(label) +
                 "': " + std::to_string(v.size());
        }
        return {};
      });
}

}  // namespace host_exporter::parse
