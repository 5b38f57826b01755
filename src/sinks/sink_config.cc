#include "sinks/sink_config.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>

#include "core/config_json.h"
#include "sinks/curl_api.h"

namespace host_exporter::sinks {
namespace {

// The config parser's helpers, so that the blocks' messages read the same.
namespace cj = config_json;
using json = nlohmann::json;
using std::chrono::milliseconds;

// An object of strings (tags, external_labels).
bool ParseStringMap(const json& v, const std::string& pointer,
                    const std::string& key, const ConfigLocator& loc,
                    std::map<std::string, std::string>* out,
                    std::string* error) {
  if (!v.is_object()) {
    *error = loc.At(pointer) + ": key " + cj::Quote(key) +
             ": expected an object of strings, got " + cj::JsonTypeName(v);
    return false;
  }
  out->clear();
  for (const auto& [k, e] : v.items()) {
    if (!e.is_string()) {
      *error = loc.At(pointer + "/" + k) + ": key " + cj::Quote(key + "." + k) +
               ": expected a string, got " + cj::JsonTypeName(e);
      return false;
    }
    (*out)[k] = e.get<std::string>();
  }
  return true;
}

// The script's `database.auth` block: username and password (or our
// password_file) in a sub-object. Each may be given here or directly in
// `database`, not both.
bool ParseDatabaseAuth(const json& auth, const ConfigLocator& loc,
                       DatabaseConfig* d, std::string* error) {
  auto fail = [&](const std::string& key, const std::string& why) {
    *error = loc.At("/database/auth" + (key.empty() ? "" : "/" + key)) +
             ": key " +
             cj::Quote("database.auth" + (key.empty() ? "" : "." + key)) +
             ": " + why;
    return false;
  };
  if (auth.is_null()) return true;  // the script read a missing auth as {}
  if (!auth.is_object())
    return fail("", "expected an object, got " + cj::JsonTypeName(auth));
  for (const auto& [key, v] : auth.items()) {
    std::string* target = key == "username"        ? &d->username
                          : key == "password"      ? &d->password
                          : key == "password_file" ? &d->password_file
                                                   : nullptr;
    if (target == nullptr) {
      return fail(key,
                  "unknown key (known: username, password, password_file)");
    }
    if (v.is_null()) continue;  // the script sent no credentials for null
    if (!v.is_string())
      return fail(key, "expected a string, got " + cj::JsonTypeName(v));
    if (!target->empty()) {
      return fail(key, "set either database." + key + " or database.auth." +
                           key + ", not both");
    }
    *target = v.get<std::string>();
    if (key == "password") d->password_key = "database.auth.password";
    if (key == "password_file")
      d->password_file_key = "database.auth.password_file";
  }
  return true;
}

// A push target URL as libcurl will use it: scheme http or https, a host, a
// port in 1-65535 (libcurl refuses larger ones), a bracketed IPv6 address
// closed. False with *why.
bool CheckPushUrl(const std::string& url, std::string* why) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    *why = "expected an http:// or https:// URL, got " + cj::Quote(url);
    return false;
  }
  std::string load_error;
  const CurlApi* api = Curl(&load_error);
  if (api == nullptr) {
    *why = load_error;
    return false;
  }
  CURLU* u = api->url();
  if (u == nullptr) {
    *why = "out of memory";
    return false;
  }
  bool ok = false;
  CURLUcode rc = api->url_set(u, CURLUPART_URL, url.c_str(), 0);
  char* host = nullptr;
  char* port = nullptr;
  if (rc != CURLUE_OK) {
    *why = "not a valid URL: " + cj::Quote(url) + ": " + api->url_strerror(rc);
  } else if (api->url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
             host == nullptr || host[0] == '\0') {
    *why = "no host in " + cj::Quote(url);
  } else if (api->url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK &&
             port != nullptr &&
             (std::atol(port) < 1 || std::atol(port) > 65535)) {
    *why = "port " + std::string(port) + " out of range 1-65535 in " +
           cj::Quote(url);
  } else {
    ok = true;
  }
  api->free(host);
  api->free(port);
  api->url_cleanup(u);
  return ok;
}

