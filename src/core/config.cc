#include "host_exporter/config.h"

#include <sys/stat.h>
#include <curl/curl.h>  // push sinks: URL checks (libcurl's URL API)

#include <algorithm>
#include <cctype>  // push sinks: label names
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "collectors/toolkit.h"
#include "parse/duration.h"
#include "parse/parse_util.h"

namespace host_exporter {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;

constexpr char kDefaultListen[] = ":9100";

// Thrown by the parser callback when a document nests too deeply.
struct TooDeep {};

// Keys of the script-era `logging` block and what they stand for.
const std::map<std::string, std::string>& LegacyLoggingKeys() {
  static const std::map<std::string, std::string> m = {
      {"log_file", "log.file"}, {"log_level", "log.level"}};
  return m;
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// Where a key sits: "file:line" (or just the file if the line is unknown).
struct Locator {
  const std::string& path;
  const std::map<std::string, int>& lines;
  std::string At(const std::string& pointer) const {
    auto it = lines.find(pointer);
    return it == lines.end() ? path : path + ":" + std::to_string(it->second);
  }
};

std::string Dotted(const std::string& pointer) {
  std::string s = pointer.substr(1);
  std::replace(s.begin(), s.end(), '/', '.');
  return s;
}

// Converts a scalar JSON value to the string form flags use.
bool ScalarToString(const json& v, std::string* out) {
  if (v.is_string()) {
    *out = v.get<std::string>();
  } else if (v.is_boolean()) {
    *out = v.get<bool>() ? "true" : "false";
  } else if (v.is_number_integer() || v.is_number_unsigned()) {
    *out = v.dump();
  } else if (v.is_number_float()) {
    *out = v.dump();
  } else {
    return false;
  }
  return true;
}

std::string JsonTypeName(const json& v) {
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_null()) return "null";
  return "a number";
}

// Every key a setting may have: global flags, collector.<name>, and the
// collectors' own options, with whether it is a list and a switch.
struct KeyInfo {
  bool repeatable = false;
  bool boolean = false;
};

const std::map<std::string, KeyInfo>& KnownKeys() {
  static const std::map<std::string, KeyInfo> keys = [] {
    std::map<std::string, KeyInfo> k;
    for (const FlagSpec& f : GlobalFlags())
      k[f.name] = {f.repeatable, f.boolean};
    for (const CollectorSpec& c : AllCollectors()) {
      k["collector." + std::string(c.name)] = {false, true};
      for (const OptionSpec& o : c.options)
        k[o.name] = {o.repeatable, o.boolean};
    }
    return k;
  }();
  return keys;
}

bool ParseBool(const std::string& s, bool* out) {
  if (s == "true" || s == "1" || s == "yes") {
    *out = true;
  } else if (s == "false" || s == "0" || s == "no") {
    *out = false;
  } else {
    return false;
  }
  return true;
}

// A duration from a flag ("5s", Go syntax) or a JSON number (seconds).
bool ParseDurationSetting(const std::string& s, milliseconds* out,
                          std::string* why) {
  if (auto secs = parse::ParseDouble(s); secs && *secs >= 0) {
    *out = milliseconds(static_cast<int64_t>(*secs * 1000));
    return true;
  }
  auto d = parse::ParseDuration(s);
  if (!d.ok()) {
    *why = d.error;
    return false;
  }
  *out = std::chrono::duration_cast<milliseconds>(d.value);
  return true;
}

// --- push sinks: an object of strings (tags, external_labels) ---
bool ParseStringMap(const json& v, const std::string& pointer,
                    const std::string& key, const Locator& loc,
                    std::map<std::string, std::string>* out,
                    std::string* error) {
  if (!v.is_object()) {
    *error = loc.At(pointer) + ": key " + Quote(key) +
             ": expected an object of strings, got " + JsonTypeName(v);
    return false;
  }
  out->clear();
  for (const auto& [k, e] : v.items()) {
    if (!e.is_string()) {
      *error = loc.At(pointer + "/" + k) + ": key " + Quote(key + "." + k) +
               ": expected a string, got " + JsonTypeName(e);
      return false;
    }
    (*out)[k] = e.get<std::string>();
  }
  return true;
}
// --- end push sinks ---

// The script's `database.auth` block: username and password (or our
// password_file) in a sub-object. Each may be given here or directly in
// `database`, not both.
bool ParseDatabaseAuth(const json& auth, const Locator& loc, DatabaseConfig* d,
                       std::string* error) {
  auto fail = [&](const std::string& key, const std::string& why) {
    *error =
        loc.At("/database/auth" + (key.empty() ? "" : "/" + key)) + ": key " +
        Quote("database.auth" + (key.empty() ? "" : "." + key)) + ": " + why;
    return false;
  };
  if (auth.is_null()) return true;  // the script read a missing auth as {}
  if (!auth.is_object())
    return fail("", "expected an object, got " + JsonTypeName(auth));
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
      return fail(key, "expected a string, got " + JsonTypeName(v));
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

// --- push sinks: URL and disk_queue checks ---
// A push target URL as libcurl will use it: scheme http or https, a host, a
// port in 1-65535 (libcurl refuses larger ones), a bracketed IPv6 address
// closed. False with *why.
bool CheckPushUrl(const std::string& url, std::string* why) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    *why = "expected an http:// or https:// URL, got " + Quote(url);
    return false;
  }
  CURLU* u = curl_url();
  if (u == nullptr) {
    *why = "out of memory";
    return false;
  }
  bool ok = false;
  CURLUcode rc = curl_url_set(u, CURLUPART_URL, url.c_str(), 0);
  char* host = nullptr;
  char* port = nullptr;
  if (rc != CURLUE_OK) {
    *why = "not a valid URL: " + Quote(url) + ": " + curl_url_strerror(rc);
  } else if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
             host == nullptr || host[0] == '\0') {
    *why = "no host in " + Quote(url);
  } else if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK &&
             port != nullptr &&
             (std::atol(port) < 1 || std::atol(port) > 65535)) {
    *why =
        "port " + std::string(port) + " out of range 1-65535 in " + Quote(url);
  } else {
    ok = true;
  }
  curl_free(host);
  curl_free(port);
  curl_url_cleanup(u);
  return ok;
}

