#include "host_exporter/config.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace host_exporter {
namespace {

bool Enabled(const Config& c, std::string_view name) {
  return std::any_of(c.collectors.begin(), c.collectors.end(),
                     [&](const auto& p) { return p.first->name == name; });
}

// Parses `text` as file "c.json" and resolves it with `flags`.
bool Load(const std::string& text, Config* c, std::string* err,
          const Settings& flags = {}) {
  Settings file;
  DatabaseConfig db;
  if (!ParseConfigFile("c.json", text, &file, &db, err)) return false;
  return ResolveConfig(file, flags, db, c, err);
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
  ASSERT_TRUE(ResolveConfig({}, {}, {}, &c, &err)) << err;
  EXPECT_EQ(c.listen_addresses, std::vector<std::string>{":9100"});
  EXPECT_EQ(c.telemetry_path, "/metrics");
  EXPECT_EQ(c.interval.count(), 5000);
  EXPECT_EQ(c.timeout.count(), 4000);
  EXPECT_EQ(c.paths.procfs, "/proc");
  EXPECT_TRUE(Enabled(c, "cpu"));
  EXPECT_TRUE(Enabled(c, "filesystem"));
  EXPECT_FALSE(c.database.enabled);
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
  EXPECT_TRUE(c.database.enabled);
  EXPECT_EQ(c.database.url, "http://127.0.0.1:8086");
  EXPECT_EQ(c.database.username, "monitor");
  EXPECT_EQ(c.database.password, "secret");
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

  EXPECT_FALSE(Load(
      "{\n\n\"database\": {\"type\": \"influxdb\",\n \"url\": \"ftp://x\"}}",
      &c, &err));
  EXPECT_EQ(err,
            "c.json:4: key \"database.url\": expected an http:// or https:// "
            "URL, got \"ftp://x\"");

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
  EXPECT_FALSE(ResolveConfig({}, flags, {}, &c, &err));
  EXPECT_EQ(err, "flag --log.format: expected logfmt or json, got \"xml\"");
}

TEST(ConfigTest, DisableDefaultsThenEnableOne) {
  Settings flags;
  flags["collector.disable-defaults"] = {{"true"}, "flag"};
  flags["collector.loadavg"] = {{"true"}, "flag"};
  Config c;
  std::string err;
  ASSERT_TRUE(ResolveConfig({}, flags, {}, &c, &err)) << err;
  ASSERT_EQ(c.collectors.size(), 1u);
  EXPECT_EQ(c.collectors[0].first->name, "loadavg");
}

TEST(ConfigTest, DatabaseValidation) {
  Config c;
  std::string err;
  EXPECT_FALSE(
      Load(R"({"database": {"type": "mysql", "url": "http://x"}})", &c, &err));
  EXPECT_EQ(err,
            "c.json:1: key \"database.type\": only \"influxdb\" is supported, "
            "got \"mysql\"");
  EXPECT_FALSE(Load(
      R"({"database": {"type": "influxdb", "url": "http://x", "port": 1}})", &c,
      &err));
  EXPECT_EQ(err, "c.json:1: key \"database.port\": unknown key");
  EXPECT_FALSE(Load(R"({"database": {"type": "influxdb", "url": "http://x",
    "batch_size": -5}})",
                    &c, &err));
  EXPECT_EQ(err,
            "c.json:2: key \"database.batch_size\": expected a positive "
            "integer, got -5");
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
