// The push machinery: response classification, backoff, URLs, secrets,
// config keys, and the buffer/accounting against a loopback HTTP server.
#include "sinks/push_sink.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "host_exporter/config.h"
#include "host_exporter/family.h"
#include "sinks/influxdb_sink.h"
#include "sinks/secrets.h"
#include "sinks/sink_config.h"
#include "tests/unit/temp_dir.h"

namespace host_exporter::sinks {
namespace {

using std::chrono::milliseconds;

TEST(PushSinkTest, ClassifiesResponses) {
  auto c = [](long status, std::string error = "") {
    HttpResponse r;
    r.status = status;
    r.error = std::move(error);
    return ClassifyResponse(r);
  };
  EXPECT_EQ(c(204), WriteOutcome::kOk);
  EXPECT_EQ(c(200), WriteOutcome::kOk);
  EXPECT_EQ(c(0, "Connection refused"), WriteOutcome::kRetry);
  EXPECT_EQ(c(500), WriteOutcome::kRetry);
  EXPECT_EQ(c(503), WriteOutcome::kRetry);
  EXPECT_EQ(c(429), WriteOutcome::kRetry);
  EXPECT_EQ(c(408), WriteOutcome::kRetry);
  EXPECT_EQ(c(400), WriteOutcome::kReject);
  EXPECT_EQ(c(401), WriteOutcome::kReject);
  EXPECT_EQ(c(403), WriteOutcome::kReject);
  EXPECT_EQ(c(404), WriteOutcome::kReject);
  EXPECT_EQ(c(301), WriteOutcome::kReject);
}

TEST(PushSinkTest, BackoffDoublesCapsAndJitters) {
  const milliseconds min(100), max(1000);
  EXPECT_EQ(BackoffDelay(0, min, max, 1.0), milliseconds(100));
  EXPECT_EQ(BackoffDelay(0, min, max, 0.0), milliseconds(50));
  EXPECT_EQ(BackoffDelay(1, min, max, 1.0), milliseconds(200));
  EXPECT_EQ(BackoffDelay(3, min, max, 1.0), milliseconds(800));
  EXPECT_EQ(BackoffDelay(4, min, max, 1.0), milliseconds(1000));
  EXPECT_EQ(BackoffDelay(4, min, max, 0.5), milliseconds(750));
  EXPECT_EQ(BackoffDelay(1000, min, max, 1.0), milliseconds(1000));
}

TEST(PushSinkTest, RedactsCredentials) {
  EXPECT_EQ(
      RedactUrl("http://127.0.0.1:8086/write?db=x&u=me&p=secret&precision=ms"),
      "http://127.0.0.1:8086/write?db=x&u=me&p=xxxxx&precision=ms");
  EXPECT_EQ(RedactUrl("https://me:secret@example.org/api/v1/write"),
            "https://me:xxxxx@example.org/api/v1/write");
  EXPECT_EQ(RedactUrl("https://example.org/a@b"), "https://example.org/a@b");
  EXPECT_EQ(RedactUrl("http://h/w?token=t"), "http://h/w?token=xxxxx");
}

TEST(InfluxTargetTest, BuildsWriteUrls) {
  DatabaseConfig d;
  InfluxTarget t;
  std::string err;
  // The script-era shape: a base URL, nothing else.
  d.url = "http://127.0.0.1:8086";
  ASSERT_TRUE(BuildInfluxTarget(d, &t, &err)) << err;
  EXPECT_EQ(t.write_url,
            "http://127.0.0.1:8086/write?db=host_exporter&precision=ms");
  EXPECT_FALSE(t.v2);
  d.url = "http://127.0.0.1:8086/";
  d.database = "my db";
  d.retention_policy = "week";
  d.precision = "s";
  ASSERT_TRUE(BuildInfluxTarget(d, &t, &err)) << err;
  EXPECT_EQ(t.write_url,
            "http://127.0.0.1:8086/write?db=my%20db&rp=week&precision=s");
  EXPECT_EQ(t.database, "my db");
  // A full 1.x write URL keeps its parameters.
  d = DatabaseConfig{};
  d.url = "https://influx.example.org/write?db=metrics&rp=autogen";
  ASSERT_TRUE(BuildInfluxTarget(d, &t, &err)) << err;
  EXPECT_EQ(
      t.write_url,
      "https://influx.example.org/write?db=metrics&rp=autogen&precision=ms");
  EXPECT_EQ(t.database, "metrics");
  // 2.x.
  d = DatabaseConfig{};
  d.url = "http://127.0.0.1:8086";
  d.org = "acme";
  d.bucket = "hosts";
  d.token = "t";
  ASSERT_TRUE(BuildInfluxTarget(d, &t, &err)) << err;
  EXPECT_TRUE(t.v2);
  EXPECT_EQ(
      t.write_url,
      "http://127.0.0.1:8086/api/v2/write?org=acme&bucket=hosts&precision=ms");
  d.bucket.clear();
  EXPECT_FALSE(BuildInfluxTarget(d, &t, &err));
  EXPECT_EQ(err,
            "database.bucket: InfluxDB 2.x needs a bucket (or bucket= in "
            "database.url)");
}

TEST(InfluxTargetTest, SinkOptionsCarryAuth) {
  DatabaseConfig d;
  d.url = "http://h:8086";
  d.username = "u";
  d.gzip = true;
  InfluxTarget t;
  std::string err;
  ASSERT_TRUE(BuildInfluxTarget(d, &t, &err));
  PushSinkOptions o = InfluxSinkOptions(d, t, "pw", "", {{"host", "h1"}});
  EXPECT_EQ(o.name, "influxdb");
  EXPECT_EQ(o.request.username, "u");
  EXPECT_EQ(o.request.password, "pw");
  EXPECT_NE(std::find(o.request.headers.begin(), o.request.headers.end(),
                      "Content-Encoding: gzip"),
            o.request.headers.end());
  ASSERT_TRUE(o.reject_hint);
  HttpResponse r;
  r.status = 404;
  EXPECT_EQ(o.reject_hint(r),
            "create the database: influx -execute 'CREATE DATABASE "
            "\"host_exporter\"'");
}

class SecretTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sink_secret_XXXXXX";
    int fd = mkstemp(tmpl);
    ASSERT_GE(fd, 0);
    close(fd);
    path_ = tmpl;
  }
  void TearDown() override { unlink(path_.c_str()); }
  void Write(const std::string& s, mode_t mode) {
    std::ofstream(path_) << s;
    chmod(path_.c_str(), mode);
  }
  std::string path_;
};