// The `disk_queue` object of the push block `block` ("database",
// "remote_write").
bool ParseDiskQueue(const json& v, const std::string& block, const Locator& loc,
                    DiskQueueConfig* out, std::string* error) {
  auto fail = [&](const std::string& k, const std::string& why) {
    const std::string sub = k.empty() ? "" : "/" + k;
    *error = loc.At("/" + block + "/disk_queue" + sub) + ": key " +
             Quote(block + ".disk_queue" + (k.empty() ? "" : "." + k)) + ": " +
             why;
    return false;
  };
  if (!v.is_object())
    return fail("", "expected an object, got " + JsonTypeName(v));
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
// --- end push sinks ---

bool ParseDatabase(const json& db, const Locator& loc, DatabaseConfig* out,
                   std::string* error) {
  auto fail = [&](const std::string& key, const std::string& why) {
    *error = loc.At("/database/" + key) + ": key " + Quote("database." + key) +
             ": " + why;
    return false;
  };
  if (!db.is_object()) {
    *error = loc.At("/database") +
             ": key \"database\": expected an object, got " + JsonTypeName(db);
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
        return fail(key, "expected a string, got " + JsonTypeName(v));
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
      if (!ScalarToString(v, &s) || v.is_boolean() ||
          !ParseDurationSetting(s, &ms, &why) || ms.count() <= 0) {
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
      // --- push sinks: added keys ---
    } else if (key == "min_backoff" || key == "max_backoff") {
      std::string s, why;
      milliseconds ms{};
      if (!ScalarToString(v, &s) || v.is_boolean() ||
          !ParseDurationSetting(s, &ms, &why) || ms.count() <= 0) {
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
      // --- end push sinks ---
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
    return fail("type", "only \"influxdb\" is supported, got " + Quote(d.type));
  }
  if (std::string why; !CheckPushUrl(d.url, &why)) return fail("url", why);
  if (d.precision != "ns" && d.precision != "us" && d.precision != "ms" &&
      d.precision != "s") {
    return fail("precision",
                "expected one of ns, us, ms, s, got " + Quote(d.precision));
  }
  if (!d.password.empty() && !d.password_file.empty()) {
    std::string pointer = "/" + d.password_file_key;
    std::replace(pointer.begin(), pointer.end(), '.', '/');
    *error = loc.At(pointer) + ": key " + Quote(d.password_file_key) +
             ": set either " + d.password_key + " or " + d.password_file_key +
             ", not both";
    return false;
  }
  if (!d.token.empty() && !d.token_file.empty()) {
    return fail("token_file", "set either token or token_file, not both");
  }
  // --- push sinks: added checks ---
  if ((!d.org.empty() || !d.token.empty() || !d.token_file.empty()) &&
      d.bucket.empty() && d.url.find("bucket=") == std::string::npos) {
    return fail("bucket", "InfluxDB 2.x (org, token) needs a bucket");
  }
  if (d.min_backoff > d.max_backoff) {
    return fail("max_backoff", "must not be less than min_backoff");
  }
  // --- end push sinks ---
  d.enabled = true;
  *out = d;
  return true;
}

// --- push sinks: the remote_write block ---
bool ParseRemoteWrite(const json& rw, const Locator& loc,
                      RemoteWriteConfig* out, std::string* error) {
  // `key` is a JSON pointer below /remote_write ("queue/capacity").
  auto fail = [&](const std::string& key, const std::string& why) {
    std::string dotted = key;
    std::replace(dotted.begin(), dotted.end(), '/', '.');
    *error = loc.At("/remote_write/" + key) + ": key " +
             Quote("remote_write." + dotted) + ": " + why;
    return false;
  };
  auto object = [&](const json& v, const std::string& key) {
    if (v.is_object()) return true;
    fail(key, "expected an object, got " + JsonTypeName(v));
    return false;
  };
  if (!rw.is_object()) {
    *error = loc.At("/remote_write") +
             ": key \"remote_write\": expected an object, got " +
             JsonTypeName(rw);
    return false;
  }
  auto str = [&](const json& v, const std::string& key, std::string* dst) {
    if (!v.is_string())
      return fail(key, "expected a string, got " + JsonTypeName(v));
    *dst = v.get<std::string>();
    return true;
  };
  auto duration = [&](const json& v, const std::string& key,
                      milliseconds* dst) {
    std::string s, why;
    milliseconds ms{};
    if (!ScalarToString(v, &s) || v.is_boolean() ||
        !ParseDurationSetting(s, &ms, &why) || ms.count() <= 0) {
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
// --- end push sinks ---

}  // namespace

const std::vector<FlagSpec>& GlobalFlags() {
  static const std::vector<FlagSpec> flags = {
      {"web.listen-address", kDefaultListen,
       "Addresses on which to expose metrics and web interface. Repeatable "
       "for multiple addresses. \":9100\" listens on all IPv4 and IPv6 "
       "addresses.",
       true, false},
      {"web.telemetry-path", "/metrics", "Path under which to expose metrics.",
       false, false},
      {"web.route-prefix", "",
       "Prefix of every path, for a reverse proxy that forwards e.g. /node/* "
       "unchanged (\"/node\" serves /node/metrics).",
       false, false},
      {"web.config.file", "",
       "Path to a configuration file that can enable TLS or authentication "
       "(exporter-toolkit format). Re-read on SIGHUP; certificates also when "
       "they change.",
       false, false},
      {"web.max-requests", "40",
       "Maximum number of parallel scrape requests. Use 0 to disable.", false,
       false},
      {"path.procfs", "/proc", "procfs mountpoint.", false, false},
      {"path.sysfs", "/sys", "sysfs mountpoint.", false, false},
      {"path.rootfs", "/", "rootfs mountpoint.", false, false},
      {"collector.disable-defaults", "false",
       "Set all collectors to disabled by default.", false, true},
      {"collection.interval", "5s",
       "How often collectors run (at least 100ms) without scrapers, while requests come "
       "irregularly, and always with a push sink (with steady scrapers, a "
       "cycle ends just before each scrape); scrapes serve the latest result.",
       false, false},
      {"collection.max-age", "90s",
       "Longest time values may go without a new cycle. Cycles are planned "
       "to end just before the scrapes (their cadence learned from /metrics "
       "arrivals), every collection.interval without scrapers or with push "
       "sinks; this bounds the gap for slow or stopped scrapers (at least "
       "collection.interval).",
       false, false},
      {"collector.timeout", "4s",
       "Deadline of one collector run (capped at the collection interval); a "
       "collector past it reports node_scrape_collector_success 0.",
       false, false},
      {"log.level", "info",
       "Only log messages with the given severity or above. One of: [debug, "
       "info, warn, error]",
       false, false},
      {"log.format", "logfmt",
       "Output format of log messages. One of: [logfmt, json]", false, false},
      {"log.file", "",
       "Write the log to this file instead of stderr (reopened on SIGHUP).",
       false, false},
  };
  return flags;
}

const std::map<std::string, std::vector<std::string>>& LegacyMetricToggles() {
  static const std::map<std::string, std::vector<std::string>> m = {
      {"cpu", {"cpu", "loadavg"}},
      {"memory", {"meminfo"}},
      {"disk", {"diskstats", "filesystem"}},
      {"network", {"netdev"}},
  };
  return m;
}

std::map<std::string, int> JsonKeyLines(std::string_view text) {
  std::map<std::string, int> lines;
  struct Frame {
    bool object;
    std::string pointer;
    std::string pending_key;  // object: last key seen
    int index = 0;            // array: next element index
  };
  std::vector<Frame> stack;
  int line = 1;
  bool expect_key = false;
  auto child_pointer = [&]() -> std::string {
    if (stack.empty()) return "";
    Frame& f = stack.back();
    if (f.object) return f.pointer + "/" + f.pending_key;
    return f.pointer + "/" + std::to_string(f.index);
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      ++line;
    } else if (c == '"') {
      std::string s;
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          ++i;
          s.push_back(text[i] == 'n' ? '\n' : text[i]);
        } else {
          if (text[i] == '\n') ++line;
          s.push_back(text[i]);
        }
      }
      if (!stack.empty() && stack.back().object && expect_key) {
        stack.back().pending_key = s;
        lines[child_pointer()] = line;
        expect_key = false;
      }
    } else if (c == '{' || c == '[') {
      std::string p = child_pointer();
      stack.push_back({c == '{', p, "", 0});
      expect_key = c == '{';
    } else if (c == '}' || c == ']') {
      if (!stack.empty()) stack.pop_back();
      expect_key = false;
    } else if (c == ',') {
      if (!stack.empty()) {
        if (stack.back().object) {
          expect_key = true;
        } else {
          ++stack.back().index;
        }
      }
    }
  }
  return lines;
}

bool ParseConfigFile(const std::string& path, std::string_view text,
                     Settings* settings, DatabaseConfig* database,
                     std::string* error) {
  RemoteWriteConfig ignored;  // push sinks: callers that predate remote_write
  return ParseConfigFile(path, text, settings, database, &ignored, error);
}

bool ParseConfigFile(const std::string& path, std::string_view text,
                     Settings* settings, DatabaseConfig* database,
                     RemoteWriteConfig* remote_write, std::string* error) {
  if (text.size() > kMaxConfigFileBytes) {
    *error = path + ": larger than " + std::to_string(kMaxConfigFileBytes) +
             " bytes, not a config file";
    return false;
  }
  json doc;
  // Depth is bounded while parsing: deeper documents are refused at the
  // first level too many, before any work that grows with the depth.
  const json::parser_callback_t depth_limit =
      [](int depth, json::parse_event_t event, json&) {
        if ((event == json::parse_event_t::object_start ||
             event == json::parse_event_t::array_start) &&
            depth >= kMaxConfigDepth) {
          throw TooDeep{};
        }
        return true;
      };
  try {
    doc = json::parse(text.begin(), text.end(), depth_limit);
  } catch (const TooDeep&) {
    *error = path + ": invalid JSON: nested deeper than " +
             std::to_string(kMaxConfigDepth) + " levels";
    return false;
  } catch (const json::exception& e) {
    // parse_error for bad syntax, out_of_range for a number too large for a
    // double (1e400). e.what() reads "[json.exception.parse_error.101] parse
    // error at line 3, column 5: ..."; keep the part after the id.
    std::string what = e.what();
    auto pos = what.find("] ");
    *error = path + ": invalid JSON: " +
             (pos == std::string::npos ? what : what.substr(pos + 2));
    return false;
  }
  if (!doc.is_object()) {
    *error = path + ": expected a JSON object at the top level, got " +
             JsonTypeName(doc);
    return false;
  }
  const auto lines = JsonKeyLines(text);
  Locator loc{path, lines};
  const auto& known = KnownKeys();

  // Stores one key's value(s) as a setting.
  auto put = [&](const std::string& key, const std::string& pointer,
                 const json& v) -> bool {
    auto k = known.find(key);
    Setting s;
    s.origin = loc.At(pointer) + ": key " + Quote(Dotted(pointer));
    std::string str;
    if (v.is_array()) {
      if (!k->second.repeatable) {
        *error = s.origin + ": expected a single value, got an array";
        return false;
      }
      for (const auto& e : v) {
        if (!ScalarToString(e, &str) || e.is_boolean()) {
          *error = s.origin +
                   ": expected an array of strings, got an element that is " +
                   JsonTypeName(e);
          return false;
        }
        s.values.push_back(str);
      }
    } else if (ScalarToString(v, &str)) {
      if (k->second.boolean && !v.is_boolean()) {
        *error = s.origin + ": expected true or false, got " + v.dump();
        return false;
      }
      if (!k->second.boolean && v.is_boolean()) {
        *error = s.origin + ": expected a string or number, got " + v.dump();
        return false;
      }
      s.values.push_back(str);
    } else {
      *error = s.origin + ": expected a value, got " + JsonTypeName(v);
      return false;
    }
    (*settings)[key] = std::move(s);
    return true;
  };

  // Script-era keys first, so that flat keys in the same file win.
  Settings flat;
  for (const auto& [key, v] : doc.items()) {
    const std::string pointer = "/" + key;
    if (key == "collection_interval") {
      if (!v.is_number() || v.get<double>() <= 0) {
        *error = loc.At(pointer) +
                 ": key \"collection_interval\": expected a "
                 "positive number of seconds, got " +
                 v.dump();
        return false;
      }
      if (!put("collection.interval", pointer, v)) return false;
    } else if (key == "metrics") {
      if (!v.is_object()) {
        *error = loc.At(pointer) +
                 ": key \"metrics\": expected an object, got " +
                 JsonTypeName(v);
        return false;
      }
      for (const auto& [m, on] : v.items()) {
        auto it = LegacyMetricToggles().find(m);
        std::string p = pointer + "/" + m;
        if (it == LegacyMetricToggles().end()) {
          *error = loc.At(p) + ": key " + Quote("metrics." + m) +
                   ": unknown metric group (known: cpu, memory, disk, network)";
          return false;
        }
        if (!on.is_boolean()) {
          *error = loc.At(p) + ": key " + Quote("metrics." + m) +
                   ": expected true or false, got " + on.dump();
          return false;
        }
        for (const auto& c : it->second) {
          if (!put("collector." + c, p, on)) return false;
        }
      }
    } else if (key == "logging") {
      if (!v.is_object()) {
        *error = loc.At(pointer) +
                 ": key \"logging\": expected an object, got " +
                 JsonTypeName(v);
        return false;
      }
      for (const auto& [k, lv] : v.items()) {
        auto it = LegacyLoggingKeys().find(k);
        std::string p = pointer + "/" + k;
        if (it == LegacyLoggingKeys().end()) {
          *error = loc.At(p) + ": key " + Quote("logging." + k) +
                   ": unknown key (known: log_file, log_level)";
          return false;
        }
        if (!lv.is_string()) {
          *error = loc.At(p) + ": key " + Quote("logging." + k) +
                   ": expected a string, got " + lv.dump();
          return false;
        }
        if (!put(it->second, p, lv)) return false;
      }
    } else if (key == "database") {
      if (!ParseDatabase(v, loc, database, error)) return false;
    } else if (key == "remote_write") {  // push sinks
      if (!ParseRemoteWrite(v, loc, remote_write, error)) return false;
    } else if (!known.count(key)) {
      *error = loc.At(pointer) + ": key " + Quote(key) + ": unknown key";
      return false;
    }
  }
  for (const auto& [key, v] : doc.items()) {
    if (known.count(key) && !put(key, "/" + key, v)) return false;
  }
  return true;
}

bool ResolveConfig(const Settings& file, const Settings& flags,
                   const DatabaseConfig& database, Config* out,
                   std::string* error) {
  return ResolveConfig(file, flags, database, RemoteWriteConfig{}, out, error);
}

bool ResolveConfig(const Settings& file, const Settings& flags,
                   const DatabaseConfig& database,
                   const RemoteWriteConfig& remote_write, Config* out,
                   std::string* error) {
  Settings all;
  for (const FlagSpec& f : GlobalFlags()) {
    Setting s;
    s.origin = "default of --" + f.name;
    if (!f.default_value.empty()) s.values = {f.default_value};
    all[f.name] = s;
  }
  for (const auto& [k, v] : file) all[k] = v;
  for (const auto& [k, v] : flags) all[k] = v;

  auto last = [&](const std::string& k) -> std::string {
    auto it = all.find(k);
    return it == all.end() || it->second.values.empty()
               ? ""
               : it->second.values.back();
  };
  auto fail = [&](const std::string& k, const std::string& why) {
    auto it = all.find(k);
    *error = (it == all.end() ? "--" + k : it->second.origin) + ": " + why;
    return false;
  };

  Config c;
  c.config_file = last("config.file");
  c.listen_addresses = all["web.listen-address"].values;
  if (c.listen_addresses.empty()) {
    return fail("web.listen-address", "at least one address is needed");
  }
  for (const auto& a : c.listen_addresses) {
    size_t colon = a.rfind(':');
    auto port = colon == std::string::npos
                    ? std::nullopt
                    : parse::ParseU64(a.substr(colon + 1));
    if (!port || *port > 65535) {
      return fail(
          "web.listen-address",
          "expected [host]:port such as \":9100\" or \"127.0.0.1:9100\", got " +
              Quote(a));
    }
  }
  c.telemetry_path = last("web.telemetry-path");
  if (c.telemetry_path.empty() || c.telemetry_path[0] != '/' ||
      c.telemetry_path == "/") {
    return fail(
        "web.telemetry-path",
        "must start with '/' and not be '/', got " + Quote(c.telemetry_path));
  }
  c.route_prefix = last("web.route-prefix");
  while (!c.route_prefix.empty() && c.route_prefix.back() == '/')
    c.route_prefix.pop_back();
  if (!c.route_prefix.empty() && c.route_prefix[0] != '/') {
    return fail("web.route-prefix",
                "must start with '/', got " + Quote(c.route_prefix));
  }
  c.web_config_file = last("web.config.file");
  auto max_requests = parse::ParseU64(last("web.max-requests"));
  if (!max_requests || *max_requests > 100000) {
    return fail("web.max-requests", "expected a number from 0 to 100000, got " +
                                        Quote(last("web.max-requests")));
  }
  c.max_requests = static_cast<int>(*max_requests);
  c.paths.procfs = last("path.procfs");
  c.paths.sysfs = last("path.sysfs");
  c.paths.rootfs = last("path.rootfs");
  std::string why;
  if (!ParseDurationSetting(last("collection.interval"), &c.interval, &why) ||
      c.interval.count() <= 0) {
    return fail("collection.interval",
                "expected a positive duration such as \"5s\", got " +
                    Quote(last("collection.interval")));
  }
  if (c.interval < kMinCollectionInterval) {
    return fail("collection.interval",
                "must be at least " +
                    std::to_string(kMinCollectionInterval.count()) +
                    "ms, got " + Quote(last("collection.interval")));
  }
  if (!ParseDurationSetting(last("collector.timeout"), &c.timeout, &why) ||
      c.timeout.count() <= 0) {
    return fail("collector.timeout",
                "expected a positive duration such as \"4s\", got " +
                    Quote(last("collector.timeout")));
  }
  c.timeout = std::min(c.timeout, c.interval);
  if (!ParseDurationSetting(last("collection.max-age"), &c.max_age, &why) ||
      c.max_age.count() <= 0) {
    return fail("collection.max-age",
                "expected a positive duration such as \"90s\", got " +
                    Quote(last("collection.max-age")));
  }
  c.max_age = std::max(c.max_age, c.interval);
  if (!ParseLogLevel(last("log.level"), &c.log_level)) {
    return fail("log.level", "expected one of debug, info, warn, error, got " +
                                 Quote(last("log.level")));
  }
  c.log_format = last("log.format");
  if (c.log_format != "logfmt" && c.log_format != "json") {
    return fail("log.format",
                "expected logfmt or json, got " + Quote(c.log_format));
  }
  c.log_file = last("log.file");

  bool disable_defaults = false;
  if (!ParseBool(last("collector.disable-defaults"), &disable_defaults)) {
    return fail("collector.disable-defaults", "expected true or false");
  }
  for (const CollectorSpec& spec : AllCollectors()) {
    const std::string key = "collector." + std::string(spec.name);
    bool on = spec.enabled_by_default && !disable_defaults;
    if (all.count(key) && !ParseBool(last(key), &on)) {
      return fail(key, "expected true or false, got " + Quote(last(key)));
    }
    CollectorOptions opts = DefaultOptions(spec);
    opts.Set(kCollectorTimeoutKey, {std::to_string(c.timeout.count()) + "ms"});
    for (const OptionSpec& o : spec.options) {
      auto it = all.find(o.name);
      if (it == all.end()) continue;
      if (o.boolean) {
        bool b;
        if (!ParseBool(last(o.name), &b)) {
          return fail(o.name,
                      "expected true or false, got " + Quote(last(o.name)));
        }
      }
      opts.Set(o.name, it->second.values);
    }
    if (on) c.collectors.emplace_back(&spec, std::move(opts));
  }
  c.database = database;
  c.remote_write = remote_write;  // push sinks
  *out = std::move(c);
  return true;
}

bool ReadConfigFile(const std::string& path, uint64_t max_bytes,
                    std::string* text, std::string* error, const char* what) {
  // stat first: a FIFO or a device is refused without being opened (an open
  // could block or have side effects); ReadRegularFile() checks again on the
  // descriptor, opened without blocking.
  struct stat st;
  std::string why;
  ReadOutcome r = ReadOutcome::kError;
  if (::stat(path.c_str(), &st) != 0) {
    why = std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    why = std::string("is ") + FileKind(st.st_mode) + ", not a regular file";
  } else {
    r = ReadRegularFile(path, max_bytes, 0, text, nullptr, &why);
    if (r == ReadOutcome::kNotRegular) why += ", not a regular file";
    if (r == ReadOutcome::kTooBig) why += " (the limit of a config file)";
  }
  if (r != ReadOutcome::kOk) {
    *error = std::string("cannot read ") + what + " " + path + ": " + why;
    return false;
  }
  return true;
}

bool LoadConfig(const Settings& flags, Config* out, std::string* error) {
  Settings file;
  DatabaseConfig database;
  RemoteWriteConfig remote_write;  // push sinks
  auto it = flags.find("config.file");
  if (it != flags.end() && !it->second.values.empty()) {
    const std::string& path = it->second.values.back();
    std::string text;
    if (!ReadConfigFile(path, kMaxConfigFileBytes, &text, error)) return false;
    if (!ParseConfigFile(path, text, &file, &database, &remote_write, error)) {
      return false;
    }
  }
  if (!ResolveConfig(file, flags, database, remote_write, out, error))
    return false;
  if (it != flags.end() && !it->second.values.empty()) {
    out->config_file = it->second.values.back();
  }
  return true;
}

}  // namespace host_exporter
