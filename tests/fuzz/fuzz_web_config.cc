// Fuzzes http::ParseWebConfig (the exporter-toolkit YAML web config).
// Checks that errors name the file and that an accepted config holds only
// what the server can use: TLS with both files and a sane version range,
// bcrypt hashes, user names without ':', allowed headers without line
// breaks.
#include <string>

#include "fuzz_util.h"
#include "http/web_config.h"

namespace hf = host_exporter::fuzz;
namespace hh = host_exporter::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = hf::AsText(data, size);
  // Relative file names resolve to this (absent) directory, so they are
  // all unreadable; absolute ones may name real files.
  static const std::string kPath = "/nonexistent-fuzz-dir/web.yml";
  hh::WebConfig config;
  std::string error;
  if (!hh::ParseWebConfig(kPath, text, &config, &error)) {
    FUZZ_CHECK(error.rfind(kPath, 0) == 0);
    return 0;
  }
  const hh::TlsConfig& tls = config.tls;
  if (tls.enabled) {
    FUZZ_CHECK(!tls.cert_file.empty() && !tls.key_file.empty());
    FUZZ_CHECK(tls.max_version == 0 || tls.max_version >= tls.min_version);
    FUZZ_CHECK(tls.min_version >= 0x0301 && tls.min_version <= 0x0304);
    if (tls.client_auth == hh::ClientAuth::kVerifyClientCertIfGiven ||
        tls.client_auth == hh::ClientAuth::kRequireAndVerifyClientCert) {
      FUZZ_CHECK(!tls.client_ca_file.empty());
    }
  }
  for (const auto& [user, hash] : config.basic_auth_users) {
    FUZZ_CHECK(user.find(':') == std::string::npos);
    FUZZ_CHECK(hash.rfind("$2", 0) == 0 && hash.size() >= 59);
  }
  for (const auto& [name, value] : config.headers) {
    FUZZ_CHECK(name == "Strict-Transport-Security" ||
               name == "X-Content-Type-Options" || name == "X-Frame-Options" ||
               name == "X-XSS-Protection");
    FUZZ_CHECK(value.find_first_of("\r\n") == std::string::npos);
  }
  return 0;
}