TEST_F(SecretTest, InlineThenFileThenEnvironment) {
  std::string out, err;
  std::vector<std::string> warnings;
  setenv("SINK_TEST_SECRET", "from-env", 1);
  ASSERT_TRUE(ResolveSecret({"k", "inline", "k_file", "", "SINK_TEST_SECRET"},
                            &out, &warnings, &err));
  EXPECT_EQ(out, "inline");
  Write("from-file\n", 0600);
  ASSERT_TRUE(ResolveSecret({"k", "", "k_file", path_, "SINK_TEST_SECRET"},
                            &out, &warnings, &err));
  EXPECT_EQ(out, "from-file");
  EXPECT_TRUE(warnings.empty());
  ASSERT_TRUE(ResolveSecret({"k", "", "k_file", "", "SINK_TEST_SECRET"}, &out,
                            &warnings, &err));
  EXPECT_EQ(out, "from-env");
  unsetenv("SINK_TEST_SECRET");
  ASSERT_TRUE(ResolveSecret({"k", "", "k_file", "", "SINK_TEST_SECRET"}, &out,
                            &warnings, &err));
  EXPECT_EQ(out, "");
}

TEST_F(SecretTest, WarnsWhenOthersCanRead) {
  Write("pw", 0644);
  std::string out, err;
  std::vector<std::string> warnings;
  ASSERT_TRUE(ResolveSecret(
      {"database.password", "", "database.password_file", path_, ""}, &out,
      &warnings, &err));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0],
            "file " + path_ +
                " holding database.password_file is readable by other "
                "users (mode 0644); chmod o-r it");
  EXPECT_EQ(OtherReadableWarning(path_, "x").empty(), false);
  chmod(path_.c_str(), 0640);
  EXPECT_EQ(OtherReadableWarning(path_, "x"), "");
}

TEST_F(SecretTest, UnreadableFileNamesKeyAndFile) {
  std::string out, err;
  std::vector<std::string> warnings;
  EXPECT_FALSE(ResolveSecret({"database.password", "", "database.password_file",
                              "/nonexistent/pw", ""},
                             &out, &warnings, &err));
  EXPECT_EQ(err,
            "database.password_file: cannot read /nonexistent/pw: No such file "
            "or directory");
}

// Config keys of the push sinks (the rest of the config is config_test.cc's):
// `text` parsed as file "c.json" with the sinks' block parsers, resolved.
struct Loaded : Config {
  DatabaseConfig database;
  RemoteWriteConfig remote_write;
};
bool Load(const std::string& text, Loaded* c, std::string* err) {
  Settings file;
  SinkConfig s;
  if (!ParseConfigFile("c.json", text, &file, SinkConfigParsers(&s), err))
    return false;
  if (!ResolveConfig(file, {}, c, err)) return false;
  c->database = s.database;
  c->remote_write = s.remote_write;
  return true;
}

// The error of loading `text` (Load), or "loaded" if it loads.
std::string LoadError(const std::string& text) {
  Loaded c;
  std::string err;
  return Load(text, &c, &err) ? "loaded" : err;
}

// A config that does not load: its first line, its second (where the error
// is), and the error it gives.
struct BadConfig {
  std::string head;
  std::string rest;
  std::string error;
};
constexpr char kDatabaseH[] =
    R"({"database": {"type": "influxdb", "url": "http://h",)";
constexpr char kDatabaseX[] =
    R"({"database": {"type": "influxdb", "url": "http://x",)";
constexpr char kRemoteWriteX[] = R"({"remote_write": {"url": "http://x",)";

