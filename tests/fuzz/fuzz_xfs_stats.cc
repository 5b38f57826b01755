// Fuzzes parse::ParseXfsStats (/proc/fs/xfs/stat, sysfs stats).
#include "fuzz_util.h"
#include "parse/xfs_stats.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  hf::CheckResult(hp::ParseXfsStats(text), text);
  return 0;
}
