#include "parse/buddyinfo.h"

#include "parse/sysfs_attr.h"

namespace host_exporter::parse {
namespace {

std::string_view TrimComma(std::string_view s) {
  return s.ends_with(',') ? s.substr(0, s.size() - 1) : s;
}

}  // namespace

Result<std::vector<BuddyInfoLine>> ParseBuddyInfo(std::string_view text) {
  using Lines = std::vector<BuddyInfoLine>;
  return ParseLines<Lines>(
      text, [](size_t, std::string_view text_line, Lines* out) -> std::string {
        const auto fields = GoFields(text_line);
        if (fields.size() < 4) {
          return "expected \"Node <n>, zone <zone>\" and counts, got " +
                 std::to_string(fields.size()) + " fields";
        }
        BuddyInfoLine line{std::string(TrimComma(fields[1])),
                           std::string(TrimComma(fields[3])),
                           {}};
        for (size_t i = 4; i < fields.size(); ++i) {
          auto v = ParseGoFloat(fields[i]);
          if (!v) return "bad count '" + std::string(fields[i]) + "'";
          line.sizes.push_back(*v);
        }
        if (!out->empty() && (*out)[0].sizes.size() != line.sizes.size()) {
          return std::to_string(line.sizes.size()) + " counts, line 1 has " +
                 std::to_string((*out)[0].sizes.size());
        }
        out->push_back(std::move(line));
        return "";
      });
}

}  // namespace host_exporter::parse
