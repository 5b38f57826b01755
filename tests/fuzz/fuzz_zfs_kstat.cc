// Fuzzes the ZFS kstat parsers: ParseZfsKstat, ParseZfsPoolIo,
// ParseZfsObjset and ParseZfsPoolState.
#include "fuzz_util.h"
#include "parse/zfs_kstat.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto k = hp::ParseZfsKstat(text);
  hf::CheckResult(k, text);
  if (k.ok()) FUZZ_CHECK(k.value.size() <= hp::SplitLines(text).size());
  auto io = hp::ParseZfsPoolIo(text);
  hf::CheckResult(io, text);
  auto o = hp::ParseZfsObjset(text);
  hf::CheckResult(o, text);
  if (o.ok()) {
    for (const auto& v : o.value) {
      if (!v.after_dataset_name) FUZZ_CHECK(v.dataset.empty());
    }
  }
  const std::string state = hp::ParseZfsPoolState(text);
  for (char c : state) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
  FUZZ_CHECK(state.find('\n') == std::string::npos);
  return 0;
}
