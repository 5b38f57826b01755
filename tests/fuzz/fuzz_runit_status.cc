// Fuzzes parse::ParseRunitStatus: exactly 20 bytes with a known state are
// a record, anything else an error.
#include "fuzz_util.h"
#include "parse/runit_status.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseRunitStatus(text);
  hf::CheckResult(r, text);
  FUZZ_CHECK(r.ok() == (size == 20 && data[19] <= 2));
  if (r.ok()) {
    FUZZ_CHECK(r.value.want == (data[17] == 'u' ? 1 : 0));
    FUZZ_CHECK(r.value.state == data[19]);
    FUZZ_CHECK(r.value.paused == (data[16] != 0));
  }
  return 0;
}
