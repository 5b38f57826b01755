#include "host_exporter/config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/unit/temp_dir.h"

namespace host_exporter {
namespace {

bool Enabled(const Config& c, std::string_view name) {
  return std::any_of(c.collectors.begin(), c.collectors.end(),
                     [&](const auto& p) { return p.first->name == name; });
}

// Block parsers that accept any `database` and `remote_write` block (the
// push sinks parse them: tests/unit/push_sink_test.cc).
ConfigBlockParsers AnyBlock() {
  auto accept = [](const nlohmann::json&, const ConfigLocator&, std::string*) {
    return true;
  };
  return {{"database", accept}, {"remote_write", accept}};
}

// Parses `text` as file "c.json" and resolves it with `flags`.
bool Load(const std::string& text, Config* c, std::string* err,
          const Settings& flags = {}) {
  Settings file;
  if (!ParseConfigFile("c.json", text, &file, AnyBlock(), err)) return false;
  return ResolveConfig(file, flags, c, err);
}

// A top-level block goes to the parser registered for its key, with the
// locator of the file; its error is the parse's error; a key without a
// parser is unknown.
TEST(ConfigTest, BlocksGoToTheirParsers) {
  std::string seen, err;
  ConfigBlockParsers blocks = {
      {"sink", [&](const nlohmann::json& v, const ConfigLocator& loc,
                   std::string* error) {
         seen = v.dump() + " at " + loc.At("/sink/url");
         if (v.contains("bad")) {
           *error = loc.At("/sink/bad") + ": key \"sink.bad\": no";
           return false;
         }
         return true;
       }}};
  Settings file;
  ASSERT_TRUE(ParseConfigFile("c.json", "{\"sink\": {\n\"url\": \"u\"}}", &file,
                              blocks, &err))
      << err;
  EXPECT_EQ(seen, "{\"url\":\"u\"} at c.json:2");
  EXPECT_FALSE(ParseConfigFile("c.json", "{\"sink\": {\n\"bad\": 1}}", &file,
                               blocks, &err));
  EXPECT_EQ(err, "c.json:2: key \"sink.bad\": no");
  EXPECT_FALSE(
      ParseConfigFile("c.json", "{\"database\": {}}", &file, blocks, &err));
  EXPECT_EQ(err, "c.json:1: key \"database\": unknown key");
}

// Found by tests/fuzz (regressions/config/number-overflow-terminate): a number
// too large for a double threw json::out_of_range, which nothing caught.
TEST(ConfigTest, HugeNumberIsAnErrorNotACrash) {
  Config c;
  std::string err;
  EXPECT_FALSE(Load("1e400", &c, &err));
  EXPECT_NE(err.find("c.json: invalid JSON"), std::string::npos) << err;
  EXPECT_FALSE(Load("{\"collection_interval\": 1e400}", &c, &err));
  EXPECT_NE(err.find("c.json"), std::string::npos) << err;
}

TEST(ConfigTest, Defaults) {
  Config c;
  std::string err;
  ASSERT_TRUE(ResolveConfig({}, {}, &c, &err)) << err;
  EXPECT_EQ(c.listen_addresses, std::vector<std::string>{":9100"});
  EXPECT_EQ(c.telemetry_path, "/metrics");
  EXPECT_EQ(c.interval.count(), 5000);
  EXPECT_EQ(c.timeout.count(), 4000);
  EXPECT_EQ(c.paths.procfs, "/proc");
  EXPECT_TRUE(Enabled(c, "cpu"));
  EXPECT_TRUE(Enabled(c, "filesystem"));
  for (const auto& [spec, opts] : c.collectors) {
    EXPECT_EQ(opts.Get(kCollectorTimeoutKey), "4000ms") << spec->name;
  }
}

TEST(ConfigTest, OriginalScriptShapeIsAccepted) {
  const std::string text = R"({
  "collection_interval": 10,
  "metrics": {"cpu": true, "memory": true, "disk": false, "network": true},
  "database": {
    "type": "influxdb",
    "url": "http://127.0.0.1:8086",
    "username": "monitor",
    "password": "secret"
  },
  "logging": {"log_file": "/tmp/host_exporter_test.log", "log_level": "INFO"}
})";
  Config c;
  std::string err;
  ASSERT_TRUE(Load(text, &c, &err)) << err;
  EXPECT_EQ(c.interval.count(), 10000);
  EXPECT_TRUE(Enabled(c, "cpu"));
  EXPECT_TRUE(Enabled(c, "loadavg"));
  EXPECT_TRUE(Enabled(c, "meminfo"));
  EXPECT_FALSE(Enabled(c, "diskstats"));
  EXPECT_FALSE(Enabled(c, "filesystem"));
  EXPECT_TRUE(Enabled(c, "netdev"));
  EXPECT_EQ(c.log_file, "/tmp/host_exporter_test.log");
  EXPECT_EQ(c.log_level, LogLevel::kInfo);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The script's users' file, unchanged (tests/fixtures/script).
TEST(ConfigTest, TheScriptsOwnFileIsAccepted) {
  const std::string path =
      std::string(FIXTURE_ROOT) + "/../script/config_data_processing.json";
  const std::string text = ReadFile(path);
  ASSERT_FALSE(text.empty()) << path;
  Settings file;
  std::string err;
  ASSERT_TRUE(ParseConfigFile(path, text, &file, AnyBlock(), &err)) << err;
  Config c;
  ASSERT_TRUE(ResolveConfig(file, {}, &c, &err)) << err;
  EXPECT_EQ(c.interval.count(), 10000);
  for (const char* name :
       {"cpu", "loadavg", "meminfo", "diskstats", "filesystem", "netdev"}) {
    EXPECT_TRUE(Enabled(c, name)) << name;
  }
  EXPECT_EQ(c.log_file, "/etc/data_monitoring/data_processing.log");
  EXPECT_EQ(c.log_level, LogLevel::kInfo);
}

// What the script itself accepted, read from its code: auth as a sub-object
// (or null, or with null members: requests then sent no credentials), any
// Python level name in any case (it called .upper() and getattr(logging, …)),
// a fractional collection_interval (time.sleep takes floats), `type` in any
// case (it never looked at it).
TEST(ConfigTest, TheScriptsOtherSpellings) {
  Config c;
  std::string err;
  const std::pair<const char*, LogLevel> levels[] = {
      {"debug", LogLevel::kDebug},    {"NOTSET", LogLevel::kDebug},
      {"Info", LogLevel::kInfo},      {"WARNING", LogLevel::kWarn},
      {"warn", LogLevel::kWarn},      {"ERROR", LogLevel::kError},
      {"CRITICAL", LogLevel::kError}, {"fatal", LogLevel::kError}};
  for (const auto& [name, level] : levels) {
    ASSERT_TRUE(
        Load(std::string(R"({"logging": {"log_level": ")") + name + "\"}}", &c,
             &err))
        << name << ": " << err;
    EXPECT_EQ(c.log_level, level) << name;
  }
  ASSERT_TRUE(Load(R"({"collection_interval": 2.5})", &c, &err)) << err;
  EXPECT_EQ(c.interval.count(), 2500);
}

TEST(ConfigTest, MaxAgeDefaultFlagAndErrors) {
  Config c;
  std::string err;
  ASSERT_TRUE(Load("{}", &c, &err)) << err;
  EXPECT_EQ(c.max_age.count(), 90000);
  Settings flags;
  flags["collection.max-age"] = {{"2m"}, "flag --collection.max-age"};
  ASSERT_TRUE(Load("{\"collection.max-age\": \"30s\"}", &c, &err, flags))
      << err;
  EXPECT_EQ(c.max_age.count(), 120000);
  // Never below the interval (the cadence without scrapers).
  ASSERT_TRUE(
      Load("{\"collection.interval\": \"100s\", "
           "\"collection.max-age\": \"30s\"}",
           &c, &err))
      << err;
  EXPECT_EQ(c.max_age.count(), 100000);
  EXPECT_FALSE(Load("{\"collection.max-age\": \"0s\"}", &c, &err));
  EXPECT_EQ(err,
            "c.json:1: key \"collection.max-age\": expected a positive "
            "duration such as \"90s\", got \"0s\"");
}

// --compat.node-exporter: 1.9 by default, 1.5 from the file or a flag,
// handed to every collector's options; anything else names its origin.
TEST(ConfigTest, NodeExporterCompatReachesEveryCollector) {
  Config c;
  std::string err;
  ASSERT_TRUE(Load("{}", &c, &err)) << err;
  EXPECT_EQ(c.node_exporter_compat, "1.9");
  ASSERT_FALSE(c.collectors.empty());
  for (const auto& [spec, options] : c.collectors) {
    EXPECT_EQ(options.Get(kNodeExporterCompatKey), "1.9") << spec->name;
    EXPECT_FALSE(options.NodeExporter15()) << spec->name;
  }
  ASSERT_TRUE(Load("{\"compat.node-exporter\": \"1.5\"}", &c, &err)) << err;
  for (const auto& [spec, options] : c.collectors)
    EXPECT_TRUE(options.NodeExporter15()) << spec->name;
  // A JSON number is accepted as its text.
  ASSERT_TRUE(Load("{\"compat.node-exporter\": 1.5}", &c, &err)) << err;
  EXPECT_EQ(c.node_exporter_compat, "1.5");
  Settings flags;
  flags["compat.node-exporter"] = {{"1.9"}, "flag --compat.node-exporter"};
  ASSERT_TRUE(Load("{\"compat.node-exporter\": \"1.5\"}", &c, &err, flags))
      << err;
  EXPECT_EQ(c.node_exporter_compat, "1.9");
  EXPECT_FALSE(Load("{\n  \"compat.node-exporter\": \"1.6\"\n}", &c, &err));
  EXPECT_EQ(err,
            "c.json:2: key \"compat.node-exporter\": expected 1.9 or 1.5, "
            "got \"1.6\"");
  flags["compat.node-exporter"] = {{"2"}, "flag --compat.node-exporter"};
  EXPECT_FALSE(Load("{}", &c, &err, flags));
  EXPECT_NE(err.find("--compat.node-exporter"), std::string::npos) << err;
}

// A default that changed after node_exporter 1.5 follows the switch only
// while it is the default.
TEST(ConfigTest, GetCompatMapsOnlyTheDefault) {
  CollectorOptions o({{"x", {"new"}}, {kNodeExporterCompatKey, {"1.5"}}});
  EXPECT_EQ(o.GetCompat("x", "new", "old"), "old");
  o.Set("x", {"mine"});
  EXPECT_EQ(o.GetCompat("x", "new", "old"), "mine");
  o.Set(kNodeExporterCompatKey, {"1.9"});
  o.Set("x", {"new"});
  EXPECT_EQ(o.GetCompat("x", "new", "old"), "new");
}

TEST(ConfigTest, FlatKeysAndFlagsOverrideTheFile) {
  const std::string text = R"({
  "web.listen-address": ["127.0.0.1:9200", "[::1]:9200"],
  "collection.interval": "2s",
  "collector.filesystem.mount-points-exclude": "^/boot",
  "collector.meminfo": false
})";
  Settings flags;
  flags["collection.interval"] = {{"3s"}, "flag --collection.interval"};
  Config c;
  std::string err;
  ASSERT_TRUE(Load(text, &c, &err, flags)) << err;
  EXPECT_EQ(c.listen_addresses.size(), 2u);
  EXPECT_EQ(c.interval.count(), 3000);
  EXPECT_EQ(c.timeout.count(), 3000) << "timeout is capped at the interval";
  EXPECT_FALSE(Enabled(c, "meminfo"));
  for (const auto& [spec, opts] : c.collectors) {
    if (spec->name == "filesystem") {
      EXPECT_EQ(opts.Get("collector.filesystem.mount-points-exclude"),
                "^/boot");
    }
  }
}

