// Fuzzes parse::ParseNetSocketTable (/proc/net/tcp, udp, ...) and
// parse::TcpStateName.
#include "fuzz_util.h"
#include "parse/net_socket.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseNetSocketTable(text);
  hf::CheckResult(r, text);
  if (r.ok()) {
    FUZZ_CHECK(r.value.size() <= hp::SplitLines(text).size());
    for (const auto& s : r.value) {
      const std::string_view name = hp::TcpStateName(s.state);
      FUZZ_CHECK(!name.empty());
      FUZZ_CHECK((s.state >= 1 && s.state <= 11) == (name != "unknown"));
    }
  }
  return 0;
}
