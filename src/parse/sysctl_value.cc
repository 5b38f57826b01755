#include "parse/sysctl_value.h"

#include <string>

namespace host_exporter::parse {

Result<uint64_t> ParseSysctlUint(std::string_view text) {
  std::string_view v = Trim(text);
  if (v.empty()) return Result<uint64_t>::Fail("empty file");
  auto n = ParseU64(v);
  if (!n) {
    return Result<uint64_t>::Fail(
        LineError(0, "not an unsigned integer: '" + std::string(v) + "'"));
  }
  Result<uint64_t> r;
  r.value = *n;
  return r;
}

}  // namespace host_exporter::parse
