#include "parse/mounts.h"

namespace host_exporter::parse {
namespace {

bool IsOctal(char c) { return c >= '0' && c <= '7'; }

}  // namespace

std::string UnescapeMountField(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && IsOctal(s[i + 1]) &&
        IsOctal(s[i + 2]) && IsOctal(s[i + 3])) {
      const int v =
          (s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0');
      // "\400" and above do not fit a byte: not an escape the kernel writes.
      if (v <= 0xff) {
        out.push_back(static_cast<char>(v));
        i += 3;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

Result<std::vector<MountEntry>> ParseMounts(std::string_view text) {
  return ParseLines<std::vector<MountEntry>>(
      text,
      [&](size_t, std::string_view line,
          std::vector<MountEntry>* out) -> std::string {
        const auto fields = SplitFields(line);
        if (fields.size() < 4) {
          return "expected at least 4 fields, got " +
                 std::to_string(fields.size());
        }
        out->push_back(
            {UnescapeMountField(fields[0]), UnescapeMountField(fields[1]),
             UnescapeMountField(fields[2]), UnescapeMountField(fields[3])});
        return {};
      });
}

bool HasMountOption(std::string_view options, std::string_view option) {
  // One option at a time, no vector: the filesystem collector asks this of
  // every mount each cycle.
  while (true) {
    const size_t comma = options.find(',');
    if (options.substr(0, comma) == option) return true;
    if (comma == std::string_view::npos) return false;
    options.remove_prefix(comma + 1);
  }
}

}  // namespace host_exporter::parse
