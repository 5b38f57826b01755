#include "parse/diskstats.h"

#include <algorithm>
#include <limits>

namespace host_exporter::parse {
namespace {

// "major minor name" and the 17 counters node_exporter 1.5 knows.
constexpr size_t kHeaderFields = 3;
constexpr size_t kMaxFields = kHeaderFields + kDiskStatCount;
// Fewer fields than this and node_exporter's scanner skips the line.
constexpr size_t kMinFields = 14;

std::string NotANumber(size_t column, std::string_view value) {
  return "field " + std::to_string(column) + " is not an unsigned integer: '" +
         std::string(value) + "'";
}

}  // namespace

Result<std::vector<DiskStats>> ParseDiskstats(std::string_view text) {
  return ParseLines<std::vector<DiskStats>>(
      text,
      [&](size_t, std::string_view line,
          std::vector<DiskStats>* out) -> std::string {
        const auto fields = SplitFields(line);
        if (fields.size() < kMinFields) return {};
        DiskStats d;
        for (size_t col = 0; col < 2; ++col) {
          auto v = ParseU64(fields[col]);
          if (!v || *v > std::numeric_limits<uint32_t>::max()) {
            return NotANumber(col + 1, fields[col]);
          }
          (col == 0 ? d.major : d.minor) = static_cast<uint32_t>(*v);
        }
        d.name = std::string(fields[2]);
        d.count = std::min(fields.size(), kMaxFields) - kHeaderFields;
        for (size_t s = 0; s < d.count; ++s) {
          const std::string_view field = fields[kHeaderFields + s];
          auto v = ParseU64(field);
          if (!v) {
            return NotANumber(kHeaderFields + s + 1, field);
          }
          d.stats[s] = *v;
        }
        out->push_back(std::move(d));
        return {};
      });
}

Result<UdevProperties> ParseUdevProperties(std::string_view text) {
  Result<UdevProperties> r;
  for (std::string_view line : SplitLines(text)) {
    if (line.substr(0, 2) != "E:") continue;
    line.remove_prefix(2);
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    r.value.insert_or_assign(std::string(line.substr(0, eq)),
                             std::string(line.substr(eq + 1)));
  }
  return r;
}

}  // namespace host_exporter::parse
