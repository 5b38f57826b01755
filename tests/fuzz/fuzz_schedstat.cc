// Fuzzes parse::ParseSchedstat (/proc/schedstat), documented never to fail.
#include "fuzz_util.h"
#include "parse/schedstat.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto r = hp::ParseSchedstat(text);
  FUZZ_CHECK(r.ok());
  FUZZ_CHECK(r.value.size() <= hp::SplitLines(text).size());
  return 0;
}