// Each fails to load with its error.
const BadConfig kBadConfigs[] = {
    {kDatabaseH, R"("username": "a", "auth": {"username": "b"}}})",
     "c.json:2: key \"database.username\": set either "
     "database.username or database.auth.username, not both"},
    {kDatabaseH, R"("auth": {"user": "b"}}})",
     "c.json:2: key \"database.auth.user\": unknown key (known: "
     "username, password, password_file)"},
    {kDatabaseH, R"("auth": {"password": 5}}})",
     "c.json:2: key \"database.auth.password\": expected a string, "
     "got a number"},
    {kDatabaseH, R"("auth": ["admin"]}})",
     "c.json:2: key \"database.auth\": expected an object, got an "
     "array"},
    {kDatabaseH, R"("password_file": "/x", "auth": {"password": "p"}}})",
     "c.json:2: key \"database.password_file\": set either "
     "database.auth.password or database.password_file, not both"},
    {kDatabaseH, R"("format": "script"}})",
     "c.json:2: key \"database.format\": expected \"node\" (one "
     "measurement per metric family) or \"system_metrics\" (the "
     "script's points), got \"script\""},
    {kDatabaseX, R"("disk_queue": {"max_bytes": 100}}})",
     "c.json:2: key \"database.disk_queue.max_bytes\": expected an "
     "integer of at least 65536, got 100"},
    {kRemoteWriteX, R"("disk_queue": {"directory": "q"}}})",
     "c.json:2: key \"remote_write.disk_queue.directory\": expected "
     "an absolute path, got \"q\""},
    {kRemoteWriteX, R"("disk_queue": {"fsync": true}}})",
     "c.json:2: key \"remote_write.disk_queue.fsync\": unknown key "
     "(known: directory, max_bytes)"},
    {kDatabaseX, R"("disk_queue": true}})",
     "c.json:2: key \"database.disk_queue\": expected an object, got "
     "a boolean"},
};

TEST(PushConfigTest, BadBlocksNameTheKeyAndLine) {
  for (const BadConfig& b : kBadConfigs) {
    const std::string json = b.head + "\n" + b.rest;
    EXPECT_EQ(LoadError(json), b.error) << json;
  }
}

TEST(PushConfigTest, DatabaseAuthErrorsNameTheKey) {
  Loaded c;
  std::string err;
  ASSERT_TRUE(Load(R"({"database": {"type": "influxdb", "url": "http://h",
  "format": "system_metrics"}})",
                   &c, &err))
      << err;
  EXPECT_EQ(c.database.format, "system_metrics");
}

TEST(PushConfigTest, DatabaseValidation) {
  Loaded c;
  std::string err;
  EXPECT_EQ(LoadError(R"({"database": {"type": "mysql", "url": "http://x"}})"),
            "c.json:1: key \"database.type\": only \"influxdb\" is supported, "
            "got \"mysql\"");
  EXPECT_FALSE(Load(
      R"({"database": {"type": "influxdb", "url": "http://x", "port": 1}})", &c,
      &err));
  EXPECT_EQ(err, "c.json:1: key \"database.port\": unknown key");
  EXPECT_EQ(LoadError(R"({"database": {"type": "influxdb", "url": "http://x",
    "batch_size": -5}})"),
            "c.json:2: key \"database.batch_size\": expected a positive "
            "integer, got -5");
}

// The script's spellings of the `database` block (config_test.cc has the
// others): auth as a sub-object (or null, or with null members: requests then
// sent no credentials), `type` in any case (it never looked at it).
TEST(PushConfigTest, TheScriptsOtherSpellings) {
  Loaded c;
  std::string err;
  ASSERT_TRUE(Load(R"({"database": {"type": "InfluxDB", "url": "http://h:8086",
      "auth": {"username": "u", "password_file": "/run/pw"}}})",
                   &c, &err))
      << err;
  EXPECT_EQ(c.database.type, "influxdb");
  EXPECT_EQ(c.database.username, "u");
  EXPECT_EQ(c.database.password_file, "/run/pw");
  ASSERT_TRUE(Load(R"({"database": {"type": "influxdb", "url": "http://h",
      "auth": null}})",
                   &c, &err))
      << err;
  EXPECT_EQ(c.database.username, "");
  ASSERT_TRUE(Load(R"({"database": {"type": "influxdb", "url": "http://h",
      "auth": {"username": null, "password": null}}})",
                   &c, &err))
      << err;
  EXPECT_EQ(c.database.password, "");
}

TEST(PushConfigTest, DatabaseUrlErrorNamesTheLine) {
  Loaded c;
  EXPECT_EQ(LoadError("{\n\n\"database\": {\"type\": \"influxdb\",\n \"url\": "
                      "\"ftp://x\"}}"),
            "c.json:4: key \"database.url\": expected an http:// or https:// "
            "URL, got \"ftp://x\"");
}

TEST(PushConfigTest, NoBlockNoSink) {
  Loaded c;
  std::string err;
  ASSERT_TRUE(Load("{}", &c, &err)) << err;
  EXPECT_FALSE(c.database.enabled);
  EXPECT_FALSE(c.remote_write.enabled);
}

TEST(PushConfigTest, OriginalScriptShapeIsAccepted) {
  const std::string text = R"({
  "collection_interval": 10,
  "database": {
    "type": "influxdb",
    "url": "http://127.0.0.1:8086",
    "username": "monitor",
    "password": "secret"
  }
})";
  Loaded c;
  std::string err;
  ASSERT_TRUE(Load(text, &c, &err)) << err;
  EXPECT_TRUE(c.database.enabled);
  EXPECT_EQ(c.database.url, "http://127.0.0.1:8086");
  EXPECT_EQ(c.database.username, "monitor");
  EXPECT_EQ(c.database.password, "secret");
}