// The `disk_queue` object of the push block `block` ("database",
// "remote_write").
bool ParseDiskQueue(const json& v, const std::string& block,
                    const ConfigLocator& loc, DiskQueueConfig* out,
                    std::string* error) {
  auto fail = [&](const std::string& k, const std::string& why) {
    const std::string sub = k.empty() ? "" : "/" + k;
    *error = loc.At("/" + block + "/disk_queue" + sub) + ": key " +
             cj::Quote(block + ".disk_queue" + (k.empty() ? "" : "." + k)) +
             ": " + why;
    return false;
  };
  if (!v.is_object())
    return fail("", "expected an object, got " + cj::JsonTypeName(v));
  DiskQueueConfig q;
  q.enabled = true;
  for (const auto& [k, e] : v.items()) {
    if (k == "directory") {
      if (!e.is_string() || e.get<std::string>().empty() ||
          e.get<std::string>()[0] != '/') {
        return fail(k, "expected an absolute path, got " + e.dump());
      }
      q.directory = e.get<std::string>();
    } else if (k == "max_bytes") {
      if (!e.is_number_unsigned() || e.get<uint64_t>() < kMinDiskQueueBytes) {
        return fail(k, "expected an integer of at least " +
                           std::to_string(kMinDiskQueueBytes) + ", got " +
                           e.dump());
      }
      q.max_bytes = e.get<uint64_t>();
    } else {
      return fail(k, "unknown key (known: directory, max_bytes)");
    }
  }
  *out = q;
  return true;
}

bool ParseDatabase(const json& db, const ConfigLocator& loc,
                   DatabaseConfig* out, std::string* error) {
  auto fail = [&](const std::string& key, const std::string& why) {
    *error = loc.At("/database/" + key) + ": key " +
             cj::Quote("database." + key) + ": " + why;
    return false;
  };
  if (!db.is_object()) {
    *error = loc.At("/database") +
             ": key \"database\": expected an object, got " +
             cj::JsonTypeName(db);
    return false;
  }
  DatabaseConfig d;
  bool flush_given = false;
  static const std::set<std::string> kConfigStrings = {"type",
                                                       "url",
                                                       "username",
                                                       "password",
                                                       "password_file",
                                                       "database",
                                                       "retention_policy",
                                                       "precision",
                                                       "org",
                                                       "bucket",
                                                       "token",
                                                       "token_file"};
  for (const auto& [key, v] : db.items()) {
    if (kConfigStrings.count(key)) {
      if (!v.is_string())
        return fail(key, "expected a string, got " + cj::JsonTypeName(v));
      std::string s = v.get<std::string>();
      std::string* set_by_auth = key == "username"        ? &d.username
                                 : key == "password"      ? &d.password
                                 : key == "password_file" ? &d.password_file
                                                          : nullptr;
      if (set_by_auth != nullptr && !set_by_auth->empty()) {
        return fail(key, "set either database." + key + " or database.auth." +
                             key + ", not both");
      }
      if (key == "type") d.type = s;
      if (key == "url") d.url = s;
      if (key == "username") d.username = s;
      if (key == "password") d.password = s;
      if (key == "password_file") d.password_file = s;
      if (key == "database") d.database = s;
      if (key == "retention_policy") d.retention_policy = s;
      if (key == "precision") d.precision = s;
      if (key == "org") d.org = s;
      if (key == "bucket") d.bucket = s;
      if (key == "token") d.token = s;
      if (key == "token_file") d.token_file = s;
    } else if (key == "batch_size" || key == "max_buffer_points") {
      if (!v.is_number_unsigned() || v.get<uint64_t>() == 0) {
        return fail(key, "expected a positive integer, got " + v.dump());
      }
      if (key == "batch_size") d.batch_size = v.get<int>();
      if (key == "max_buffer_points") d.max_buffer_points = v.get<size_t>();
    } else if (key == "flush_interval" || key == "timeout") {
      std::string s, why;
      milliseconds ms{};
      if (!cj::ScalarToString(v, &s) || v.is_boolean() ||
          !cj::ParseDurationSetting(s, &ms, &why) || ms.count() <= 0) {
        return fail(key,
                    "expected a positive duration (\"10s\" or seconds), got " +
                        v.dump());
      }
      (key == "timeout" ? d.timeout : d.flush_interval) = ms;
      if (key == "flush_interval") flush_given = true;
    } else if (key == "auth") {
      // The script's spelling: "auth": {"username": …, "password": …}.
      if (!ParseDatabaseAuth(v, loc, &d, error)) return false;
    } else if (key == "format") {
      if (!v.is_string() || (v.get<std::string>() != "node" &&
                             v.get<std::string>() != "system_metrics")) {
        return fail(key,
                    "expected \"node\" (one measurement per metric family) "
                    "or \"system_metrics\" (the script's points), got " +
                        v.dump());
      }
      d.format = v.get<std::string>();
    } else if (key == "gzip" || key == "legacy_measurements") {
      if (!v.is_boolean())
        return fail(key, "expected true or false, got " + v.dump());
      (key == "gzip" ? d.gzip : d.legacy_measurements) = v.get<bool>();
    } else if (key == "min_backoff" || key == "max_backoff") {
      std::string s, why;
      milliseconds ms{};
      if (!cj::ScalarToString(v, &s) || v.is_boolean() ||
          !cj::ParseDurationSetting(s, &ms, &why) || ms.count() <= 0) {
        return fail(key,
                    "expected a positive duration (\"1s\" or seconds), got " +
                        v.dump());
      }
      (key == "min_backoff" ? d.min_backoff : d.max_backoff) = ms;
    } else if (key == "tags") {
      if (!ParseStringMap(v, "/database/tags", "database.tags", loc, &d.tags,
                          error)) {
        return false;
      }
    } else if (key == "disk_queue") {
      if (!ParseDiskQueue(v, "database", loc, &d.disk_queue, error))
        return false;
    } else {
      return fail(key, "unknown key");
    }
  }
  // The script sent every cycle's four points at once: so does its format,
  // unless told otherwise (a second at most, not the batching default).
  if (d.format == "system_metrics" && !flush_given)
    d.flush_interval = std::chrono::seconds(1);
  // The script did not look at `type`; accept its spelling in any case.
  for (char& c : d.type) c = static_cast<char>(std::tolower(c));
  if (d.type != "influxdb") {
    return fail("type",
                "only \"influxdb\" is supported, got " + cj::Quote(d.type));
  }
  if (std::string why; !CheckPushUrl(d.url, &why)) return fail("url", why);
  if (d.precision != "ns" && d.precision != "us" && d.precision != "ms" &&
      d.precision != "s") {
    return fail("precision",
                "expected one of ns, us, ms, s, got " + cj::Quote(d.precision));
  }
  if (!d.password.empty() && !d.password_file.empty()) {
    std::string pointer = "/" + d.password_file_key;
    std::replace(pointer.begin(), pointer.end(), '.', '/');
    *error = loc.At(pointer) + ": key " + cj::Quote(d.password_file_key) +
             ": set either " + d.password_key + " or " + d.password_file_key +
             ", not both";
    return false;
  }
  if (!d.token.empty() && !d.token_file.empty()) {
    return fail("token_file", "set either token or token_file, not both");
  }
  if ((!d.org.empty() || !d.token.empty() || !d.token_file.empty()) &&
      d.bucket.empty() && d.url.find("bucket=") == std::string::npos) {
    return fail("bucket", "InfluxDB 2.x (org, token) needs a bucket");
  }
  if (d.min_backoff > d.max_backoff) {
    return fail("max_backoff", "must not be less than min_backoff");
  }
  d.enabled = true;
  *out = d;
  return true;
}

