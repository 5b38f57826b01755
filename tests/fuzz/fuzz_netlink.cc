// Fuzzes the netlink framing: ParseNetlinkMessages, ParseNetlinkAttributes
// (on the input and on each message's payload) and NetlinkErrorCode.
#include "fuzz_util.h"
#include "parse/netlink.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

namespace {
void CheckAttributes(std::string_view buf) {
  auto a = hp::ParseNetlinkAttributes(buf);
  hf::CheckResult(a, buf);
  if (!a.ok()) return;
  for (const auto& attr : a.value) {
    // Values are views into the buffer, never past its end.
    FUZZ_CHECK(attr.value.data() >= buf.data());
    FUZZ_CHECK(attr.value.data() + attr.value.size() <=
               buf.data() + buf.size());
    FUZZ_CHECK((attr.type & 0xc000) == 0);  // flag bits removed
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto m = hp::ParseNetlinkMessages(text);
  hf::CheckResult(m, text);
  if (m.ok()) {
    size_t total = 0;
    for (const auto& msg : m.value) {
      total += 16 + msg.payload.size();
      CheckAttributes(msg.payload);
      const int e = hp::NetlinkErrorCode(msg.payload);
      if (msg.payload.size() < 4) FUZZ_CHECK(e == -1);
      (void)e;
    }
    FUZZ_CHECK(total <= size);
    // A well-formed request round-trips.
    if (!m.value.empty()) {
      const auto& f = m.value.front();
      auto again = hp::ParseNetlinkMessages(
          hp::NetlinkRequest(f.type, f.flags, f.seq, f.payload));
      FUZZ_CHECK(again.ok() && again.value.size() == 1);
      FUZZ_CHECK(again.value[0].payload == f.payload);
      FUZZ_CHECK(again.value[0].type == f.type && again.value[0].seq == f.seq);
    }
  }
  CheckAttributes(text);
  return 0;
}
