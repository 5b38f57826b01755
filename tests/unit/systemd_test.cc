// The systemd collector's pure parts (filtering, summary, version) and the
// collector itself on a fake D-Bus.
#include "collectors/systemd.h"

#include <gtest/gtest.h>

#include <limits>

#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

SystemdUnit Unit(std::string name, std::string load, std::string active) {
  return {name, load, active, "", "/org/freedesktop/systemd1/unit/" + name};
}

std::regex Anchored(const std::string& p) {
  return std::regex("^(?:" + p + ")$");
}

TEST(SystemdFilterTest, IncludeExcludeAndLoadState) {
  const std::vector<SystemdUnit> units = {
      Unit("ssh.service", "loaded", "active"),
      Unit("home.mount", "loaded", "active"),
      Unit("dev-sda.device", "loaded", "active"),
      Unit("user.slice", "loaded", "active"),
      Unit("missing.service", "not-found", "inactive"),
      Unit("masked.service", "masked", "inactive"),
      Unit("apt.timer", "loaded", "inactive"),
      Unit("my.service.d", "loaded", "active"),
  };
  auto names = [](const std::vector<SystemdUnit>& us) {
    std::vector<std::string> out;
    for (const auto& u : us) out.push_back(u.name);
    return out;
  };
  const std::regex exclude =
      Anchored(".+\\.(automount|device|mount|scope|slice)");
  EXPECT_EQ(
      names(FilterSystemdUnits(units, Anchored(".+"), exclude)),
      (std::vector<std::string>{"ssh.service", "apt.timer", "my.service.d"}));
  // Patterns are anchored: "service" alone matches no unit name.
  EXPECT_TRUE(FilterSystemdUnits(units, Anchored("service"), exclude).empty());
  EXPECT_EQ(
      names(FilterSystemdUnits(units, Anchored(".+\\.service"), Anchored(""))),
      (std::vector<std::string>{"ssh.service"}));
}

TEST(SystemdSummaryTest, CountsEveryUnitWithTheFiveStatesAlwaysPresent) {
  auto s = SummarizeSystemdUnits({Unit("a.service", "loaded", "active"),
                                  Unit("b.service", "not-found", "inactive"),
                                  Unit("c.service", "loaded", "active"),
                                  Unit("d.service", "loaded", "reloading")});
  EXPECT_EQ(s, (std::map<std::string, double>{{"activating", 0},
                                              {"active", 2},
                                              {"deactivating", 0},
                                              {"failed", 0},
                                              {"inactive", 1},
                                              {"reloading", 1}}));
  EXPECT_EQ(SummarizeSystemdUnits({}).size(), 5u);
}

TEST(SystemdVersionTest, ParsesLikeNodeExporter) {
  auto v = ParseSystemdVersion("252.22-1~deb12u1");
  EXPECT_DOUBLE_EQ(v.number, 252.22);
  EXPECT_EQ(v.full, "252.22-1~deb12u1");
  v = ParseSystemdVersion("\"249\"");
  EXPECT_EQ(v.number, 249);
  EXPECT_EQ(v.full, "249");
  v = ParseSystemdVersion("v12 systemd 245 (245.4-4ubuntu3)");
  EXPECT_EQ(v.number, 245);
  v = ParseSystemdVersion("255.");
  EXPECT_EQ(v.number, 255);
  v = ParseSystemdVersion("v2.1");
  EXPECT_EQ(v.number, 0);
  EXPECT_EQ(v.full, "");
  EXPECT_EQ(ParseSystemdVersion("").number, 0);
}

// An in-memory systemd.
class FakeBus : public SystemdBus {
 public:
  std::vector<SystemdUnit> units;
  std::map<std::string, std::string> manager;  // property -> value
  std::map<std::string, std::string> strings;  // unit/iface/prop
  std::map<std::string, uint64_t> numbers;     // unit/iface/prop
  bool fail_list = false;