bool ParseRemoteWrite(const json& rw, const ConfigLocator& loc,
                      RemoteWriteConfig* out, std::string* error) {
  // `key` is a JSON pointer below /remote_write ("queue/capacity").
  auto fail = [&](const std::string& key, const std::string& why) {
    std::string dotted = key;
    std::replace(dotted.begin(), dotted.end(), '/', '.');
    *error = loc.At("/remote_write/" + key) + ": key " +
             cj::Quote("remote_write." + dotted) + ": " + why;
    return false;
  };
  auto object = [&](const json& v, const std::string& key) {
    if (v.is_object()) return true;
    fail(key, "expected an object, got " + cj::JsonTypeName(v));
    return false;
  };
  if (!rw.is_object()) {
    *error = loc.At("/remote_write") +
             ": key \"remote_write\": expected an object, got " +
             cj::JsonTypeName(rw);
    return false;
  }
  auto str = [&](const json& v, const std::string& key, std::string* dst) {
    if (!v.is_string())
      return fail(key, "expected a string, got " + cj::JsonTypeName(v));
    *dst = v.get<std::string>();
    return true;
  };
  auto duration = [&](const json& v, const std::string& key,
                      milliseconds* dst) {
    std::string s, why;
    milliseconds ms{};
    if (!cj::ScalarToString(v, &s) || v.is_boolean() ||
        !cj::ParseDurationSetting(s, &ms, &why) || ms.count() <= 0) {
      return fail(
          key,
          "expected a positive duration (\"5s\" or seconds), got " + v.dump());
    }
    *dst = ms;
    return true;
  };
  auto count = [&](const json& v, const std::string& key, size_t* dst) {
    if (!v.is_number_unsigned() || v.get<uint64_t>() == 0) {
      return fail(key, "expected a positive integer, got " + v.dump());
    }
    *dst = v.get<size_t>();
    return true;
  };
  RemoteWriteConfig r;
  for (const auto& [key, v] : rw.items()) {
    if (key == "url") {
      if (!str(v, key, &r.url)) return false;
    } else if (key == "bearer_token") {
      if (!str(v, key, &r.bearer_token)) return false;
    } else if (key == "bearer_token_file") {
      if (!str(v, key, &r.bearer_token_file)) return false;
    } else if (key == "remote_timeout") {
      if (!duration(v, key, &r.remote_timeout)) return false;
    } else if (key == "basic_auth") {
      if (!object(v, key)) return false;
      for (const auto& [k, bv] : v.items()) {
        const std::string sub = key + "/" + k;
        if (k == "username") {
          if (!str(bv, sub, &r.username)) return false;
        } else if (k == "password") {
          if (!str(bv, sub, &r.password)) return false;
        } else if (k == "password_file") {
          if (!str(bv, sub, &r.password_file)) return false;
        } else {
          return fail(sub,
                      "unknown key (known: username, password, password_file)");
        }
      }
      if (r.username.empty()) return fail(key, "needs a username");
      if (!r.password.empty() && !r.password_file.empty()) {
        return fail(key + "/password_file",
                    "set either password or password_file, not both");
      }
    } else if (key == "queue") {
      if (!object(v, key)) return false;
      for (const auto& [k, qv] : v.items()) {
        const std::string sub = key + "/" + k;
        bool ok;
        if (k == "capacity") {
          ok = count(qv, sub, &r.capacity);
        } else if (k == "max_samples_per_send") {
          ok = count(qv, sub, &r.max_samples_per_send);
        } else if (k == "batch_send_deadline") {
          ok = duration(qv, sub, &r.batch_send_deadline);
        } else if (k == "min_backoff") {
          ok = duration(qv, sub, &r.min_backoff);
        } else if (k == "max_backoff") {
          ok = duration(qv, sub, &r.max_backoff);
        } else {
          return fail(sub,
                      "unknown key (known: capacity, max_samples_per_send, "
                      "batch_send_deadline, min_backoff, max_backoff)");
        }
        if (!ok) return false;
      }
      if (r.min_backoff > r.max_backoff) {
        return fail(key + "/max_backoff", "must not be less than min_backoff");
      }
    } else if (key == "external_labels") {
      if (!ParseStringMap(v, "/remote_write/external_labels",
                          "remote_write.external_labels", loc,
                          &r.external_labels, error)) {
        return false;
      }
      for (const auto& [name, value] : r.external_labels) {
        bool valid = !name.empty() && name.rfind("__", 0) != 0 &&
                     !std::isdigit(static_cast<unsigned char>(name[0]));
        for (char c : name) {
          valid = valid &&
                  (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
        }
        if (!valid) {
          return fail(
              "external_labels/" + name,
              "not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not __*)");
        }
      }
    } else if (key == "disk_queue") {
      if (!ParseDiskQueue(v, "remote_write", loc, &r.disk_queue, error))
        return false;
    } else {
      return fail(key, "unknown key");
    }
  }
  if (std::string why; !CheckPushUrl(r.url, &why)) return fail("url", why);
  if (!r.bearer_token.empty() && !r.bearer_token_file.empty()) {
    return fail("bearer_token_file",
                "set either bearer_token or bearer_token_file, not both");
  }
  if (!r.username.empty() &&
      (!r.bearer_token.empty() || !r.bearer_token_file.empty())) {
    return fail("bearer_token",
                "set either basic_auth or a bearer token, not both");
  }
  r.enabled = true;
  *out = r;
  return true;
}

}  // namespace

ConfigBlockParsers SinkConfigParsers(SinkConfig* out) {
  return {
      {"database",
       [out](const json& v, const ConfigLocator& loc, std::string* error) {
         return ParseDatabase(v, loc, &out->database, error);
       }},
      {"remote_write",
       [out](const json& v, const ConfigLocator& loc, std::string* error) {
         return ParseRemoteWrite(v, loc, &out->remote_write, error);
       }},
  };
}

}  // namespace host_exporter::sinks
