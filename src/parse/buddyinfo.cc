#include "parse/buddyinfo.h"

#include "parse/sysfs_attr.h"

namespace host_exporter::parse {
namespace {

std::string_view TrimComma(std::string_view s) {
  return s.ends_with(',') ? s.substr(0, s.size() - 1) : s;
}

}  // namespace

Result<std::vector<BuddyInfoLine>> ParseBuddyInfo(std::string_view text) {
  using R = Result<std::vector<BuddyInfoLine>>;
  R r;
  const auto lines = SplitLines(text);
  for (size_t n = 0; n < lines.size(); ++n) {
    const auto fields = GoFields(lines[n]);
    if (fields.size() < 4) {
      return R::Fail(LineError(n,
                               "expected \"Node <n>, zone <zone>\" and "
                               "counts, got " +
                                   std::to_string(fields.size()) + " fields"));
    }
    BuddyInfoLine line{std::string(TrimComma(fields[1])),
                       std::string(TrimComma(fields[3])),
                       {}};
    for (size_t i = 4; i < fields.size(); ++i) {
      auto v = ParseGoFloat(fields[i]);
      if (!v) {
        return R::Fail(
            LineError(n, "bad count '" + std::string(fields[i]) + "'"));
      }
      line.sizes.push_back(*v);
    }
    if (!r.value.empty() && r.value[0].sizes.size() != line.sizes.size()) {
      return R::Fail(LineError(n, std::to_string(line.sizes.size()) +
                                      " counts, line 1 has " +
                                      std::to_string(r.value[0].sizes.size())));
    }
    r.value.push_back(std::move(line));
  }
  return r;
}

}  // namespace host_exporter::parse