// The script's users' file, unchanged (tests/fixtures/script).
TEST(PushConfigTest, TheScriptsOwnFileIsAccepted) {
  const std::string path =
      std::string(FIXTURE_ROOT) + "/../script/config_data_processing.json";
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty()) << path;
  Settings file;
  SinkConfig s;
  std::string err;
  ASSERT_TRUE(ParseConfigFile(path, text, &file, SinkConfigParsers(&s), &err))
      << err;
  const DatabaseConfig& d = s.database;
  EXPECT_TRUE(d.enabled);
  EXPECT_EQ(d.type, "influxdb");
  EXPECT_EQ(d.url, "http://127.0.0.1:8086/write?db=system_metrics");
  EXPECT_EQ(d.username, "admin");
  EXPECT_EQ(d.password, "secret");
  EXPECT_EQ(d.password_key, "database.auth.password");
  EXPECT_EQ(d.format, "node");
}

TEST(PushConfigTest, RemoteWriteBlock) {
  Loaded c;
  std::string err;
  ASSERT_TRUE(Load(R"({
  "remote_write": {
    "url": "https://prom.example.org/api/v1/write",
    "basic_auth": {"username": "host", "password_file": "/etc/host_exporter/rw"},
    "queue": {"capacity": 5000, "max_samples_per_send": 500,
              "batch_send_deadline": "2s", "min_backoff": "100ms", "max_backoff": 10},
    "remote_timeout": "10s",
    "external_labels": {"job": "edge", "site": "ams1"}
  }
})",
                   &c, &err))
      << err;
  const RemoteWriteConfig& rw = c.remote_write;
  EXPECT_TRUE(rw.enabled);
  EXPECT_EQ(rw.url, "https://prom.example.org/api/v1/write");
  EXPECT_EQ(rw.username, "host");
  EXPECT_EQ(rw.password_file, "/etc/host_exporter/rw");
  EXPECT_EQ(rw.capacity, 5000u);
  EXPECT_EQ(rw.max_samples_per_send, 500u);
  EXPECT_EQ(rw.batch_send_deadline, milliseconds(2000));
  EXPECT_EQ(rw.min_backoff, milliseconds(100));
  EXPECT_EQ(rw.max_backoff, milliseconds(10000));
  EXPECT_EQ(rw.remote_timeout, milliseconds(10000));
  EXPECT_EQ(rw.external_labels.at("site"), "ams1");
  EXPECT_FALSE(c.database.enabled);
}

TEST(PushConfigTest, RemoteWriteErrorsNameTheKey) {
  Loaded c;
  EXPECT_EQ(LoadError("{\"remote_write\": {\"url\": \"ftp://x\"}}"),
            "c.json:1: key \"remote_write.url\": expected an http:// or "
            "https:// URL, got \"ftp://x\"");
  EXPECT_EQ(
      LoadError("{\"remote_write\": {\"url\": \"http://x\",\n"
                "  \"queue\": {\"capacity\": 0}}}"),
      "c.json:2: key \"remote_write.queue.capacity\": expected a positive "
      "integer, got 0");
  EXPECT_EQ(LoadError("{\"remote_write\": {\"url\": \"http://x\", \"queue\": "
                      "{\"shards\": 2}}}"),
            "c.json:1: key \"remote_write.queue.shards\": unknown key (known: "
            "capacity, max_samples_per_send, batch_send_deadline, min_backoff, "
            "max_backoff)");
  EXPECT_EQ(
      LoadError(
          "{\"remote_write\": {\"url\": \"http://x\", \"bearer_token\": \"a\","
          " \"bearer_token_file\": \"/f\"}}"),
      "c.json:1: key \"remote_write.bearer_token_file\": set either "
      "bearer_token or bearer_token_file, not both");
  EXPECT_EQ(
      LoadError(
          "{\"remote_write\": {\"url\": \"http://x\", \"external_labels\": "
          "{\"__x\": \"a\"}}}"),
      "c.json:1: key \"remote_write.external_labels.__x\": not a valid "
      "label name ([a-zA-Z_][a-zA-Z0-9_]*, not __*)");
  EXPECT_EQ(
      LoadError(
          "{\"remote_write\": {\"url\": \"http://x\", \"external_labels\": "
          "{\"a\": 1}}}"),
      "c.json:1: key \"remote_write.external_labels.a\": expected a string, "
      "got a number");
  EXPECT_EQ(
      LoadError("{\"remote_write\": {\"url\": \"http://x\", \"basic_auth\": "
                "{\"password\": \"p\"}}}"),
      "c.json:1: key \"remote_write.basic_auth\": needs a username");
}

TEST(PushConfigTest, DatabaseAddedKeys) {
  Loaded c;
  std::string err;
  ASSERT_TRUE(Load(R"({"database": {"type": "influxdb", "url": "http://x",
    "tags": {"dc": "ams1", "host": ""}, "min_backoff": "200ms", "max_backoff": "5s",
    "flush_interval": 1, "max_buffer_points": 300, "legacy_measurements": true}})",
                   &c, &err))
      << err;
  EXPECT_EQ(c.database.tags.at("dc"), "ams1");
  EXPECT_EQ(c.database.tags.at("host"), "");
  EXPECT_EQ(c.database.min_backoff, milliseconds(200));
  EXPECT_EQ(c.database.max_backoff, milliseconds(5000));
  EXPECT_EQ(c.database.flush_interval, milliseconds(1000));
  EXPECT_EQ(c.database.max_buffer_points, 300u);
  EXPECT_TRUE(c.database.legacy_measurements);
  EXPECT_EQ(LoadError(R"({"database": {"type": "influxdb", "url": "http://x",
    "min_backoff": "10s", "max_backoff": "1s"}})"),
            "c.json:2: key \"database.max_backoff\": must not be less than "
            "min_backoff");
  EXPECT_EQ(
      LoadError(R"({"database": {"type": "influxdb", "url": "http://x",
    "org": "acme"}})"),
      "c.json: key \"database.bucket\": InfluxDB 2.x (org, token) needs a "
      "bucket");
}

