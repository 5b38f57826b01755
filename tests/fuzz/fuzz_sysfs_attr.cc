// Fuzzes the Go-compatible sysfs helpers: GoTrimSpace, GoFields,
// ParseGoUint/Int/Float, ToValidUtf8, Utf8RuneLength, GoFloatToUint64,
// GoCleanPath and the Parse{Uint,Int}{File,Attr} wrappers.
#include <cstring>

#include "fuzz_util.h"
#include "parse/sysfs_attr.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);

  // TrimSpace returns a part of its input; Fields are parts of it too.
  const std::string_view t = hp::GoTrimSpace(text);
  FUZZ_CHECK(t.size() <= text.size());
  if (!t.empty()) {
    FUZZ_CHECK(t.data() >= text.data() &&
               t.data() + t.size() <= text.data() + text.size());
  }
  FUZZ_CHECK(hp::GoTrimSpace(t) == t);
  for (std::string_view f : hp::GoFields(text)) {
    FUZZ_CHECK(!f.empty() && hp::GoTrimSpace(f) == f);
  }

  // Integers: whatever parses formats back to the same value.
  for (int base : {10, 0}) {
    if (auto u = hp::ParseGoUint(text, base)) {
      FUZZ_CHECK(hp::ParseGoUint(std::to_string(*u), base) == *u);
    }
    if (auto i = hp::ParseGoInt(text, base)) {
      FUZZ_CHECK(hp::ParseGoInt(std::to_string(*i), base) == *i);
    }
  }
  if (auto u = hp::ParseGoUint(text, 10))
    FUZZ_CHECK(hp::ParseGoUint(text, 0) == u || text[0] == '0');
  if (auto f = hp::ParseGoFloat(text)) (void)hp::GoFloatToUint64(*f);

  // UTF-8 repair.
  const std::string v = hp::ToValidUtf8(text);
  FUZZ_CHECK(hf::IsValidUtf8(v));
  if (hf::IsValidUtf8(text)) FUZZ_CHECK(v == text);
  if (!text.empty()) {
    const size_t n = hp::Utf8RuneLength(text);
    FUZZ_CHECK(n >= 1 && n <= 4 && n <= text.size());
  }

  // path.Clean is idempotent, never empty, and keeps a leading '/'.
  const std::string c = hp::GoCleanPath(text);
  FUZZ_CHECK(!c.empty());
  FUZZ_CHECK(hp::GoCleanPath(c) == c);
  FUZZ_CHECK((!text.empty() && text[0] == '/') == (c[0] == '/'));
  FUZZ_CHECK(c.find("//") == std::string::npos);

  hf::CheckResult(hp::ParseUintFile(text), text);
  hf::CheckResult(hp::ParseIntFile(text), text);
  hf::CheckResult(hp::ParseUintAttr(text), text);
  hf::CheckResult(hp::ParseIntAttr(text), text);

  if (size >= 8) {
    double d;
    std::memcpy(&d, data, sizeof d);
    (void)hp::GoFloatToUint64(d);  // defined for every double (UBSan)
  }
  return 0;
}
