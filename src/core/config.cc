#include "host_exporter/config.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "collectors/toolkit.h"
#include "core/config_json.h"
#include "parse/duration.h"
#include "parse/parse_util.h"

namespace host_exporter {
namespace config_json {

using json = nlohmann::json;
using std::chrono::milliseconds;

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string JsonTypeName(const json& v) {
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_null()) return "null";
  return "a number";
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

}  // namespace config_json

std::string ConfigLocator::At(const std::string& pointer) const {
  auto it = lines.find(pointer);
  return it == lines.end() ? path : path + ":" + std::to_string(it->second);
}

namespace {

using config_json::JsonTypeName;
using config_json::ParseDurationSetting;
using config_json::Quote;
using config_json::ScalarToString;

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

std::string Dotted(const std::string& pointer) {
  std::string s = pointer.substr(1);
  std::replace(s.begin(), s.end(), '/', '.');
  return s;
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
      {"web.openmetrics.created-samples", "false",
       "Serve counters' created times as \"_created\" samples in OpenMetrics "
       "(they are always in protobuf). Off as in client_golang: Prometheus "
       "2.x stores each as a series of its own and reads created times only "
       "from protobuf.",
       false, true},
      {"path.procfs", "/proc", "procfs mountpoint.", false, false},
      {"path.sysfs", "/sys", "sysfs mountpoint.", false, false},
      {"path.rootfs", "/", "rootfs mountpoint.", false, false},
      {"path.udev.data", "",
       "udev data path (node_disk_info's labels). Default: /run/udev/data "
       "under --path.rootfs.",
       false, false},
      {"web.disable-exporter-metrics", "false",
       "Exclude metrics about the exporter process itself (process_*).", false,
       true},
      {"web.systemd-socket", "false",
       "Use systemd socket activation listeners (LISTEN_FDS) instead of "
       "--web.listen-address.",
       false, true},
      {"runtime.gomaxprocs", "",
       "Threads of the collector pool, which grows by one while all of "
       "them are blocked in collectors (node_exporter: GOMAXPROCS). "
       "Default: 1.",
       false, false},
      {"compat.node-exporter", "1.9",
       "Which node_exporter's output to match series for series: 1.9 "
       "(Debian 13) or 1.5 (Debian 12: no device_error label on "
       "node_filesystem_*, no rotational/adminstate labels on "
       "node_disk_info/node_network_info, no node_filesystem_mount_info, "
       "fewer node_softnet_* and netstat fields; README, "
       "\"Compatibility\").",
       false, false},
      {"collector.disable-defaults", "false",
       "Set all collectors to disabled by default.", false, true},
      {"collection.interval", "5s",
       "How often collectors run (at least 100ms) without scrapers, while "
       "requests come "
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
                     Settings* settings, const ConfigBlockParsers& blocks,
                     std::string* error) {
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
  ConfigLocator loc{path, lines};
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
    } else if (auto block = blocks.find(key); block != blocks.end()) {
      if (!block->second(v, loc, error)) return false;
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

bool ResolveConfig(const Settings& file, const Settings& flags, Config* out,
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
  if (!ParseBool(last("web.openmetrics.created-samples"),
                 &c.openmetrics_created)) {
    return fail("web.openmetrics.created-samples", "expected true or false");
  }
  c.paths.procfs = last("path.procfs");
  c.paths.sysfs = last("path.sysfs");
  c.paths.rootfs = last("path.rootfs");
  c.paths.udev_data = last("path.udev.data");
  if (!ParseBool(last("web.disable-exporter-metrics"),
                 &c.disable_exporter_metrics)) {
    return fail("web.disable-exporter-metrics", "expected true or false");
  }
  if (!ParseBool(last("web.systemd-socket"), &c.systemd_socket)) {
    return fail("web.systemd-socket", "expected true or false");
  }
  if (const std::string procs = last("runtime.gomaxprocs"); !procs.empty()) {
    auto n = parse::ParseU64(procs);
    if (!n || *n < 1 || *n > 1024) {
      return fail("runtime.gomaxprocs",
                  "expected a number from 1 to 1024, got " + Quote(procs));
    }
    c.pool_size = static_cast<int>(*n);
  }
  c.node_exporter_compat = last("compat.node-exporter");
  if (c.node_exporter_compat != "1.9" && c.node_exporter_compat != "1.5") {
    return fail("compat.node-exporter",
                "expected 1.9 or 1.5, got " + Quote(c.node_exporter_compat));
  }
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
    opts.Set(kNodeExporterCompatKey, {c.node_exporter_compat});
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
  // Flags accepted without effect: one notice each, logged at start-up.
  for (const FlagSpec& f : GlobalFlags()) {
    if (!f.no_effect.empty() && (file.count(f.name) || flags.count(f.name)))
      c.notices.push_back(all[f.name].origin +
                          ": no effect here: " + std::string(f.no_effect));
  }
  for (const CollectorSpec& spec : AllCollectors()) {
    for (const OptionSpec& o : spec.options) {
      if (!o.no_effect.empty() && all.count(o.name))
        c.notices.push_back(all[o.name].origin +
                            ": no effect here: " + std::string(o.no_effect));
    }
  }
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

bool LoadConfig(const Settings& flags, const ConfigBlockParsers& blocks,
                Config* out, std::string* error) {
  Settings file;
  auto it = flags.find("config.file");
  if (it != flags.end() && !it->second.values.empty()) {
    const std::string& path = it->second.values.back();
    std::string text;
    if (!ReadConfigFile(path, kMaxConfigFileBytes, &text, error)) return false;
    if (!ParseConfigFile(path, text, &file, blocks, error)) {
      return false;
    }
  }
  if (!ResolveConfig(file, flags, out, error)) return false;
  if (it != flags.end() && !it->second.values.empty()) {
    out->config_file = it->second.values.back();
  }
  return true;
}

}  // namespace host_exporter
