#include "http/web_config.h"

#include <unistd.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include "host_exporter/config.h"
#include "http/openssl_api.h"

namespace host_exporter::http {
namespace {

// exporter-toolkit accepts only these response headers, some only with
// fixed values (web/tls_config.go: extraHTTPHeaders).
const std::map<std::string, std::vector<std::string>>& AllowedHeaders() {
  static const std::map<std::string, std::vector<std::string>> h = {
      {"Strict-Transport-Security", {}},
      {"X-Content-Type-Options", {"nosniff"}},
      {"X-Frame-Options", {"deny", "sameorigin"}},
      {"X-XSS-Protection", {}},
  };
  return h;
}

class Parser {
 public:
  Parser(const std::string& path, std::string* error)
      : path_(path), error_(error) {}

  bool Fail(const YAML::Node& n, const std::string& key,
            const std::string& why) {
    std::string at = path_;
    if (n.IsDefined() && n.Mark().line >= 0)
      at += ":" + std::to_string(n.Mark().line + 1);
    *error_ = at + ": " + key + ": " + why;
    return false;
  }

  bool String(const YAML::Node& n, const std::string& key, std::string* out) {
    if (!n.IsScalar()) return Fail(n, key, "expected a string");
    *out = n.as<std::string>();
    return true;
  }

  bool Bool(const YAML::Node& n, const std::string& key, bool* out) {
    if (!n.IsScalar()) return Fail(n, key, "expected true or false");
    try {
      *out = n.as<bool>();
    } catch (const YAML::Exception&) {
      return Fail(n, key, "expected true or false, got \"" + n.Scalar() + "\"");
    }
    return true;
  }

  std::string Resolve(const std::string& file) const {
    if (file.empty() || file[0] == '/') return file;
    size_t slash = path_.rfind('/');
    return slash == std::string::npos ? file
                                      : path_.substr(0, slash + 1) + file;
  }

  bool File(const YAML::Node& n, const std::string& key, std::string* out) {
    if (!String(n, key, out)) return false;
    *out = Resolve(*out);
    if (!out->empty() && access(out->c_str(), R_OK) != 0) {
      return Fail(n, key,
                  "cannot read \"" + *out + "\": " + std::strerror(errno));
    }
    return true;
  }

  bool Version(const YAML::Node& n, const std::string& key, int* out) {
    std::string v;
    if (!String(n, key, &v)) return false;
    static const std::map<std::string, int> kVersions = {{"TLS10", 0x0301},
                                                         {"TLS11", 0x0302},
                                                         {"TLS12", 0x0303},
                                                         {"TLS13", 0x0304}};
    auto it = kVersions.find(v);
    if (it == kVersions.end()) {
      return Fail(
          n, key,
          "unknown TLS version \"" + v + "\" (TLS10, TLS11, TLS12, TLS13)");
    }
    *out = it->second;
    return true;
  }

  bool Tls(const YAML::Node& node, TlsConfig* tls) {
    const std::string p = "tls_server_config.";
    if (!node.IsMap())
      return Fail(node, "tls_server_config", "expected a mapping");
    for (const auto& kv : node) {
      const std::string k = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (k == "cert_file") {
        if (!File(v, p + k, &tls->cert_file)) return false;
      } else if (k == "key_file") {
        if (!File(v, p + k, &tls->key_file)) return false;
      } else if (k == "client_ca_file") {
        if (!File(v, p + k, &tls->client_ca_file)) return false;
      } else if (k == "client_auth_type") {
        std::string s;
        if (!String(v, p + k, &s)) return false;
        static const std::map<std::string, ClientAuth> kTypes = {
            {"NoClientCert", ClientAuth::kNoClientCert},
            {"RequestClientCert", ClientAuth::kRequestClientCert},
            {"RequireAnyClientCert", ClientAuth::kRequireAnyClientCert},
            {"VerifyClientCertIfGiven", ClientAuth::kVerifyClientCertIfGiven},
            {"RequireAndVerifyClientCert",
             ClientAuth::kRequireAndVerifyClientCert}};
        auto it = kTypes.find(s);
        if (it == kTypes.end()) {
          return Fail(v, p + k, "unknown client auth type \"" + s + "\"");
        }
        tls->client_auth = it->second;
      } else if (k == "min_version") {
        if (!Version(v, p + k, &tls->min_version)) return false;
      } else if (k == "max_version") {
        if (!Version(v, p + k, &tls->max_version)) return false;
      } else if (k == "cipher_suites") {
        if (!v.IsSequence())
          return Fail(v, p + k, "expected a list of cipher suite names");
        for (const auto& c : v) {
          std::string s;
          if (!String(c, p + k, &s)) return false;
          tls->cipher_suites.push_back(s);
        }
      } else if (k == "prefer_server_cipher_suites") {
        if (!Bool(v, p + k, &tls->prefer_server_cipher_suites)) return false;
      } else if (k == "curve_preferences" || k == "client_allowed_sans") {
        // Accepted for compatibility; OpenSSL's defaults apply.
      } else {
        return Fail(kv.first, p + k, "unknown key");
      }
    }
    if (tls->cert_file.empty() != tls->key_file.empty() ||
        tls->cert_file.empty()) {
      return Fail(node, "tls_server_config",
                  "cert_file and key_file are both required");
    }
    const bool verify =
        tls->client_auth == ClientAuth::kVerifyClientCertIfGiven ||
        tls->client_auth == ClientAuth::kRequireAndVerifyClientCert;
    if (verify && tls->client_ca_file.empty()) {
      return Fail(
          node, "tls_server_config.client_ca_file",
          "required when client_auth_type verifies client certificates");
    }
    if (tls->max_version != 0 && tls->max_version < tls->min_version) {
      return Fail(node, "tls_server_config.max_version",
                  "is lower than min_version");
    }
    tls->enabled = true;
    return true;
  }

