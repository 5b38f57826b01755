// The web configuration file (--web.config.file), in the Prometheus
// exporter-toolkit format, so existing files work unchanged:
//
//   tls_server_config: {cert_file, key_file, client_auth_type,
//                       client_ca_file, min_version, max_version,
//                       cipher_suites, prefer_server_cipher_suites}
//   http_server_config: {headers: {Strict-Transport-Security: …}}
//   basic_auth_users: {user: bcrypt hash}
#ifndef HOST_EXPORTER_HTTP_WEB_CONFIG_H_
#define HOST_EXPORTER_HTTP_WEB_CONFIG_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace host_exporter::http {

/// Go's tls.ClientAuthType values.
enum class ClientAuth {
  kNoClientCert,
  kRequestClientCert,
  kRequireAnyClientCert,
  kVerifyClientCertIfGiven,
  kRequireAndVerifyClientCert,
};

/// tls_server_config.
struct TlsConfig {
  bool enabled = false;
  std::string cert_file;
  std::string key_file;
  ClientAuth client_auth = ClientAuth::kNoClientCert;
  std::string client_ca_file;
  int min_version = 0x0303;  ///< TLS 1.2 (exporter-toolkit's default)
  int max_version = 0;       ///< 0 = the highest supported (TLS 1.3)
  /// IANA names as Go spells them (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256);
  /// empty = OpenSSL's defaults. Apply to TLS 1.2 only, as in Go.
  std::vector<std::string> cipher_suites;
  bool prefer_server_cipher_suites = true;
};

/// The whole file.
struct WebConfig {
  TlsConfig tls;
  std::map<std::string, std::string> basic_auth_users;  ///< user → hash
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Parses and validates the YAML text of `path`. Errors name the file, the
/// line and the key, e.g. `web.yml:4: tls_server_config.min_version:
/// unknown TLS version "TLS99"`. Files named inside are checked for
/// readability; relative paths are resolved against the file's directory.
bool ParseWebConfig(const std::string& path, std::string_view text,
                    WebConfig* out, std::string* error);

/// Reads `path` and parses it.
bool LoadWebConfig(const std::string& path, WebConfig* out, std::string* error);

}  // namespace host_exporter::http

#endif  // HOST_EXPORTER_HTTP_WEB_CONFIG_H_