TEST(PushConfigTest, PushUrlsAreValidatedWithKeyAndLine) {
  Loaded c;
  std::string err;
  err = LoadError(
      "{\"database\": {\"type\": \"influxdb\",\n"
      "  \"url\": \"http://[::1\"}}");
  EXPECT_EQ(err.rfind("c.json:2: key \"database.url\": ", 0), 0u) << err;
  EXPECT_NE(err.find("http://[::1"), std::string::npos) << err;
  err = LoadError(
      "{\"database\": {\"type\": \"influxdb\",\n\n"
      "  \"url\": \"http://127.0.0.1:99999\"}}");
  EXPECT_EQ(err.rfind("c.json:3: key \"database.url\": ", 0), 0u) << err;
  EXPECT_NE(err.find("65535"), std::string::npos) << err;
  err = LoadError(
      "{\"database\": {\"type\": \"influxdb\",\n"
      "  \"url\": \"http://127.0.0.1:0/\"}}");
  EXPECT_EQ(err.rfind("c.json:2: key \"database.url\": ", 0), 0u) << err;
  err = LoadError(
      "{\"database\": {\"type\": \"influxdb\",\n"
      "  \"url\": \"http://\"}}");
  EXPECT_EQ(err.rfind("c.json:2: key \"database.url\": ", 0), 0u) << err;
  err = LoadError(
      "{\"remote_write\": {\n"
      "  \"url\": \"https://[::1:9090/api/v1/write\"}}");
  EXPECT_EQ(err.rfind("c.json:2: key \"remote_write.url\": ", 0), 0u) << err;
  err = LoadError("{\"remote_write\": {\"url\": \"http://h:65536/w\"}}");
  EXPECT_EQ(err.rfind("c.json:1: key \"remote_write.url\": ", 0), 0u) << err;
  // Good ones still pass.
  for (const char* url :
       {"http://[::1]:8086", "https://influx.example.org/write?db=x",
        "http://127.0.0.1:65535/w", "http://u:p@h/w"}) {
    EXPECT_TRUE(
        Load(std::string("{\"remote_write\": {\"url\": \"") + url + "\"}}", &c,
             &err))
        << url << ": " << err;
  }
}

TEST(PushConfigTest, DiskQueueKeys) {
  Loaded c;
  std::string err;
  ASSERT_TRUE(Load(R"({"database": {"type": "influxdb", "url": "http://x",
    "disk_queue": {}},
    "remote_write": {"url": "http://y/w",
    "disk_queue": {"directory": "/srv/q", "max_bytes": 1048576}}})",
                   &c, &err))
      << err;
  EXPECT_TRUE(c.database.disk_queue.enabled);
  EXPECT_EQ(c.database.disk_queue.directory, "");
  EXPECT_EQ(c.database.disk_queue.max_bytes, uint64_t{256} << 20);
  EXPECT_TRUE(c.remote_write.disk_queue.enabled);
  EXPECT_EQ(c.remote_write.disk_queue.directory, "/srv/q");
  EXPECT_EQ(c.remote_write.disk_queue.max_bytes, 1048576u);
}

