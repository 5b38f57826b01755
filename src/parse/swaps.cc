#include "parse/swaps.h"

#include "parse/sysfs_attr.h"

namespace host_exporter::parse {

Result<std::vector<SwapArea>> ParseSwaps(std::string_view text) {
  using R = Result<std::vector<SwapArea>>;
  R r;
  const auto lines = SplitLines(text);
  for (size_t n = 1; n < lines.size(); ++n) {
    const auto w = GoFields(lines[n]);
    if (w.size() < 5) {
      return R::Fail(LineError(n,
                               "expected 5 fields (filename, type, size, "
                               "used, priority), got " +
                                   std::to_string(w.size())));
    }
    SwapArea a{std::string(w[0]), std::string(w[1])};
    const char* names[] = {"size", "used", "priority"};
    int64_t* values[] = {&a.size_kib, &a.used_kib, &a.priority};
    for (int i = 0; i < 3; ++i) {
      auto v = ParseGoInt(w[2 + i], 10);
      if (!v) {
        return R::Fail(LineError(n, std::string("bad ") + names[i] + " '" +
                                        std::string(w[2 + i]) + "'"));
      }
      *values[i] = *v;
    }
    r.value.push_back(std::move(a));
  }
  return r;
}

}  // namespace host_exporter::parse