  bool Http(const YAML::Node& node, WebConfig* c) {
    if (!node.IsMap())
      return Fail(node, "http_server_config", "expected a mapping");
    for (const auto& kv : node) {
      const std::string k = kv.first.as<std::string>();
      if (k == "http2") continue;  // accepted; this server speaks HTTP/1.1
      if (k != "headers")
        return Fail(kv.first, "http_server_config." + k, "unknown key");
      if (!kv.second.IsMap()) {
        return Fail(kv.second, "http_server_config.headers",
                    "expected a mapping");
      }
      for (const auto& h : kv.second) {
        const std::string name = h.first.as<std::string>();
        const std::string key = "http_server_config.headers." + name;
        auto it = AllowedHeaders().find(name);
        if (it == AllowedHeaders().end()) {
          return Fail(
              h.first, key,
              "header not allowed (allowed: Strict-Transport-Security, "
              "X-Content-Type-Options, X-Frame-Options, X-XSS-Protection)");
        }
        std::string value;
        if (!String(h.second, key, &value)) return false;
        if (!it->second.empty()) {
          std::string lower = value;
          for (char& ch : lower) ch = static_cast<char>(std::tolower(ch));
          bool ok = false;
          for (const auto& v : it->second) ok = ok || lower == v;
          if (!ok)
            return Fail(h.second, key, "invalid value \"" + value + "\"");
        }
        if (value.find_first_of("\r\n") != std::string::npos) {
          return Fail(h.second, key, "value must not contain a line break");
        }
        c->headers.emplace_back(name, value);
      }
    }
    return true;
  }

  bool Users(const YAML::Node& node, WebConfig* c) {
    if (!node.IsMap())
      return Fail(node, "basic_auth_users", "expected a mapping");
    for (const auto& kv : node) {
      const std::string user = kv.first.as<std::string>();
      std::string hash;
      if (!String(kv.second, "basic_auth_users." + user, &hash)) return false;
      if (hash.rfind("$2", 0) != 0 || hash.size() < 59) {
        return Fail(kv.second, "basic_auth_users." + user,
                    "expected a bcrypt hash ($2a$, $2b$ or $2y$)");
      }
      if (user.find(':') != std::string::npos) {
        return Fail(kv.first, "basic_auth_users." + user,
                    "user names cannot contain ':'");
      }
      c->basic_auth_users[user] = hash;
    }
    return true;
  }

  bool Top(const YAML::Node& root, WebConfig* c) {
    if (root.IsNull()) return true;  // an empty file: no TLS, no auth
    if (!root.IsMap()) return Fail(root, "(top level)", "expected a mapping");
    for (const auto& kv : root) {
      const std::string k = kv.first.as<std::string>();
      if (k == "tls_server_config") {
        if (!Tls(kv.second, &c->tls)) return false;
      } else if (k == "http_server_config") {
        if (!Http(kv.second, c)) return false;
      } else if (k == "basic_auth_users") {
        if (!Users(kv.second, c)) return false;
      } else {
        return Fail(kv.first, k, "unknown key");
      }
    }
    return true;
  }

 private:
  const std::string& path_;
  std::string* error_;
};

}  // namespace

bool ParseWebConfig(const std::string& path, std::string_view text,
                    WebConfig* out, std::string* error) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::DeepRecursion& e) {  // its message reads "bad file"
    *error = path + ":" + std::to_string(e.mark.line + 1) +
             ": invalid YAML: nested too deeply (" + std::to_string(e.depth()) +
             " levels)";
    return false;
  } catch (const YAML::Exception& e) {
    *error = path + ":" + std::to_string(e.mark.line + 1) +
             ": invalid YAML: " + e.msg;
    return false;
  }
  WebConfig c;
  Parser p(path, error);
  try {
    if (!p.Top(root, &c)) return false;
  } catch (const YAML::Exception& e) {
    *error = path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg;
    return false;
  }
  *out = std::move(c);
  return true;
}

bool LoadWebConfig(const std::string& path, WebConfig* out,
                   std::string* error) {
  // Bounded and never blocking (a FIFO or a device is refused), as the
  // JSON config file.
  std::string text;
  if (!ReadConfigFile(path, kMaxConfigFileBytes, &text, error, "web config"))
    return false;
  if (!ParseWebConfig(path, text, out, error)) return false;
  // TLS and basic auth call OpenSSL, loaded now (http/openssl_api.h): a
  // host without it learns so at start-up and from --check-config.
  std::string why;
  if ((out->tls.enabled || !out->basic_auth_users.empty()) &&
      OpenSsl(&why) == nullptr) {
    *error =
        path + ": tls_server_config and basic_auth_users need OpenSSL: " + why;
    return false;
  }
  return true;
}

}  // namespace host_exporter::http