TEST(ConfigTest, ErrorsNameFileLineAndKey) {
  Config c;
  std::string err;
  EXPECT_FALSE(
      Load("{\n  \"collection_interval\": 5,\n  \"bogus\": 1\n}", &c, &err));
  EXPECT_EQ(err, "c.json:3: key \"bogus\": unknown key");

  EXPECT_FALSE(Load("{\n\"metrics\": {\n  \"cpu\": \"yes\"}}", &c, &err));
  EXPECT_EQ(
      err,
      "c.json:3: key \"metrics.cpu\": expected true or false, got \"yes\"");

  EXPECT_FALSE(Load("{\"metrics\": {\"gpu\": true}}", &c, &err));
  EXPECT_EQ(err,
            "c.json:1: key \"metrics.gpu\": unknown metric group (known: cpu, "
            "memory, disk, network)");

  EXPECT_FALSE(Load("{\"collection.interval\": \"soon\"}", &c, &err));
  EXPECT_EQ(err,
            "c.json:1: key \"collection.interval\": expected a positive "
            "duration such as \"5s\", got \"soon\"");

  EXPECT_FALSE(Load("{\"log.level\": \"loud\"}", &c, &err));
  EXPECT_EQ(err,
            "c.json:1: key \"log.level\": expected one of debug, info, warn, "
            "error, got \"loud\"");

  EXPECT_FALSE(Load("{\"web.telemetry-path\": [\"/a\"]}", &c, &err));
  EXPECT_EQ(err,
            "c.json:1: key \"web.telemetry-path\": expected a single value, "
            "got an array");

  EXPECT_FALSE(Load("{\"collection_interval\": -1}", &c, &err));
  EXPECT_EQ(err,
            "c.json:1: key \"collection_interval\": expected a positive "
            "number of seconds, got -1");
}