// A loopback HTTP/1.1 server answering every request with `status`.
class FakeServer {
 public:
  explicit FakeServer(int status) : status_(status) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    listen(fd_, 8);
    thread_ = std::thread([this] { Run(); });
  }
  ~FakeServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/w";
  }
  void set_status(int s) { status_ = s; }
  // The next `n` requests get `raw` as the whole reply, then the connection
  // is closed (a reply cut off); their bodies do not count as accepted.
  void set_raw(std::string raw, int n) {
    std::lock_guard<std::mutex> l(mu_);
    raw_ = std::move(raw);
    raw_left_ = n;
  }
  // From now on, requests are read but never answered (a black hole).
  void set_silent(bool s) { silent_ = s; }
  int requests() const { return requests_; }
  int connections() const { return connections_; }
  std::string bodies() {
    std::lock_guard<std::mutex> l(mu_);
    return bodies_;
  }

 private:
  void Run() {
    std::vector<pollfd> fds = {{fd_, POLLIN, 0}};
    std::vector<std::string> bufs(1);
    while (!stop_) {
      if (poll(fds.data(), fds.size(), 20) <= 0) continue;
      for (size_t i = 0; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
        if (i == 0) {
          fds.push_back({accept(fd_, nullptr, nullptr), POLLIN, 0});
          bufs.emplace_back();
          ++connections_;
          continue;
        }
        char b[65536];
        ssize_t n = read(fds[i].fd, b, sizeof b);
        if (n <= 0) {
          close(fds[i].fd);
          fds[i].fd = -1;
          continue;
        }
        bufs[i].append(b, static_cast<size_t>(n));
        size_t end = bufs[i].find("\r\n\r\n");
        if (end == std::string::npos) continue;
        size_t cl = bufs[i].find("Content-Length: ");
        size_t len =
            cl == std::string::npos ? 0 : std::stoul(bufs[i].substr(cl + 16));
        if (bufs[i].size() < end + 4 + len) continue;
        ++requests_;
        if (silent_) continue;  // the buffer keeps the request: no answer
        {
          std::unique_lock<std::mutex> l(mu_);
          if (raw_left_ > 0) {
            --raw_left_;
            bufs[i].erase(0, end + 4 + len);
            (void)!write(fds[i].fd, raw_.data(), raw_.size());
            close(fds[i].fd);
            fds[i].fd = -1;
            continue;
          }
        }
        if (status_ < 300) {  // what the server accepted
          std::lock_guard<std::mutex> l(mu_);
          bodies_ += bufs[i].substr(end + 4, len);
        }
        bufs[i].erase(0, end + 4 + len);
        const int status = status_;
        std::string resp =
            "HTTP/1.1 " + std::to_string(status) + " X\r\n" +
            (status == 204 ? "\r\n" : "Content-Length: 2\r\n\r\n{}");
        (void)!write(fds[i].fd, resp.data(), resp.size());
      }
    }
    for (size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].fd >= 0) close(fds[i].fd);
    }
  }

  int fd_;
  int port_;
  std::atomic<int> status_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> silent_{false};
  std::string raw_;
  int raw_left_ = 0;
  std::atomic<int> requests_{0};
  std::atomic<int> connections_{0};
  std::mutex mu_;
  std::string bodies_;
  std::thread thread_;
};

// Publishes a snapshot whose encoding yields `n` items "c<cycle>.<i>\n".
void Publish(SnapshotStore* store, uint64_t cycle) {
  auto s = std::make_shared<Snapshot>();
  s->cycle = cycle;
  s->timestamp = static_cast<double>(cycle);
  store->Publish(s);
}

PushSinkOptions TestOptions(const std::string& url, size_t per_cycle) {
  PushSinkOptions o;
  o.name = "test";
  o.url = url;
  o.request.timeout = milliseconds(2000);
  o.encode = [per_cycle](const Snapshot& s, std::vector<std::string>* out) {
    for (size_t i = 0; i < per_cycle; ++i) {
      out->push_back("c" + std::to_string(s.cycle) + "." + std::to_string(i) +
                     "\n");
    }
  };
  o.batch_size = 4;
  o.flush_interval = milliseconds(20);
  o.max_buffer = 10;
  o.min_backoff = milliseconds(10);
  o.max_backoff = milliseconds(40);
  return o;
}

template <typename F>
bool WaitFor(F f, milliseconds limit = milliseconds(5000)) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return f();
}

// A logger writing errors only (to stderr).
struct QuietLog : Logger {
  QuietLog() {
    std::string err;
    Configure(LogLevel::kError, "logfmt", "", &err);
  }
};

TEST(PushSinkRunTest, SendsEverythingInBatchesOverOneConnection) {
  FakeServer server(204);
  SnapshotStore store;
  QuietLog log;
  PushSinkOptions o = TestOptions(server.url(), 3);
  o.max_buffer = 100;  // room for all: nothing may be dropped here
  PushSink sink(std::move(o), &store, &log);
  sink.Start();
  for (uint64_t c = 1; c <= 5; ++c) {
    Publish(&store, c);
    ASSERT_TRUE(WaitFor([&] { return sink.Stats().enqueued == 3 * c; }));
  }
  ASSERT_TRUE(WaitFor([&] { return sink.Stats().sent == 15; }))
      << "sent " << sink.Stats().sent << " buffered " << sink.Stats().buffered
      << " dropped " << sink.Stats().dropped << " errors "
      << sink.Stats().write_errors;
  sink.Stop(milliseconds(1000));
  PushSinkStats s = sink.Stats();
  EXPECT_EQ(s.sent, 15u);
  EXPECT_EQ(s.dropped + s.failed + s.buffered, 0u);
  EXPECT_GT(s.last_success, 0);
  EXPECT_EQ(server.connections(), 1) << "keep-alive";
  std::string bodies = server.bodies();
  for (int c = 1; c <= 5; ++c) {
    for (int i = 0; i < 3; ++i) {
      std::string item =
          "c" + std::to_string(c) + "." + std::to_string(i) + "\n";
      EXPECT_NE(bodies.find(item), std::string::npos) << item;
    }
  }
  EXPECT_EQ(bodies.size(), 15u * 5);  // "cN.I\n" each, no duplicates
}

