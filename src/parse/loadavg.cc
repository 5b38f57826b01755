#include "parse/loadavg.h"

namespace host_exporter::parse {

Result<LoadAvg> ParseLoadAvg(std::string_view text) {
  auto lines = SplitLines(text);
  if (lines.empty()) return Result<LoadAvg>::Fail("empty file");
  auto fields = SplitFields(lines[0]);
  if (fields.size() < 3) {
    return Result<LoadAvg>::Fail(LineError(
        0, "expected at least 3 fields, got " + std::to_string(fields.size())));
  }
  Result<LoadAvg> r;
  double* out[] = {&r.value.load1, &r.value.load5, &r.value.load15};
  for (int i = 0; i < 3; ++i) {
    auto v = ParseDouble(fields[i]);
    if (!v) {
      return Result<LoadAvg>::Fail(LineError(
          0, "field " + std::to_string(i + 1) + " is not a number: '" +
                 std::string(fields[i]) + "'"));
    }
    *out[i] = *v;
  }
  return r;
}

}  // namespace host_exporter::parse