TEST(ConfigTest, InvalidJsonNamesLineAndColumn) {
  Config c;
  std::string err;
  EXPECT_FALSE(Load("{\n  \"a\": 1,\n  oops\n}", &c, &err));
  EXPECT_EQ(
      err.rfind("c.json: invalid JSON: parse error at line 3, column 3", 0), 0u)
      << err;
  EXPECT_FALSE(Load("[1, 2]", &c, &err));
  EXPECT_EQ(err,
            "c.json: expected a JSON object at the top level, got an array");
}

TEST(ConfigTest, FlagErrorsNameTheFlag) {
  Settings flags;
  flags["log.format"] = {{"xml"}, "flag --log.format"};
  Config c;
  std::string err;
  EXPECT_FALSE(ResolveConfig({}, flags, &c, &err));
  EXPECT_EQ(err, "flag --log.format: expected logfmt or json, got \"xml\"");
}

TEST(ConfigTest, DisableDefaultsThenEnableOne) {
  Settings flags;
  flags["collector.disable-defaults"] = {{"true"}, "flag"};
  flags["collector.loadavg"] = {{"true"}, "flag"};
  Config c;
  std::string err;
  ASSERT_TRUE(ResolveConfig({}, flags, &c, &err)) << err;
  ASSERT_EQ(c.collectors.size(), 1u);
  EXPECT_EQ(c.collectors[0].first->name, "loadavg");
}