TEST(PushSinkRunTest, OutageBuffersDropsOldestThenDelivers) {
  FakeServer server(503);
  SnapshotStore store;
  QuietLog log;
  PushSink sink(TestOptions(server.url(), 3), &store, &log);
  sink.Start();
  for (uint64_t c = 1; c <= 6; ++c) {
    Publish(&store, c);
    ASSERT_TRUE(WaitFor([&] { return sink.Stats().enqueued == 3 * c; }));
  }
  // Outside a retry in flight: the newest ten wait, the oldest eight are gone.
  ASSERT_TRUE(WaitFor([&] {
    PushSinkStats s = sink.Stats();
    return s.buffered == 10 && s.dropped == 8;
  }));
  PushSinkStats s = sink.Stats();
  EXPECT_EQ(s.sent, 0u);
  EXPECT_GT(s.write_errors, 0u);
  server.set_status(204);
  ASSERT_TRUE(WaitFor([&] { return sink.Stats().sent == 10; }));
  sink.Stop(milliseconds(1000));
  s = sink.Stats();
  EXPECT_EQ(s.enqueued, s.sent + s.dropped + s.failed + s.buffered);
  // The newest ten arrived, each once: c3.2 … c6.2.
  std::string bodies = server.bodies();
  EXPECT_EQ(bodies.find("c3.1\n"), std::string::npos);
  for (const char* item : {"c3.2\n", "c4.0\n", "c5.1\n", "c6.2\n"}) {
    EXPECT_NE(bodies.find(item), std::string::npos) << item;
  }
  EXPECT_EQ(bodies.size(), 10u * 5);
}

TEST(PushSinkRunTest, RejectionCountsFailedAndDoesNotLoop) {
  FakeServer server(401);
  SnapshotStore store;
  QuietLog log;
  PushSinkOptions o = TestOptions(server.url(), 3);
  o.flush_interval = milliseconds(200);
  PushSink sink(std::move(o), &store, &log);
  sink.Start();
  Publish(&store, 1);
  ASSERT_TRUE(WaitFor([&] { return sink.Stats().failed == 3; }));
  std::this_thread::sleep_for(milliseconds(300));
  PushSinkStats s = sink.Stats();
  EXPECT_EQ(s.failed, 3u);
  EXPECT_EQ(server.requests(), 1) << "a rejected batch is not resent";
  sink.Stop(milliseconds(0));
}

TEST(PushSinkRunTest, RebaseFollowsRestartedCycleNumbers) {
  FakeServer server(204);
  SnapshotStore store;
  QuietLog log;
  PushSink sink(TestOptions(server.url(), 1), &store, &log);
  sink.Start();
  Publish(&store, 7);
  ASSERT_TRUE(WaitFor([&] { return sink.Stats().enqueued == 1; }));
  Publish(&store, 1);  // a new scheduler starts counting again
  sink.Rebase();
  ASSERT_TRUE(WaitFor([&] { return sink.Stats().enqueued == 2; }));
  Publish(&store, 2);
  ASSERT_TRUE(WaitFor([&] { return sink.Stats().enqueued == 3; }));
  sink.Stop(milliseconds(1000));
  EXPECT_EQ(sink.Stats().sent, 3u);
}

// A reply cut off before the end of its header block, or with a body
// shorter than its Content-Length, is a transport error, not a success.
TEST(HttpClientTest, CutOffRepliesAreTransportErrors) {
  FakeServer server(204);
  HttpClient http;
  HttpRequestOptions req;
  req.timeout = milliseconds(2000);
  for (const char* raw :
       {"HTTP/1.1 204 No Content\r\nContent-Le", "HTTP/1.1 204 No Content\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"}) {
    server.set_raw(raw, 1);
    HttpResponse r = http.Post(server.url(), "x\n", req);
    EXPECT_EQ(r.status, 0) << raw;
    EXPECT_FALSE(r.error.empty()) << raw;
    EXPECT_EQ(ClassifyResponse(r), WriteOutcome::kRetry) << raw;
  }
  HttpResponse ok = http.Post(server.url(), "x\n", req);
  EXPECT_EQ(ok.status, 204) << ok.error;
}

TEST(PushSinkRunTest, CutOffReplyIsRetriedNotCountedAsSent) {
  FakeServer server(204);
  server.set_raw("HTTP/1.1 204 No Content\r\nContent-Le", 2);
  SnapshotStore store;
  QuietLog log;
  PushSinkOptions o = TestOptions(server.url(), 3);
  o.max_buffer = 100;
  PushSink sink(std::move(o), &store, &log);
  sink.Start();
  Publish(&store, 1);
  ASSERT_TRUE(WaitFor([&] { return sink.Stats().sent == 3; }))
      << "sent " << sink.Stats().sent;
  sink.Stop(milliseconds(1000));
  PushSinkStats s = sink.Stats();
  EXPECT_EQ(s.write_errors, 2u);
  EXPECT_EQ(server.requests(), 3);
  // Every point reached the server in an answered request.
  EXPECT_EQ(server.bodies(), "c1.0\nc1.1\nc1.2\n");
}

// A target that accepts the connection but never answers: Stop() aborts the
// request in flight and the final flush ends within its budget, not after
// the request timeout.
TEST(PushSinkRunTest, StopAbortsARequestThatIsNeverAnswered) {
  FakeServer server(204);
  server.set_silent(true);
  SnapshotStore store;
  QuietLog log;
  PushSinkOptions o = TestOptions(server.url(), 3);
  o.request.timeout = milliseconds(8000);
  PushSink sink(std::move(o), &store, &log);
  sink.Start();
  Publish(&store, 1);
  ASSERT_TRUE(WaitFor([&] { return server.requests() >= 1; }));
  sink.Stop(milliseconds(300));
  // (How long that takes is measured end to end: test_push_faults.py.)
  PushSinkStats s = sink.Stats();
  EXPECT_EQ(s.sent, 0u);
  EXPECT_EQ(s.buffered, 3u) << "unsent points stay accounted for";
}

