#include "http/web_config.h"

#include <crypt.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>

#include "http/basic_auth.h"

namespace host_exporter::http {
namespace {

std::string Bcrypt(const std::string& password) {
  auto data = std::make_unique<crypt_data>();
  // Cost 4 keeps the test fast; the salt is fixed for reproducibility.
  return crypt_r(password.c_str(), "$2b$04$abcdefghijklmnopqrstuu", data.get());
}

TEST(WebConfigTest, EmptyFileMeansNoTlsNoAuth) {
  WebConfig c;
  std::string err;
  ASSERT_TRUE(ParseWebConfig("w.yml", "", &c, &err)) << err;
  EXPECT_FALSE(c.tls.enabled);
  EXPECT_TRUE(c.basic_auth_users.empty());
}

TEST(WebConfigTest, ParsesExporterToolkitFile) {
  const std::string hash = Bcrypt("secret");
  const std::string text =
      "tls_server_config:\n"
      "  cert_file: /dev/null\n"
      "  key_file: /dev/null\n"
      "  client_auth_type: RequireAndVerifyClientCert\n"
      "  client_ca_file: /dev/null\n"
      "  min_version: TLS13\n"
      "  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n"
      "http_server_config:\n"
      "  headers:\n"
      "    Strict-Transport-Security: max-age=31536000\n"
      "    X-Content-Type-Options: nosniff\n"
      "basic_auth_users:\n"
      "  alice: " +
      hash + "\n";
  WebConfig c;
  std::string err;
  ASSERT_TRUE(ParseWebConfig("w.yml", text, &c, &err)) << err;
  EXPECT_TRUE(c.tls.enabled);
  EXPECT_EQ(c.tls.client_auth, ClientAuth::kRequireAndVerifyClientCert);
  EXPECT_EQ(c.tls.min_version, 0x0304);
  ASSERT_EQ(c.headers.size(), 2u);
  EXPECT_EQ(c.basic_auth_users.at("alice"), hash);
}

// yaml-cpp stops a deep document with its own "bad file" message; the
// error says what is wrong.
TEST(WebConfigTest, DeepNestingIsNamed) {
  WebConfig c;
  std::string err;
  EXPECT_FALSE(ParseWebConfig(
      "w.yml", std::string(100000, '[') + std::string(100000, ']') + "\n", &c,
      &err));
  EXPECT_EQ(err.rfind("w.yml:", 0), 0u) << err;
  EXPECT_NE(err.find(": invalid YAML: nested too deeply ("), std::string::npos)
      << err;
}

TEST(WebConfigTest, ErrorsNameLineAndKey) {
  WebConfig c;
  std::string err;
  EXPECT_FALSE(ParseWebConfig("w.yml",
                              "tls_server_config:\n  cert_file: /dev/null\n"
                              "  key_file: /dev/null\n  min_version: TLS99\n",
                              &c, &err));
  EXPECT_EQ(
      err,
      "w.yml:4: tls_server_config.min_version: unknown TLS version \"TLS99\" "
      "(TLS10, TLS11, TLS12, TLS13)");
  EXPECT_FALSE(ParseWebConfig(
      "w.yml", "http_server_config:\n  headers:\n    Server: x\n", &c, &err));
  EXPECT_EQ(
      err.rfind(
          "w.yml:3: http_server_config.headers.Server: header not allowed", 0),
      0u)
      << err;
  EXPECT_FALSE(ParseWebConfig("w.yml",
                              "http_server_config:\n  headers:\n"
                              "    X-Frame-Options: allow\n",
                              &c, &err));
  EXPECT_EQ(err,
            "w.yml:3: http_server_config.headers.X-Frame-Options: invalid "
            "value \"allow\"");
  EXPECT_FALSE(ParseWebConfig("w.yml", "basic_auth_users:\n  bob: plaintext\n",
                              &c, &err));
  EXPECT_EQ(err,
            "w.yml:2: basic_auth_users.bob: expected a bcrypt hash ($2a$, $2b$ "
            "or $2y$)");
  EXPECT_FALSE(ParseWebConfig(
      "w.yml", "tls_server_config:\n  cert_file: /nonexistent.pem\n", &c,
      &err));
  EXPECT_EQ(err.rfind("w.yml:2: tls_server_config.cert_file: cannot read "
                      "\"/nonexistent.pem\"",
                      0),
            0u)
      << err;
  EXPECT_FALSE(ParseWebConfig("w.yml", "bogus: 1\n", &c, &err));
  EXPECT_EQ(err, "w.yml:1: bogus: unknown key");
  EXPECT_FALSE(ParseWebConfig("w.yml", "a: [1\n", &c, &err));
  EXPECT_EQ(err.rfind("w.yml:", 0), 0u);
  EXPECT_NE(err.find("invalid YAML"), std::string::npos) << err;
  EXPECT_FALSE(
      ParseWebConfig("w.yml",
                     "tls_server_config:\n  cert_file: /dev/null\n"
                     "  key_file: /dev/null\n"
                     "  client_auth_type: RequireAndVerifyClientCert\n",
                     &c, &err));
  EXPECT_EQ(err,
            "w.yml:2: tls_server_config.client_ca_file: required when "
            "client_auth_type verifies client certificates");
}

std::string BasicHeader(const std::string& user_pass) {
  static const char* k =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < user_pass.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(user_pass[i]) << 16) |
                 (static_cast<unsigned char>(user_pass[i + 1]) << 8) |
                 static_cast<unsigned char>(user_pass[i + 2]);
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += k[v & 63];
  }
  if (user_pass.size() - i == 1) {
    unsigned v = static_cast<unsigned char>(user_pass[i]) << 16;
    out += std::string{k[(v >> 18) & 63], k[(v >> 12) & 63], '=', '='};
  } else if (user_pass.size() - i == 2) {
    unsigned v = (static_cast<unsigned char>(user_pass[i]) << 16) |
                 (static_cast<unsigned char>(user_pass[i + 1]) << 8);
    out += std::string{k[(v >> 18) & 63], k[(v >> 12) & 63], k[(v >> 6) & 63],
                       '='};
  }
  return "Basic " + out;
}