// A 1ms interval passed and then ran the collectors flat out, logging
// thousands of lines a second.
TEST(ConfigTest, IntervalHasALowerBound) {
  Config c;
  std::string err;
  Settings flags;
  flags["collection.interval"] = {{"1ms"}, "flag --collection.interval"};
  EXPECT_FALSE(ResolveConfig({}, flags, &c, &err));
  EXPECT_EQ(err,
            "flag --collection.interval: must be at least 100ms, got \"1ms\"");
  EXPECT_FALSE(Load("{\"collection_interval\": 0.05}", &c, &err));
  EXPECT_EQ(err,
            "c.json:1: key \"collection_interval\": must be at least 100ms, "
            "got \"0.05\"");
  flags["collection.interval"] = {{"100ms"}, "flag --collection.interval"};
  EXPECT_TRUE(ResolveConfig({}, flags, &c, &err)) << err;
  EXPECT_EQ(c.interval.count(), 100);
}

// Parsing was quadratic in the nesting depth (100k levels: minutes); the
// depth is now refused at the first level too many.
TEST(ConfigTest, DeepNestingIsRefused) {
  Config c;
  std::string err;
  for (int depth : {33, 100000}) {
    std::string text;
    for (int i = 0; i < depth; ++i) text += "{\"a\":";
    text += "1" + std::string(depth, '}');
    EXPECT_FALSE(Load(text, &c, &err));
    EXPECT_EQ(err, "c.json: invalid JSON: nested deeper than 32 levels");
    EXPECT_FALSE(
        Load(std::string(depth, '[') + std::string(depth, ']'), &c, &err));
    EXPECT_EQ(err, "c.json: invalid JSON: nested deeper than 32 levels");
  }
  // 32 levels parse (and are then refused as an unknown key, by name).
  std::string text;
  for (int i = 0; i < 32; ++i) text += "{\"a\":";
  text += "1" + std::string(32, '}');
  EXPECT_FALSE(Load(text, &c, &err));
  EXPECT_EQ(err, "c.json:1: key \"a\": unknown key");
}

