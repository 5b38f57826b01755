// HTTP basic authentication against bcrypt hashes (basic_auth_users of the
// web config), verified with libcrypt's crypt_r.
#ifndef HOST_EXPORTER_HTTP_BASIC_AUTH_H_
#define HOST_EXPORTER_HTTP_BASIC_AUTH_H_

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace host_exporter::http {

/// Splits "Basic base64(user:password)"; false if malformed.
bool DecodeBasicAuth(std::string_view header, std::string* user,
                     std::string* password);

/// Checks credentials. Successful verifications are cached under a SHA-256
/// of (user, password, stored hash) with length prefixes, so a scrape does
/// not pay bcrypt each time and no crafted user/password split can collide
/// with a cached entry (node_exporter's CVE-2022-46146). An unknown user
/// costs one bcrypt run like a wrong password, so timing tells nothing.
struct OpenSslApi;

class BasicAuth {
 public:
  explicit BasicAuth(std::map<std::string, std::string> users);

  /// True when no users are configured (authentication off).
  bool disabled() const { return users_.empty(); }
  /// True if `authorization` (the header value, "" if absent) is valid.
  bool Check(std::string_view authorization);

 private:
  bool Verify(const OpenSslApi& ssl, const std::string& password,
              const std::string& hash);

  std::map<std::string, std::string> users_;
  std::string dummy_hash_;
  std::mutex mu_;
  std::set<std::string> cache_;
};

}  // namespace host_exporter::http

#endif  // HOST_EXPORTER_HTTP_BASIC_AUTH_H_