TEST(BasicAuthTest, DecodeHeader) {
  std::string u, p;
  ASSERT_TRUE(DecodeBasicAuth(BasicHeader("alice:s:ecret"), &u, &p));
  EXPECT_EQ(u, "alice");
  EXPECT_EQ(p, "s:ecret");
  EXPECT_FALSE(DecodeBasicAuth("Bearer abc", &u, &p));
  EXPECT_FALSE(DecodeBasicAuth("Basic !!!!", &u, &p));
  EXPECT_FALSE(DecodeBasicAuth(BasicHeader("nocolon"), &u, &p));
  EXPECT_FALSE(DecodeBasicAuth("", &u, &p));
}

TEST(BasicAuthTest, RightWrongMissingUnknown) {
  BasicAuth auth({{"alice", Bcrypt("secret")}});
  EXPECT_FALSE(auth.disabled());
  EXPECT_TRUE(auth.Check(BasicHeader("alice:secret")));
  EXPECT_TRUE(auth.Check(BasicHeader("alice:secret")));  // cached
  EXPECT_FALSE(auth.Check(BasicHeader("alice:wrong")));
  EXPECT_FALSE(auth.Check(BasicHeader("mallory:secret")));
  EXPECT_FALSE(auth.Check(""));
}

// Found by tests/fuzz (regressions/basic_auth): crypt_r() stops at a NUL, so
// "secret\0..." passed as "secret".
TEST(BasicAuthTest, PasswordWithNulByteIsRejected) {
  BasicAuth auth({{"alice", Bcrypt("secret")}});
  EXPECT_FALSE(auth.Check(BasicHeader(std::string("alice:secret\0", 13))));
  EXPECT_FALSE(
      auth.Check(BasicHeader(std::string("alice:secret\0anything", 21))));
  EXPECT_TRUE(auth.Check(BasicHeader("alice:secret")));
  EXPECT_FALSE(auth.Check(
      BasicHeader(std::string("alice:secret\0", 13))));  // not via the cache
}

TEST(BasicAuthTest, CachedHashReplayIsRejected) {
  // CVE-2022-46146: a cache keyed by the plain concatenation of user, hash
  // and password let other splits of the same bytes through once the right
  // credentials had been used. Our key is length-prefixed.
  const std::string hash = Bcrypt("secret");
  BasicAuth auth({{"alice", hash}, {"alic", Bcrypt("other")}});
  ASSERT_TRUE(auth.Check(BasicHeader("alice:secret")));
  EXPECT_FALSE(auth.Check(BasicHeader("alic:esecret")));
  EXPECT_FALSE(auth.Check(BasicHeader("alice:" + hash)));
  EXPECT_FALSE(auth.Check(BasicHeader("alice:secre")));
}

TEST(BasicAuthTest, NoUsersMeansDisabled) {
  BasicAuth auth({});
  EXPECT_TRUE(auth.disabled());
  EXPECT_TRUE(auth.Check(""));
}

}  // namespace
}  // namespace host_exporter::http