// A sink's disk queue directory (a scratch one, removed at the end) and a
// quiet logger.
class PushSinkDiskTest : public ::testing::Test {
 protected:
  const testing::TempDir tmp;
  const std::string dir = tmp.dir();
  QuietLog log;
};

// With a disk queue, what a stopped sink could not send is sent by the next
// one (a restart), each point once.
TEST_F(PushSinkDiskTest, RestartReplaysWhatWasNotSent) {
  FakeServer server(503);
  {
    SnapshotStore store;
    PushSinkOptions o = TestOptions(server.url(), 3);
    o.disk.directory = dir;
    o.disk.max_bytes = 1 << 20;
    PushSink sink(std::move(o), &store, &log);
    sink.Start();
    for (uint64_t c = 1; c <= 6; ++c) {
      Publish(&store, c);
      ASSERT_TRUE(WaitFor([&] { return sink.Stats().enqueued == 3 * c; }));
    }
    sink.Stop(milliseconds(0));
    PushSinkStats s = sink.Stats();
    EXPECT_EQ(s.sent, 0u);
    EXPECT_EQ(s.dropped, 0u) << "max_buffer does not bound the disk queue";
    EXPECT_EQ(s.buffered, 18u);
    EXPECT_TRUE(s.disk_queue);
    EXPECT_GT(s.queue_bytes, 0u);
  }
  server.set_status(204);
  SnapshotStore store;
  PushSinkOptions o = TestOptions(server.url(), 3);
  o.disk.directory = dir;
  PushSink sink(std::move(o), &store, &log);
  sink.Start();
  ASSERT_TRUE(WaitFor([&] { return sink.Stats().sent == 18; }))
      << sink.Stats().sent;
  sink.Stop(milliseconds(1000));
  PushSinkStats s = sink.Stats();
  EXPECT_EQ(s.queue_replayed, 18u);
  EXPECT_EQ(s.buffered, 0u);
  std::string bodies = server.bodies();
  EXPECT_EQ(bodies.size(), 18u * 5) << "each point once";
  EXPECT_EQ(bodies.substr(0, 15), "c1.0\nc1.1\nc1.2\n") << "oldest first";
}

// A bound lowered between two runs: the oldest found on disk go, counted,
// and the accounting holds.
TEST_F(PushSinkDiskTest, LoweredBoundAtStartDropsOldestAndCounts) {
  std::string err;
  {
    DiskQueueOptions d;
    d.directory = dir;
    d.segment_bytes = 4096;
    DiskQueue q(d);
    std::vector<std::string> warnings;
    ASSERT_TRUE(q.Open(&err, &warnings)) << err;
    for (int c = 1; c <= 40; ++c) {
      std::vector<std::string> items;
      for (int i = 0; i < 40; ++i) {
        items.push_back("c" + std::to_string(c) + "." + std::to_string(i) +
                        "-padding-padding-padding\n");
      }
      ASSERT_TRUE(q.Append(items, c, nullptr, &err)) << err;
    }
  }
  FakeServer server(204);
  SnapshotStore store;
  PushSinkOptions o = TestOptions(server.url(), 1);
  o.batch_size = 500;
  o.disk.directory = dir;
  o.disk.max_bytes = 16384;
  o.disk.segment_bytes = 4096;
  PushSink sink(std::move(o), &store, &log);
  sink.Start();
  PushSinkStats s = sink.Stats();
  EXPECT_EQ(s.queue_replayed, 1600u);
  EXPECT_GT(s.dropped, 0u);
  EXPECT_EQ(s.queue_dropped, s.dropped);
  ASSERT_TRUE(WaitFor([&] { return sink.Stats().buffered == 0; }));
  sink.Stop(milliseconds(1000));
  s = sink.Stats();
  EXPECT_EQ(s.enqueued, s.sent + s.dropped + s.failed + s.buffered);
  EXPECT_EQ(server.bodies().find("c1.0-"), std::string::npos) << "oldest gone";
  EXPECT_NE(server.bodies().find("c40.39-"), std::string::npos);
}

// A disk that cannot be written (full, read-only): the sink keeps pushing
// from memory and counts the failure.
TEST_F(PushSinkDiskTest, FullDiskFallsBackToMemory) {
  FakeServer server(204);
  SnapshotStore store;
  PushSinkOptions o = TestOptions(server.url(), 3);
  o.max_buffer = 100;
  o.disk.directory = dir;
  o.disk.write_fn = [](int, const void*, size_t) -> ssize_t {
    errno = ENOSPC;
    return -1;
  };
  PushSink sink(std::move(o), &store, &log);
  sink.Start();
  for (uint64_t c = 1; c <= 3; ++c) {
    Publish(&store, c);
    ASSERT_TRUE(WaitFor([&] { return sink.Stats().enqueued == 3 * c; }));
  }
  ASSERT_TRUE(WaitFor([&] { return sink.Stats().sent == 9; }));
  sink.Stop(milliseconds(1000));
  PushSinkStats s = sink.Stats();
  EXPECT_GE(s.queue_errors, 1u);
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_EQ(server.bodies().size(), 9u * 5);
}

}  // namespace
}  // namespace host_exporter::sinks
