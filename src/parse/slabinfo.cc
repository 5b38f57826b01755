#include "parse/slabinfo.h"

#include "parse/sysfs_attr.h"

namespace host_exporter::parse {
namespace {

// Go's strings.Split(regexp(`\s+`).ReplaceAllString(line, " "), " "): the
// words between runs of white space, with an empty first (last) word for
// leading (trailing) white space.
std::vector<std::string_view> SplitOnSpaceRuns(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0, i = 0;
  while (i < line.size()) {
    if (!IsRegexpSpace(line[i])) {
      ++i;
      continue;
    }
    out.push_back(line.substr(start, i - start));
    while (i < line.size() && IsRegexpSpace(line[i])) ++i;
    start = i;
  }
  out.push_back(line.substr(start));
  return out;
}

}  // namespace

Result<std::vector<Slab>> ParseSlabinfo(std::string_view text) {
  using Slabs = std::vector<Slab>;
  return ParseLines<Slabs>(
      text, [](size_t, std::string_view line, Slabs* out) -> std::string {
        if (line.find("slabinfo -") != std::string_view::npos ||
            line.find("# name") != std::string_view::npos) {
          return "";
        }
        const auto w = SplitOnSpaceRuns(line);
        if (w.size() != 16) {
          return "expected 16 fields, got " + std::to_string(w.size());
        }
        Slab s;
        s.name = std::string(w[0]);
        struct Field {
          size_t index;
          int64_t* value;
        };
        const Field fields[] = {
            {1, &s.active_objects}, {2, &s.objects},
            {3, &s.object_size},    {4, &s.objects_per_slab},
            {5, &s.pages_per_slab}, {8, &s.limit},
            {9, &s.batch},          {10, &s.shared_factor},
            {13, &s.active_slabs},  {14, &s.slabs},
            {15, &s.shared_avail}};
        for (const Field& f : fields) {
          auto v = ParseGoInt(w[f.index], 10);
          if (!v) {
            return "field " + std::to_string(f.index + 1) +
                   " is not an integer: '" + std::string(w[f.index]) + "'";
          }
          *f.value = *v;
        }
        out->push_back(std::move(s));
        return "";
      });
}

}  // namespace host_exporter::parse
