#include "app/application.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/temp_dir.h"

namespace host_exporter::app {
namespace {

// A config file in a fresh directory, rewritten at will.
class ConfigFile {
 public:
  void Write(const std::string& text) const { std::ofstream(path_) << text; }
  const std::string& path() const { return path_; }

 private:
  const testing::TempDir dir_;
  const std::string path_ = dir_.dir() + "/config.json";
};

// Flags as main.cc hands them over: loopback, any free port, one cheap
// collector on the fixture root.
Settings Given(const ConfigFile& file) {
  Settings s;
  s["web.listen-address"] = {{"127.0.0.1:0"}, "flag --web.listen-address"};
  s["collector.disable-defaults"] = {{"true"}, "flag"};
  s["collector.loadavg"] = {{"true"}, "flag"};
  s["path.procfs"] = {{FIXTURE_ROOT "/proc"}, "flag --path.procfs"};
  s["log.level"] = {{"error"}, "flag --log.level"};
  s["config.file"] = {{file.path()}, "flag --config.file"};
  return s;
}

TEST(ApplicationTest, ReloadAppliesAGoodConfigAndKeepsTheRunningOneOnABadOne) {
  ConfigFile file;
  file.Write(R"({"collection.interval": "2s"})");
  Application app(Given(file));
  std::string err;
  ASSERT_TRUE(app.Start(&err)) << err;
  ASSERT_EQ(app.BoundAddresses().size(), 1u);
  EXPECT_EQ(app.config().interval.count(), 2000);

  file.Write(R"({"collection.interval": "3s"})");
  EXPECT_TRUE(app.Reload());
  EXPECT_EQ(app.config().interval.count(), 3000);

  // Invalid JSON, then a valid file with a bad value: nothing changes.
  file.Write(R"({"collection.interval": )");
  EXPECT_FALSE(app.Reload());
  EXPECT_EQ(app.config().interval.count(), 3000);
  file.Write(
      R"({"collection.interval": "4s", "web.config.file": "/nonexistent/web.yml"})");
  EXPECT_FALSE(app.Reload());
  EXPECT_EQ(app.config().interval.count(), 3000);
  EXPECT_EQ(app.config().web_config_file, "");

  app.Stop("test");
  EXPECT_TRUE(app.BoundAddresses().empty());
}

TEST(ApplicationTest, StartRemovesSocketActivationVariablesWithoutTheFlag) {
  // Passed by a .socket unit but not asked for (no --web.systemd-socket):
  // read and removed all the same, so no child process inherits them.
  ConfigFile file;
  file.Write("{}");
  ::setenv("LISTEN_FDS", "1", 1);
  ::setenv("LISTEN_PID", "1", 1);
  ::setenv("LISTEN_FDNAMES", "web", 1);
  Application app(Given(file));
  std::string err;
  ASSERT_TRUE(app.Start(&err)) << err;
  EXPECT_EQ(::getenv("LISTEN_FDS"), nullptr);
  EXPECT_EQ(::getenv("LISTEN_PID"), nullptr);
  EXPECT_EQ(::getenv("LISTEN_FDNAMES"), nullptr);
  app.Stop("test");
}

TEST(ApplicationTest, ReloadIsAbandonedWhenAStopIsPending) {
  ConfigFile file;
  file.Write(R"({"collection.interval": "2s"})");
  Application app(Given(file));
  std::string err;
  ASSERT_TRUE(app.Start(&err)) << err;
  file.Write(R"({"collection.interval": "3s"})");
  EXPECT_FALSE(app.Reload([] { return true; }));
  EXPECT_EQ(app.config().interval.count(), 2000);
}

TEST(ApplicationTest, StartFailsWithTheErrorNamingTheFile) {
  ConfigFile file;
  file.Write(R"({"collection.interval": )");
  Application app(Given(file));
  std::string err;
  EXPECT_FALSE(app.Start(&err));
  EXPECT_NE(err.find(file.path()), std::string::npos) << err;
  EXPECT_TRUE(app.BoundAddresses().empty());
}

TEST(ApplicationTest, CheckConfigSummarizes) {
  ConfigFile file;
  file.Write(R"({"collection.interval": "2s"})");
  std::string summary, err;
  ASSERT_TRUE(Application::CheckConfig(Given(file), &summary, &err)) << err;
  EXPECT_EQ(summary, "host_exporter: configuration OK (" + file.path() +
                         "): 1 collectors enabled, interval 2000ms");
}

TEST(ApplicationTest, CollectOnceReturnsTheExposition) {
  ConfigFile file;
  file.Write("{}");
  std::string text, err;
  ASSERT_TRUE(Application::CollectOnce(Given(file), &text, &err)) << err;
  EXPECT_NE(text.find("\nnode_load1 "), std::string::npos) << text;
  EXPECT_NE(text.find("host_exporter_build_info{"), std::string::npos);
}

}  // namespace
}  // namespace host_exporter::app
