// Fuzzes parse::ParseSntpReply, parse::InterpretSntpReply and the fitness
// and sanity rules: the first 48 bytes are the reply, the next 24 the
// cookie and the local send and receive times.
#include <optional>

#include "fuzz_util.h"
#include "parse/sntp.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

namespace {

uint64_t Take64(std::string_view* s) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | hf::TakeByte(s);
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = hf::AsText(data, size);
  auto reply = hp::ParseSntpReply(text);
  hf::CheckResult(reply, text);
  FUZZ_CHECK(reply.ok() == (size >= hp::kSntpPacketSize));
  if (!reply.ok()) return 0;
  FUZZ_CHECK(reply.value.leap >= 0 && reply.value.leap <= 3);
  FUZZ_CHECK(reply.value.mode >= 0 && reply.value.mode <= 7);
  std::string_view rest = text.substr(hp::kSntpPacketSize);
  const uint64_t cookie = Take64(&rest);
  const uint64_t sent = Take64(&rest);
  const uint64_t received = Take64(&rest);
  auto r = hp::InterpretSntpReply(reply.value, cookie, sent, received);
  hf::CheckResult(r, text);
  if (!r.ok()) return 0;
  FUZZ_CHECK(reply.value.mode == 4 && reply.value.origin_time == cookie);
  FUZZ_CHECK(r.value.rtt >= 0);
  FUZZ_CHECK(r.value.min_error >= 0);
  FUZZ_CHECK(r.value.root_delay >= 0 && r.value.root_dispersion >= 0);
  std::optional<int64_t> leap;
  const bool sane = hp::SntpSane(r.value, 3.46608, 0.001, &leap);
  if (sane) FUZZ_CHECK(hp::SntpUnfitReason(r.value).empty());
  return 0;
}
