// Fuzzes parse::ParseNfsClientStats and parse::ParseNfsServerStats.
#include "fuzz_util.h"
#include "parse/nfs_rpc.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  hf::CheckResult(hp::ParseNfsClientStats(text), text);
  hf::CheckResult(hp::ParseNfsServerStats(text), text);
  return 0;
}
