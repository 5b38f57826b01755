// Fuzzes http::DecodeBasicAuth and http::BasicAuth::Check against a fixed
// users table with bcrypt cost 4 (cheap; never use a real cost here).
// The first byte picks the mode: even = the rest is the raw Authorization
// header; odd = the rest is "user:password", sent base64-encoded after
// "Basic " (so the fuzzer can reach the credential checks directly).
// Invariant: Check() is true exactly for the two known user/password
// pairs, byte for byte, and gives the same answer when asked again (the
// second time from its cache).
#include <string>

#include "fuzz_util.h"
#include "http/basic_auth.h"

namespace hf = host_exporter::fuzz;
namespace hh = host_exporter::http;

namespace {

// crypt("secret", "$2b$04$abcdefghijklmnopqrstuu") and
// crypt("hunter2", "$2y$04$ZYXWVUTSRQPONMLKJIHGFe").
const char kAliceHash[] =
    "$2b$04$abcdefghijklmnopqrstuu2r9OfJnfCsdneAXAGHnS4UpFFP8WIrW";
const char kBobHash[] =
    "$2y$04$ZYXWVUTSRQPONMLKJIHGFeNwr8b9ishlri1Yz4ZB6DM1CALkyNASS";

std::string Base64(std::string_view in) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v =
        (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += {kAlphabet[(v >> 18) & 63], kAlphabet[(v >> 12) & 63],
            kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

bool Known(const std::string& user, const std::string& password) {
  return (user == "alice" && password == "secret") ||
         (user == "bob" && password == "hunter2");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static hh::BasicAuth* auth =
      new hh::BasicAuth({{"alice", kAliceHash}, {"bob", kBobHash}});
  std::string_view in = hf::AsText(data, size);
  const uint8_t mode = hf::TakeByte(&in);
  const std::string header = mode & 1 ? "Basic " + Base64(in) : std::string(in);

  std::string user, password;
  const bool decoded = hh::DecodeBasicAuth(header, &user, &password);
  if (decoded) FUZZ_CHECK(user.find(':') == std::string::npos);
  if (mode & 1) {
    // Our own encoding of "user:password" always decodes back to it.
    const size_t colon = in.find(':');
    FUZZ_CHECK(decoded == (colon != std::string_view::npos));
    if (decoded) {
      FUZZ_CHECK(user == in.substr(0, colon));
      FUZZ_CHECK(password == in.substr(colon + 1));
    }
  }
  const bool expected = decoded && Known(user, password);
  const bool ok = auth->Check(header);
  if (ok != expected) {
    std::fprintf(stderr,
                 "Check() = %d for user \"%s\" (password of %zu bytes)\n", ok,
                 user.c_str(), password.size());
  }
  FUZZ_CHECK(ok == expected);
  FUZZ_CHECK(auth->Check(header) == ok);
  return 0;
}
