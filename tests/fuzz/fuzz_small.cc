// Fuzzes the one-value file parsers, which are too small for a target each.
// The first byte picks the parser, the rest is its input:
//   0 file_nr  1 loadavg  2 sysctl_value  3 uname  4 selinux  5 time
//   6 infiniband  7 powercap  8 hwmon  9 btrfs  10 inet_diag
#include <cmath>

#include "fuzz_util.h"
#include "parse/btrfs.h"
#include "parse/file_nr.h"
#include "parse/hwmon.h"
#include "parse/inet_diag.h"
#include "parse/infiniband.h"
#include "parse/loadavg.h"
#include "parse/powercap.h"
#include "parse/selinux.h"
#include "parse/sysctl_value.h"
#include "parse/time.h"
#include "parse/uname.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

namespace {

constexpr int kParsers = 11;

void Run(int which, std::string_view in) {
  switch (which) {
    case 0:
      hf::CheckResult(hp::ParseFileNr(in), in);
      break;
    case 1:
      hf::CheckResult(hp::ParseLoadAvg(in), in);
      break;
    case 2: {
      auto r = hp::ParseSysctlUint(in);
      hf::CheckResult(r, in);
      // A plain number between blanks always reads as itself.
      if (auto n = hp::ParseU64(hp::Trim(in))) {
        FUZZ_CHECK(r.ok() && r.value == *n);
      }
      break;
    }
    case 3: {
      auto r = hp::ParseSysctlString(in);
      hf::CheckResult(r, in);
      if (r.ok()) FUZZ_CHECK(r.value.find('\n') == std::string::npos);
      if (in.empty()) FUZZ_CHECK(!r.ok());
      break;
    }
    case 4: {
      auto c = hp::ParseSelinuxConfigMode(in);
      FUZZ_CHECK(c.ok());  // never fails
      FUZZ_CHECK(c.value >= -1 && c.value <= 1);
      FUZZ_CHECK(hp::ParseSelinuxEnforce(in).ok());
      break;
    }
    case 5: {
      std::string_view current = hf::TakeLine(&in);
      auto r = hp::ParseClocksource(in, current);
      FUZZ_CHECK(r.ok());  // never fails
      for (const auto& a : r.value.available) FUZZ_CHECK(!a.empty());
      break;
    }
    case 6: {
      auto s = hp::ParseIbState(in);
      hf::CheckResult(s, in);
      if (s.ok()) FUZZ_CHECK(s.value.name.find(':') == std::string::npos);
      hf::CheckResult(hp::ParseIbRate(in), in);
      break;
    }
    case 7: {
      auto z = hp::SplitRaplZoneName(in);
      if (!z.index) FUZZ_CHECK(z.name == in);
      FUZZ_CHECK(hf::AllIn(hp::SanitizeMetricName(in)));
      break;
    }
    case 8: {
      if (auto s = hp::ExplodeSensorFilename(in)) {
        FUZZ_CHECK(!s->type.empty());
        for (char c : s->type) FUZZ_CHECK(!hp::IsDigit(c));
        FUZZ_CHECK(s->number >= 0);
        (void)hp::IsHwmonSensorType(s->type);
      }
      const std::string c = hp::CleanMetricName(in);
      FUZZ_CHECK(hf::AllIn(c, ":"));
      for (char ch : c) FUZZ_CHECK(!(ch >= 'A' && ch <= 'Z'));
      FUZZ_CHECK(c.empty() || (c.front() != '_' && c.back() != '_'));
      break;
    }
    case 9: {
      (void)hp::ParseBtrfsSysfsValue(in);
      const size_t devices = in.empty() ? 0 : static_cast<uint8_t>(in[0]);
      const double ratio = hp::BtrfsAllocationRatio(in, devices);
      FUZZ_CHECK(std::isfinite(ratio) && ratio >= 0);
      std::string_view name = hp::BtrfsDeviceName(in);
      FUZZ_CHECK(name.find('/') == std::string_view::npos);
      if (in.size() >= 16) {
        const auto* id = reinterpret_cast<const uint8_t*>(in.data());
        const std::string fsid = hp::FormatBtrfsFsid(id);
        FUZZ_CHECK(fsid.size() == 32 && hf::AllIn(fsid));
        const std::string uuid = hp::FormatBtrfsUuid(id);
        FUZZ_CHECK(uuid == "<zero>" || uuid.size() == 36);
      }
      break;
    }
    case 10: {
      auto r = hp::ParseInetDiagMsg(in);
      hf::CheckResult(r, in);
      if (r.ok()) FUZZ_CHECK(in.size() >= 72);
      const std::string req = hp::InetDiagTcpDumpRequest(
          in.empty() ? 2 : static_cast<uint8_t>(in[0]));
      FUZZ_CHECK(!req.empty());
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = hf::AsText(data, size);
  const int which = hf::TakeByte(&in) % kParsers;
  Run(which, in);
  return 0;
}
