#include "parse/runit_status.h"

#include <string>

namespace host_exporter::parse {
namespace {

// TAI64's label of the Unix epoch: 2^62 + 10 (TAI was 10 s ahead in 1970).
constexpr uint64_t kTaiUnixEpoch = 4611686018427387914ULL;
constexpr size_t kStatusSize = 20;

}  // namespace

Result<RunitStatus> ParseRunitStatus(std::string_view bytes) {
  if (bytes.size() != kStatusSize) {
    return Result<RunitStatus>::Fail("expected " + std::to_string(kStatusSize) +
                                     " bytes, got " +
                                     std::to_string(bytes.size()));
  }
  auto byte = [&](size_t i) { return static_cast<unsigned char>(bytes[i]); };
  uint64_t tai = 0;
  for (size_t i = 0; i < 8; ++i) tai = tai << 8 | byte(i);
  RunitStatus s;
  s.changed_unix = static_cast<int64_t>(tai - kTaiUnixEpoch);
  for (size_t i = 15; i >= 12; --i) s.pid = s.pid << 8 | byte(i);
  s.paused = byte(16) != 0;
  s.want = byte(17) == 'u' ? 1 : 0;
  s.state = byte(19);
  if (s.state > 2) {
    return Result<RunitStatus>::Fail("unknown state " +
                                     std::to_string(s.state) + " (byte 19)");
  }
  Result<RunitStatus> r;
  r.value = s;
  return r;
}

}  // namespace host_exporter::parse
