#include "parse/file_nr.h"

#include <string>

namespace host_exporter::parse {

Result<FileNr> ParseFileNr(std::string_view text) {
  auto parts = Split(Trim(text), '\t');
  if (parts.size() < 3) {
    return Result<FileNr>::Fail(
        LineError(0, "expected 3 tab-separated fields, got " +
                         std::to_string(parts.size())));
  }
  Result<FileNr> r;
  auto allocated = ParseDouble(parts[0]);
  auto maximum = ParseDouble(parts[2]);
  if (!allocated) {
    return Result<FileNr>::Fail(LineError(
        0, "field 1 is not a number: '" + std::string(parts[0]) + "'"));
  }
  if (!maximum) {
    return Result<FileNr>::Fail(LineError(
        0, "field 3 is not a number: '" + std::string(parts[2]) + "'"));
  }
  r.value.allocated = *allocated;
  r.value.maximum = *maximum;
  return r;
}

}  // namespace host_exporter::parse
