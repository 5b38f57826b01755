#include "parse/uname.h"

namespace host_exporter::parse {

Result<std::string> ParseSysctlString(std::string_view text) {
  if (text.empty()) return Result<std::string>::Fail("empty file");
  if (text.back() == '\n') text.remove_suffix(1);
  if (text.find('\n') != std::string_view::npos) {
    return Result<std::string>::Fail(
        LineError(1, "expected a single line, found more"));
  }
  Result<std::string> r;
  r.value = std::string(text);
  return r;
}

}  // namespace host_exporter::parse
