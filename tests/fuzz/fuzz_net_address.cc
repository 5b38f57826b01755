// Fuzzes the address helpers: DecodeHex, DecodeProcHexAddress, FormatIP
// (its text must read back as the same bytes) and FormatRouteDestination
// (prefix length from the first byte).
#include <arpa/inet.h>

#include <cstring>

#include "fuzz_util.h"
#include "parse/net_address.h"

namespace hf = host_exporter::fuzz;
namespace hp = host_exporter::parse;

namespace {
bool IsMapped(std::string_view b) {
  return b.size() == 16 &&
         b.substr(0, 12) ==
             std::string_view("\0\0\0\0\0\0\0\0\0\0\xff\xff", 12);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = hf::AsText(data, size);
  const std::string_view text = in;
  auto hex = hp::DecodeHex(text);
  if (hex) FUZZ_CHECK(hex->size() * 2 == text.size());
  auto proc = hp::DecodeProcHexAddress(text);
  if (proc) {
    FUZZ_CHECK(proc->size() == 4 || proc->size() == 16);
    FUZZ_CHECK(proc->size() * 2 == text.size());
  }
  const unsigned prefix = hf::TakeByte(&in);
  for (size_t len : {size_t{4}, size_t{16}}) {
    if (in.size() < len) continue;
    const std::string_view b = in.substr(0, len);
    const std::string s = hp::FormatIP(b);
    unsigned char back[16];
    if (len == 4 || IsMapped(b)) {
      FUZZ_CHECK(inet_pton(AF_INET, s.c_str(), back) == 1);
      FUZZ_CHECK(std::memcmp(back, b.data() + len - 4, 4) == 0);
    } else {
      FUZZ_CHECK(inet_pton(AF_INET6, s.c_str(), back) == 1);
      FUZZ_CHECK(std::memcmp(back, b.data(), 16) == 0);
    }
    const std::string d = hp::FormatRouteDestination(b, prefix);
    if (prefix == 0) FUZZ_CHECK(d == "default");
    if (prefix > 0 && prefix <= len * 8 && !IsMapped(b)) {
      // Go's IPNet.String(): the address, '/', the prefix length. (For an
      // IPv4-mapped address Go prints the mask's last 32 bits: left out.)
      FUZZ_CHECK(d.size() > 2 && d.find('/') != std::string::npos);
      FUZZ_CHECK(d.substr(d.rfind('/') + 1) == std::to_string(prefix));
    }
  }
  (void)hp::FormatIP(in);  // any length
  return 0;
}
