#include "parse/proc_cgroups.h"

#include "parse/sysfs_attr.h"

namespace host_exporter::parse {

Result<std::vector<CgroupController>> ParseProcCgroups(std::string_view text) {
  using R = Result<std::vector<CgroupController>>;
  R r;
  const auto lines = SplitLines(text);
  for (size_t n = 0; n < lines.size(); ++n) {
    if (lines[n].starts_with('#')) continue;
    const auto w = GoFields(lines[n]);
    if (w.size() < 4) {
      return R::Fail(LineError(n,
                               "expected 4 fields (subsys_name, "
                               "hierarchy, num_cgroups, enabled), got " +
                                   std::to_string(w.size())));
    }
    CgroupController c{std::string(w[0])};
    const char* names[] = {"hierarchy", "num_cgroups", "enabled"};
    int64_t* values[] = {&c.hierarchy, &c.cgroups, &c.enabled};
    for (int i = 0; i < 3; ++i) {
      auto v = ParseGoInt(w[1 + i], 10);
      if (!v) {
        return R::Fail(LineError(n, std::string("bad ") + names[i] + " '" +
                                        std::string(w[1 + i]) + "'"));
      }
      *values[i] = *v;
    }
    r.value.push_back(std::move(c));
  }
  return r;
}

}  // namespace host_exporter::parse
