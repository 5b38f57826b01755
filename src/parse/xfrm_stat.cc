#include "parse/xfrm_stat.h"

#include "parse/sysfs_attr.h"

namespace host_exporter::parse {

Result<std::map<std::string, int64_t, std::less<>>> ParseXfrmStat(
    std::string_view text) {
  using R = Result<std::map<std::string, int64_t, std::less<>>>;
  R r;
  const auto lines = SplitLines(text);
  for (size_t n = 0; n < lines.size(); ++n) {
    const auto w = GoFields(lines[n]);
    if (w.size() != 2) {
      return R::Fail(LineError(n, "expected \"<name> <count>\", got " +
                                      std::to_string(w.size()) + " fields"));
    }
    auto v = ParseGoInt(w[1], 10);
    if (!v) {
      return R::Fail(LineError(
          n, "bad count '" + std::string(w[1]) + "' for " + std::string(w[0])));
    }
    r.value[std::string(w[0])] = *v;
  }
  return r;
}

}  // namespace host_exporter::parse
