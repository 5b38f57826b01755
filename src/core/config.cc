#include "host_exporter/config.h"

#include <algorithm>
#include <cctype>  // push sinks: label names
#include <nlohmann/json.hpp>
#include <set>

#include "collectors/util.h"
#include "parse/duration.h"
#include "parse/parse_util.h"

namespace host_exporter {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;

constexpr char kDefaultListen[] = ":9100";

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
      // --- end push sinks ---
    } else {
      return fail(key, "unknown key");
    }
  }
  if (d.type != "influxdb") {
    return fail("type", "only \"influxdb\" is supported, got " + Quote(d.type));
  }
  if (d.url.rfind("http://", 0) != 0 && d.url.rfind("https://", 0) != 0) {
    return fail("url",
                "expected an http:// or https:// URL, got " + Quote(d.url));
  }
  if (d.precision != "ns" && d.precision != "us" && d.precision != "ms" &&
      d.precision != "s") {
    return fail("precision",
                "expected one of ns, us, ms, s, got " + Quote(d.precision));
  }
  if (!d.password.empty() && !d.password_file.empty()) {
    return fail("password_file",
                "set either password or password_file, not both");
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
    } else {
      return fail(key, "unknown key");
    }
  }
  if (r.url.rfind("http://", 0) != 0 && r.url.rfind("https://", 0) != 0) {
    return fail("url",
                "expected an http:// or https:// URL, got " + Quote(r.url));
  }
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
       "How often collectors run without scrapers, while requests come "
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
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
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

bool LoadConfig(const Settings& flags, Config* out, std::string* error) {
  Settings file;
  DatabaseConfig database;
  RemoteWriteConfig remote_write;  // push sinks
  auto it = flags.find("config.file");
  if (it != flags.end() && !it->second.values.empty()) {
    const std::string& path = it->second.values.back();
    std::optional<std::string> text;
    try {
      text = ReadFileIfExists(path);
    } catch (const std::exception& e) {
      *error = std::string("cannot read config file ") + e.what();
      return false;
    }
    if (!text) {
      *error =
          "cannot read config file " + path + ": No such file or directory";
      return false;
    }
    if (!ParseConfigFile(path, *text, &file, &database, &remote_write, error)) {
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