  std::vector<SystemdUnit> ListUnits() override {
    if (fail_list) throw CollectError("couldn't get units: Access denied");
    return units;
  }
  std::optional<std::string> ManagerString(const std::string& name) override {
    auto it = manager.find(name);
    if (it == manager.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::string> UnitString(const SystemdUnit& u,
                                        const std::string& iface,
                                        const std::string& name) override {
    auto it = strings.find(u.name + "/" + iface + "/" + name);
    if (it == strings.end()) return std::nullopt;
    return it->second;
  }
  std::optional<uint64_t> UnitNumber(const SystemdUnit& u,
                                     const std::string& iface,
                                     const std::string& name, char) override {
    auto it = numbers.find(u.name + "/" + iface + "/" + name);
    if (it == numbers.end()) return std::nullopt;
    return it->second;
  }
};

FakeBus Host() {
  FakeBus b;
  b.manager = {{"Version", "252.22-1~deb12u1"}, {"SystemState", "degraded"}};
  b.units = {Unit("ssh.service", "loaded", "active"),
             Unit("cron.service", "loaded", "failed"),
             Unit("home.mount", "loaded", "active"),
             Unit("apt-daily.timer", "loaded", "active"),
             Unit("docker.socket", "loaded", "active"),
             Unit("old.socket", "loaded", "inactive"),
             Unit("gone.service", "not-found", "inactive")};
  b.strings = {{"ssh.service/Service/Type", "notify"},
               {"cron.service/Service/Type", "simple"},
               {"home.mount/Mount/Type", "ext4"}};
  b.numbers = {
      {"ssh.service/Service/NRestarts", 2},
      {"cron.service/Service/NRestarts", 5},
      {"ssh.service/Service/TasksCurrent", 3},
      {"ssh.service/Service/TasksMax", 4915},
      {"cron.service/Service/TasksCurrent",
       std::numeric_limits<uint64_t>::max()},
      {"cron.service/Service/TasksMax", std::numeric_limits<uint64_t>::max()},
      {"ssh.service/Unit/ActiveEnterTimestamp", 1700000000123456},
      {"apt-daily.timer/Unit/ActiveEnterTimestamp", 1700000100000000},
      {"docker.socket/Unit/ActiveEnterTimestamp", 1700000200000000},
      {"apt-daily.timer/Timer/LastTriggerUSec", 1700003600500000},
      {"docker.socket/Socket/NAccepted", 17},
      {"docker.socket/Socket/NConnections", 2},
      {"docker.socket/Socket/NRefused", 1},
      {"old.socket/Socket/NAccepted", 4},
  };
  return b;
}

Families RunSystemd(const FakeBus& bus,
                    const CollectorOptions& overrides = {}) {
  CollectorOptions opts = DefaultOptions(*FindCollector("systemd"));
  for (const auto& [k, v] : overrides.values()) opts.Set(k, v);
  auto collector = NewSystemdCollector(
      opts, [&bus]() { return std::make_unique<FakeBus>(bus); });
  return collector->Collect(FixturePaths());
}

TEST(SystemdCollectorTest, DefaultFamilies) {
  Families fams = RunSystemd(Host());
  EXPECT_EQ(FindValue(fams, "node_systemd_version",
                      {{"version", "252.22-1~deb12u1"}}),
            252.22);
  EXPECT_EQ(FindValue(fams, "node_systemd_units", {{"state", "active"}}), 4);
  EXPECT_EQ(FindValue(fams, "node_systemd_units", {{"state", "inactive"}}), 2);
  EXPECT_EQ(FindValue(fams, "node_systemd_units", {{"state", "failed"}}), 1);
  EXPECT_EQ(FindValue(fams, "node_systemd_units", {{"state", "activating"}}),
            0);
  EXPECT_EQ(
      FindValue(
          fams, "node_systemd_unit_state",
          {{"name", "ssh.service"}, {"state", "active"}, {"type", "notify"}}),
      1);
  EXPECT_EQ(
      FindValue(
          fams, "node_systemd_unit_state",
          {{"name", "cron.service"}, {"state", "active"}, {"type", "simple"}}),
      0);
  EXPECT_EQ(
      FindValue(
          fams, "node_systemd_unit_state",
          {{"name", "cron.service"}, {"state", "failed"}, {"type", "simple"}}),
      1);
  EXPECT_EQ(
      FindValue(fams, "node_systemd_unit_state",
                {{"name", "docker.socket"}, {"state", "active"}, {"type", ""}}),
      1);
  // Five series per unit for ssh, cron, the timer and both sockets; the
  // mount is excluded by default and gone.service is not loaded.
  EXPECT_EQ(Family(fams, "node_systemd_unit_state").metric.size(), 25u);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_systemd_timer_last_trigger_seconds",
                              {{"name", "apt-daily.timer"}}),
                   1700003600.5);
  EXPECT_EQ(FindValue(fams, "node_systemd_socket_accepted_connections_total",
                      {{"name", "docker.socket"}}),
            17);
  EXPECT_EQ(FindValue(fams, "node_systemd_socket_current_connections",
                      {{"name", "docker.socket"}}),
            2);
  EXPECT_EQ(FindValue(fams, "node_systemd_socket_refused_connections_total",
                      {{"name", "docker.socket"}}),
            1);
  // old.socket has NAccepted but no NConnections: only the first series.
  EXPECT_EQ(FindValue(fams, "node_systemd_socket_accepted_connections_total",
                      {{"name", "old.socket"}}),
            4);
  EXPECT_EQ(FindValue(fams, "node_systemd_socket_current_connections",
                      {{"name", "old.socket"}}),
            std::nullopt);
  EXPECT_EQ(Family(fams, "node_systemd_socket_refused_connections_total").type,
            prometheus::MetricType::Gauge);
  EXPECT_EQ(FindValue(fams, "node_systemd_system_running"), 0);
  EXPECT_EQ(FindFamily(fams, "node_systemd_service_restart_total"), nullptr);
  EXPECT_EQ(FindFamily(fams, "node_systemd_unit_tasks_current"), nullptr);
  EXPECT_EQ(FindFamily(fams, "node_systemd_unit_start_time_seconds"), nullptr);
  EXPECT_EQ(Family(fams, "node_systemd_unit_state").help, "Systemd unit");
}