// A FIFO as config file hung start-up, --check-config and a reload;
// /dev/zero was read until memory ran out.
TEST(ConfigTest, ConfigFileMustBeARegularFileOfBoundedSize) {
  const testing::TempDir tmp;
  const std::string& dir = tmp.dir();
  const std::string fifo = std::string(dir) + "/config.fifo";
  const std::string huge = std::string(dir) + "/huge.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  {
    std::ofstream f(huge);
    f << "{\"log.level\": \"info\"" << std::string(kMaxConfigFileBytes, ' ')
      << "}";
  }
  auto load = [](const std::string& path) {
    Settings flags;
    flags["config.file"] = {{path}, "flag --config.file"};
    Config c;
    std::string err;
    EXPECT_FALSE(LoadConfig(flags, AnyBlock(), &c, &err));
    return err;
  };
  EXPECT_EQ(load(fifo), "cannot read config file " + fifo +
                            ": is a FIFO, not a regular file");
  EXPECT_EQ(load("/dev/zero"),
            "cannot read config file /dev/zero: is a character device, not a "
            "regular file");
  EXPECT_EQ(load(dir), "cannot read config file " + std::string(dir) +
                           ": is a directory, not a regular file");
  EXPECT_EQ(load(huge), "cannot read config file " + huge +
                            ": larger than 1048576 bytes (the limit of a "
                            "config file)");
  EXPECT_EQ(load(std::string(dir) + "/none.json"),
            "cannot read config file " + std::string(dir) +
                "/none.json: No such file or directory");
  std::string text, err;
  EXPECT_FALSE(ReadConfigFile(fifo, 100, &text, &err, "web config"));
  EXPECT_EQ(err, "cannot read web config " + fifo +
                     ": is a FIFO, not a regular file");
}

// node_exporter's --path.udev.data, --web.disable-exporter-metrics,
// --web.systemd-socket and --runtime.gomaxprocs.
TEST(ConfigTest, NodeExporterRuntimeAndWebFlags) {
  Config c;
  std::string err;
  ASSERT_TRUE(ResolveConfig({}, {}, &c, &err)) << err;
  EXPECT_EQ(c.paths.udev_data, "");
  EXPECT_EQ(c.paths.UdevData(), "/run/udev/data");
  EXPECT_FALSE(c.disable_exporter_metrics);
  EXPECT_FALSE(c.systemd_socket);
  EXPECT_EQ(c.pool_size, 0);
  Settings flags;
  flags["path.rootfs"] = {{"/host/root"}, "flag --path.rootfs"};
  ASSERT_TRUE(ResolveConfig({}, flags, &c, &err)) << err;
  EXPECT_EQ(c.paths.UdevData(), "/host/root/run/udev/data");
  flags["path.udev.data"] = {{"/u"}, "flag --path.udev.data"};
  flags["web.disable-exporter-metrics"] = {{"true"}, "flag"};
  flags["web.systemd-socket"] = {{"true"}, "flag"};
  flags["runtime.gomaxprocs"] = {{"3"}, "flag --runtime.gomaxprocs"};
  ASSERT_TRUE(ResolveConfig({}, flags, &c, &err)) << err;
  EXPECT_EQ(c.paths.UdevData(), "/u");
  EXPECT_TRUE(c.disable_exporter_metrics);
  EXPECT_TRUE(c.systemd_socket);
  EXPECT_EQ(c.pool_size, 3);
  EXPECT_TRUE(c.notices.empty());
  flags["runtime.gomaxprocs"] = {{"0"}, "flag --runtime.gomaxprocs"};
  EXPECT_FALSE(ResolveConfig({}, flags, &c, &err));
  EXPECT_EQ(err,
            "flag --runtime.gomaxprocs: expected a number from 1 to 1024, got "
            "\"0\"");
}

TEST(JsonKeyLinesTest, NestedAndArrays) {
  auto lines = JsonKeyLines(
      "{\n \"a\": {\n  \"b\": [1,\n {\"c\": \"x\\\"y\"}]},\n \"d\": 2}");
  EXPECT_EQ(lines["/a"], 2);
  EXPECT_EQ(lines["/a/b"], 3);
  EXPECT_EQ(lines["/a/b/1/c"], 4);
  EXPECT_EQ(lines["/d"], 5);
}

}  // namespace
}  // namespace host_exporter
