#include "parse/btrfs.h"

#include <limits>

#include "parse/parse_util.h"

namespace host_exporter::parse {

uint64_t ParseBtrfsSysfsValue(std::string_view text) {
  std::string_view s = Trim(text);
  if (s.empty()) return 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
  }
  auto v = ParseU64(s);
  return v ? *v : std::numeric_limits<uint64_t>::max();
}

double BtrfsAllocationRatio(std::string_view profile, size_t devices) {
  const double n = static_cast<double>(devices);
  if (profile == "single" || profile == "raid0") return 1;
  if (profile == "dup" || profile == "raid1" || profile == "raid10") return 2;
  if (profile == "raid5") return n / (n - 1);
  if (profile == "raid6") return n / (n - 2);
  return 0;
}

namespace {
constexpr char kHex[] = "0123456789abcdef";
void BtrfsAppendHex(const uint8_t* b, size_t n, std::string* out) {
  for (size_t i = 0; i < n; ++i) {
    out->push_back(kHex[b[i] >> 4]);
    out->push_back(kHex[b[i] & 0xf]);
  }
}
}  // namespace

std::string FormatBtrfsFsid(const uint8_t* id16) {
  std::string out;
  BtrfsAppendHex(id16, 16, &out);
  return out;
}

std::string FormatBtrfsUuid(const uint8_t* id16) {
  bool zero = true;
  for (int i = 0; i < 16; ++i) zero = zero && id16[i] == 0;
  if (zero) return "<zero>";
  std::string out;
  BtrfsAppendHex(id16, 4, &out);
  out.push_back('-');
  BtrfsAppendHex(id16 + 4, 2, &out);
  out.push_back('-');
  BtrfsAppendHex(id16 + 6, 2, &out);
  out.push_back('-');
  BtrfsAppendHex(id16 + 8, 2, &out);
  out.push_back('-');
  BtrfsAppendHex(id16 + 10, 6, &out);
  return out;
}

std::string_view BtrfsDeviceName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace host_exporter::parse