TEST(SystemdCollectorTest, OptionalFamiliesAndFilters) {
  CollectorOptions o;
  o.Set("collector.systemd.enable-task-metrics", {"true"});
  o.Set("collector.systemd.enable-restarts-metrics", {"true"});
  o.Set("collector.systemd.enable-start-time-metrics", {"true"});
  o.Set("collector.systemd.unit-include", {".+\\.(service|mount)"});
  o.Set("collector.systemd.unit-exclude", {"cron\\..*"});
  FakeBus bus = Host();
  bus.manager["SystemState"] = "running";
  Families fams = RunSystemd(bus, o);
  EXPECT_EQ(FindValue(fams, "node_systemd_system_running"), 1);
  EXPECT_EQ(FindValue(fams, "node_systemd_service_restart_total",
                      {{"name", "ssh.service"}}),
            2);
  EXPECT_EQ(Family(fams, "node_systemd_service_restart_total").metric.size(),
            1u);
  EXPECT_EQ(FindValue(fams, "node_systemd_unit_tasks_current",
                      {{"name", "ssh.service"}}),
            3);
  EXPECT_EQ(
      FindValue(fams, "node_systemd_unit_tasks_max", {{"name", "ssh.service"}}),
      4915);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_systemd_unit_start_time_seconds",
                              {{"name", "ssh.service"}}),
                   1700000000.123456);
  // home.mount is active but has no timestamp: skipped, as in node_exporter.
  EXPECT_EQ(FindValue(fams, "node_systemd_unit_start_time_seconds",
                      {{"name", "home.mount"}}),
            std::nullopt);
  EXPECT_EQ(
      FindValue(
          fams, "node_systemd_unit_state",
          {{"name", "home.mount"}, {"state", "active"}, {"type", "ext4"}}),
      1);
  EXPECT_EQ(FindFamily(fams, "node_systemd_timer_last_trigger_seconds"),
            nullptr);
  EXPECT_EQ(FindFamily(fams, "node_systemd_socket_accepted_connections_total"),
            nullptr);
}

TEST(SystemdCollectorTest, InactiveUnitsStartAtZeroAndUnsetTasksAreSkipped) {
  CollectorOptions o;
  o.Set("collector.systemd.enable-task-metrics", {"true"});
  o.Set("collector.systemd.enable-start-time-metrics", {"true"});
  Families fams = RunSystemd(Host(), o);
  EXPECT_EQ(FindValue(fams, "node_systemd_unit_start_time_seconds",
                      {{"name", "cron.service"}}),
            0);
  EXPECT_EQ(FindValue(fams, "node_systemd_unit_tasks_current",
                      {{"name", "cron.service"}}),
            std::nullopt);
  EXPECT_EQ(FindValue(fams, "node_systemd_unit_tasks_max",
                      {{"name", "cron.service"}}),
            std::nullopt);
}

TEST(SystemdCollectorTest, OldOrUnknownVersionSkipsSystemStateAndTimers) {
  FakeBus bus = Host();
  bus.manager.clear();  // no Version, no SystemState
  Families fams = RunSystemd(bus);
  EXPECT_EQ(FindValue(fams, "node_systemd_version", {{"version", ""}}), 0);
  EXPECT_EQ(FindFamily(fams, "node_systemd_system_running"), nullptr);
  EXPECT_EQ(FindFamily(fams, "node_systemd_timer_last_trigger_seconds"),
            nullptr);
  EXPECT_NE(FindFamily(fams, "node_systemd_unit_state"), nullptr);
}

TEST(SystemdCollectorTest, ErrorsPropagate) {
  FakeBus bus = Host();
  bus.fail_list = true;
  EXPECT_THROW(RunSystemd(bus), CollectError);
  bus = Host();
  bus.manager.erase("SystemState");
  try {
    RunSystemd(bus);
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()), "couldn't get system state");
  }
}

TEST(SystemdCollectorTest, BadPatternIsRejectedAtCreation) {
  CollectorOptions o = DefaultOptions(*FindCollector("systemd"));
  o.Set("collector.systemd.unit-include", {"(unclosed"});
  EXPECT_THROW(FindCollector("systemd")->create(o), std::invalid_argument);
}

TEST(SystemdCollectorTest, NoSystemBusNamesTheAddress) {
  ExpectNoSystemBusError("systemd", "couldn't get dbus connection");
}

}  // namespace
}  // namespace host_exporter::testing
