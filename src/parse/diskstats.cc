#include "parse/diskstats.h"

#include <algorithm>
#include <array>
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

std::string ParseDiskstatsInto(std::string_view text,
                               std::vector<DiskStats>* out) {
  size_t used = 0;
  for (size_t index = 0; !text.empty(); ++index) {
    const size_t nl = text.find('\n');
    std::string_view rest = text.substr(0, nl);
    text =
        nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    // The first kMaxFields fields; those after them are left unread.
    std::array<std::string_view, kMaxFields> fields;
    size_t n = 0;
    while (n < kMaxFields) {
      const std::string_view field = NextField(&rest);
      if (field.empty()) break;
      fields[n++] = field;
    }
    if (n < kMinFields) continue;
    if (used == out->size()) out->emplace_back();
    DiskStats& d = (*out)[used];
    for (size_t col = 0; col < 2; ++col) {
      auto v = ParseU64(fields[col]);
      if (!v || *v > std::numeric_limits<uint32_t>::max()) {
        return LineError(index, NotANumber(col + 1, fields[col]));
      }
      (col == 0 ? d.major : d.minor) = static_cast<uint32_t>(*v);
    }
    d.name.assign(fields[2]);
    d.count = n - kHeaderFields;
    for (size_t s = 0; s < d.count; ++s) {
      const std::string_view field = fields[kHeaderFields + s];
      auto v = ParseU64(field);
      if (!v) return LineError(index, NotANumber(kHeaderFields + s + 1, field));
      d.stats[s] = *v;
    }
    for (size_t s = d.count; s < kDiskStatCount; ++s) d.stats[s] = 0;
    ++used;
  }
  out->resize(used);
  return {};
}

Result<std::vector<DiskStats>> ParseDiskstats(std::string_view text) {
  Result<std::vector<DiskStats>> r;
  if (std::string why = ParseDiskstatsInto(text, &r.value); !why.empty()) {
    return Result<std::vector<DiskStats>>::Fail(std::move(why));
  }
  return r;
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
