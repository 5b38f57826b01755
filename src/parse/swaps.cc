#include "parse/swaps.h"

#include "parse/sysfs_attr.h"

namespace host_exporter::parse {

Result<std::vector<SwapArea>> ParseSwaps(std::string_view text) {
  using Areas = std::vector<SwapArea>;
  return ParseLines<Areas>(
      text, [](size_t n, std::string_view line, Areas* out) -> std::string {
        if (n == 0) return "";  // the header
        const auto w = GoFields(line);
        if (w.size() < 5) {
          return "expected 5 fields (filename, type, size, used, priority), "
                 "got " +
                 std::to_string(w.size());
        }
        SwapArea a{std::string(w[0]), std::string(w[1])};
        const char* names[] = {"size", "used", "priority"};
        int64_t* values[] = {&a.size_kib, &a.used_kib, &a.priority};
        for (int i = 0; i < 3; ++i) {
          auto v = ParseGoInt(w[2 + i], 10);
          if (!v) {
            return std::string("bad ") + names[i] + " '" +
                   std::string(w[2 + i]) + "'";
          }
          *values[i] = *v;
        }
        out->push_back(std::move(a));
        return "";
      });
}

}  // namespace host_exporter::parse
