// Fuzzes the generic netlink / nl80211 reply parsers on one payload:
// ParseGenlFamily, ParseNl80211Interface, ParseNl80211Bss,
// ParseNl80211Station, and the text helpers FormatHardwareAddr, DecodeSsid.
#include "fuzz_util.h"
#include "parse/nl80211.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in = hf::AsText(data, size);
  hf::CheckResult(hp::ParseGenlFamily(in), in);
  auto i = hp::ParseNl80211Interface(in);
  hf::CheckResult(i, in);
  if (i.ok()) {
    FUZZ_CHECK(i.value.name.find('\0') == std::string::npos);
    (void)hp::FormatHardwareAddr(i.value.mac);
  }
  auto b = hp::ParseNl80211Bss(in);
  hf::CheckResult(b, in);
  if (b.ok() && b.value) {
    FUZZ_CHECK(hf::IsValidUtf8(hp::DecodeSsid(b.value->ssid)));
  }
  auto s = hp::ParseNl80211Station(in);
  hf::CheckResult(s, in);
  // Text helpers on the raw bytes.
  const std::string mac = hp::FormatHardwareAddr(in);
  FUZZ_CHECK(mac.size() == (in.empty() ? 0 : in.size() * 3 - 1));
  const std::string ssid = hp::DecodeSsid(in);
  FUZZ_CHECK(hf::IsValidUtf8(ssid));
  if (hf::IsValidUtf8(in)) FUZZ_CHECK(ssid == in);
  return 0;
}
