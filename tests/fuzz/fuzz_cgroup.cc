// Fuzzes the cgroup file parsers (parse/cgroup.h): flat keyed files,
// single values, io.stat and the v1 blkio files, all on the same input.
#include "fuzz_util.h"
#include "parse/cgroup.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  hf::CheckResult(hp::ParseCgroupKeyed(text), text);
  auto v = hp::ParseCgroupValue(text);
  hf::CheckResult(v, text);
  if (v.ok() && !v.value.has_value()) {
    FUZZ_CHECK(hp::Trim(text) == "max");
  }
  auto io = hp::ParseCgroupIoStat(text);
  hf::CheckResult(io, text);
  if (io.ok()) {
    for (const auto& d : io.value) {
      FUZZ_CHECK(d.device.find(':') != std::string::npos);
    }
  }
  std::vector<hp::CgroupIoDevice> devs;
  hf::CheckResult(hp::MergeCgroupBlkio(text, hp::BlkioKind::kBytes, &devs),
                  text);
  return 0;
}
