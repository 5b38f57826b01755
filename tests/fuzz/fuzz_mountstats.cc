// Fuzzes parse::ParseMountStats (/proc/self/mountstats) and
// parse::ParseMountInfo (/proc/self/mountinfo).
#include "fuzz_util.h"
#include "parse/mountstats.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  auto s = hp::ParseMountStats(text);
  hf::CheckResult(s, text);
  if (s.ok()) {
    for (const auto& e : s.value) {
      if (e.has_nfs_stats) {
        FUZZ_CHECK(e.fs_type == "nfs" || e.fs_type == "nfs4");
        FUZZ_CHECK(e.nfs.transport.protocol.empty() ||  // no xprt: line
                   e.nfs.transport.protocol == "tcp" ||
                   e.nfs.transport.protocol == "udp");
      }
    }
  }
  auto i = hp::ParseMountInfo(text);
  hf::CheckResult(i, text);
  if (i.ok()) {
    FUZZ_CHECK(i.value.size() <= hp::SplitLines(text).size());
    for (const auto& e : i.value) {
      // The fields view the text.
      FUZZ_CHECK(e.fs_type.data() >= text.data() &&
                 e.fs_type.data() + e.fs_type.size() <=
                     text.data() + text.size());
      if (auto addr = hp::MountOptionValue(e.super_options, "addr")) {
        FUZZ_CHECK(addr->find(',') == std::string_view::npos);
      }
    }
  }
  return 0;
}
