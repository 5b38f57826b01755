#include "parse/infiniband.h"

#include <cmath>

#include "parse/sysfs_attr.h"

namespace host_exporter::parse {

Result<IbState> ParseIbState(std::string_view text) {
  auto parts = Split(text, ':');
  if (parts.size() != 2) {
    return Result<IbState>::Fail(
        LineError(0, "expected '<id>: <name>', got '" +
                         std::string(GoTrimSpace(text)) + "'"));
  }
  const std::string_view id_text = GoTrimSpace(parts[0]);
  auto id = ParseGoUint(id_text, 10);
  if (!id || *id > UINT32_MAX) {
    return Result<IbState>::Fail(LineError(
        0,
        "state id is not an unsigned integer: '" + std::string(id_text) + "'"));
  }
  Result<IbState> r;
  r.value.id = static_cast<uint32_t>(*id);
  r.value.name = std::string(GoTrimSpace(parts[1]));
  return r;
}

Result<uint64_t> ParseIbRate(std::string_view text) {
  const size_t space = text.find(' ');
  if (space == std::string_view::npos) {
    return Result<uint64_t>::Fail(
        LineError(0, "expected '<number> <unit>', got '" +
                         std::string(GoTrimSpace(text)) + "'"));
  }
  const std::string_view number = GoTrimSpace(text.substr(0, space + 1));
  auto value = ParseGoFloat(number);
  // strconv.ParseFloat(s, 32): rounded to float32, out of its range is an
  // error.
  const float narrow = value ? static_cast<float>(*value) : 0.0f;
  if (!value || (std::isinf(narrow) && !std::isinf(*value))) {
    return Result<uint64_t>::Fail(
        LineError(0, "rate is not a number: '" + std::string(number) + "'"));
  }
  return {GoFloatToUint64(static_cast<double>(narrow) * 125000000), ""};
}

}  // namespace host_exporter::parse
