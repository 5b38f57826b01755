#include "http/basic_auth.h"

#include <crypt.h>

#include <cstdint>
#include <memory>

#include "http/openssl_api.h"

namespace host_exporter::http {
namespace {

bool Base64Decode(std::string_view in, std::string* out) {
  static const std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  out->clear();
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : in) {
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad) return false;  // data after padding
    size_t v = kAlphabet.find(c);
    if (v == std::string_view::npos) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return pad <= 2 && (in.size() % 4 == 0 || pad == 0);
}

// OpenSSL is loaded by LoadWebConfig() when basic_auth_users has users.
std::string Sha256(const OpenSslApi& ssl, const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  ssl.EVP_Digest(data.data(), data.size(), md, &len, ssl.EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), len);
}

void AppendField(std::string* out, const std::string& s) {
  out->append(std::to_string(s.size())).push_back(':');
  out->append(s);
}

}  // namespace

bool DecodeBasicAuth(std::string_view header, std::string* user,
                     std::string* password) {
  constexpr std::string_view kBasicPrefix = "Basic ";
  if (header.size() <= kBasicPrefix.size()) return false;
  for (size_t i = 0; i < kBasicPrefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) !=
        std::tolower(static_cast<unsigned char>(kBasicPrefix[i]))) {
      return false;
    }
  }
  std::string decoded;
  if (!Base64Decode(header.substr(kBasicPrefix.size()), &decoded)) return false;
  size_t colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  *user = decoded.substr(0, colon);
  *password = decoded.substr(colon + 1);
  return true;
}

BasicAuth::BasicAuth(std::map<std::string, std::string> users)
    : users_(std::move(users)) {
  // A hash of the same cost as the first user's, for unknown users.
  std::string cost = "10";
  if (!users_.empty()) {
    const std::string& h = users_.begin()->second;
    if (h.size() > 6) cost = h.substr(4, 2);
  }
  dummy_hash_ = "$2y$" + cost + "$" + std::string(53, 'O');
}

bool BasicAuth::Verify(const OpenSslApi& ssl, const std::string& password,
                       const std::string& hash) {
  auto data = std::make_unique<crypt_data>();
  // crypt_r() reads a C string: "secret\0anything" would pass as "secret".
  // Such a password never matches (Go's bcrypt compares every byte), but it
  // still pays for a hash, so its answer takes as long as any other.
  const bool has_nul = password.find('\0') != std::string::npos;
  const char* out = crypt_r(password.c_str(), hash.c_str(), data.get());
  if (out == nullptr || out[0] == '*') return false;
  std::string_view got(out);
  return !has_nul && got.size() == hash.size() &&
         ssl.CRYPTO_memcmp(got.data(), hash.data(), hash.size()) == 0;
}

bool BasicAuth::Check(std::string_view authorization) {
  if (users_.empty()) return true;
  const OpenSslApi* ssl = OpenSsl();
  if (ssl == nullptr) return false;
  std::string user, password;
  if (!DecodeBasicAuth(authorization, &user, &password)) return false;
  auto it = users_.find(user);
  const bool known = it != users_.end();
  const std::string& hash = known ? it->second : dummy_hash_;
  std::string key_material;
  AppendField(&key_material, user);
  AppendField(&key_material, password);
  AppendField(&key_material, hash);
  const std::string key = Sha256(*ssl, key_material);
  if (known) {
    std::lock_guard<std::mutex> lock(mu_);
    if (cache_.count(key)) return true;
  }
  bool ok = Verify(*ssl, password, hash) && known;
  if (ok) {
    std::lock_guard<std::mutex> lock(mu_);
    if (cache_.size() >= 1024) cache_.clear();  // bounded
    cache_.insert(key);
  }
  return ok;
}

}  // namespace host_exporter::http
