// The logind collector on a fake logind: node_exporter's counting (every
// seat x remote x type x class combination, unknown values as "other").
#include "collectors/logind.h"

#include <gtest/gtest.h>

#include <map>

#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

// An in-memory logind.
class FakeLogind : public LogindBus {
 public:
  std::vector<std::string> seats;
  std::vector<LogindSessionEntry> sessions;
  std::map<std::string, LogindSessionProperties> properties;  // by path
  bool fail_seats = false;
  bool fail_sessions = false;

  std::vector<std::string> ListSeats() override {
    if (fail_seats) throw CollectError("unable to get seats: Access denied");
    return seats;
  }
  std::vector<LogindSessionEntry> ListSessions() override {
    if (fail_sessions) throw CollectError("unable to get sessions: timeout");
    return sessions;
  }
  std::optional<LogindSessionProperties> Session(
      const LogindSessionEntry& s) override {
    auto it = properties.find(s.object_path);
    if (it == properties.end()) return std::nullopt;
    return it->second;
  }

  void Add(const std::string& id, const std::string& seat, bool remote,
           const std::string& type, const std::string& cls) {
    const std::string path = "/org/freedesktop/login1/session/_3" + id;
    sessions.push_back({id, 1000, "user", seat, path});
    properties[path] = {remote, type, cls};
  }
};

Families RunLogind(const FakeLogind& bus) {
  auto collector = NewLogindCollector(
      [&bus]() { return std::make_unique<FakeLogind>(bus); });
  return collector->Collect(FixturePaths());
}

std::optional<double> Sessions(const Families& fams, const std::string& seat,
                               const std::string& remote,
                               const std::string& type,
                               const std::string& cls) {
  return FindValue(
      fams, "node_logind_sessions",
      {{"class", cls}, {"remote", remote}, {"seat", seat}, {"type", type}});
}

// All sessions counted.
double Total(const Families& fams) {
  double total = 0;
  for (const auto& m : Family(fams, "node_logind_sessions").metric) {
    total += m.gauge.value;
  }
  return total;
}

// A desktop with a greeter and a user on seat0 and two SSH logins.
FakeLogind Desktop() {
  FakeLogind b;
  b.seats = {"seat0"};
  b.Add("1", "seat0", false, "x11", "greeter");
  b.Add("2", "seat0", false, "wayland", "user");
  b.Add("3", "", true, "tty", "user");
  b.Add("4", "", true, "tty", "user");
  return b;
}

TEST(LogindCollectorTest, CountsEveryCombinationOfSeatRemoteTypeClass) {
  Families fams = RunLogind(Desktop());
  const auto& f = Family(fams, "node_logind_sessions");
  EXPECT_EQ(f.type, prometheus::MetricType::Gauge);
  EXPECT_EQ(f.help, "Number of sessions registered in logind.");
  // seat0 and "" x 2 remote x 7 types x 5 classes, as node_exporter.
  EXPECT_EQ(f.metric.size(), 2u * 2 * 7 * 5);
  EXPECT_EQ(Sessions(fams, "seat0", "false", "x11", "greeter"), 1);
  EXPECT_EQ(Sessions(fams, "seat0", "false", "wayland", "user"), 1);
  EXPECT_EQ(Sessions(fams, "", "true", "tty", "user"), 2);
  EXPECT_EQ(Sessions(fams, "seat0", "true", "tty", "user"), 0);
  EXPECT_EQ(Sessions(fams, "", "false", "tty", "user"), 0);
  EXPECT_EQ(Sessions(fams, "", "true", "web", "lock-screen"), 0);
  EXPECT_EQ(Total(fams), 4);
}

TEST(LogindCollectorTest, UnknownTypeAndClassCountAsOther) {
  FakeLogind b;
  b.seats = {"seat0", "seat1"};
  b.Add("1", "seat1", false, "unknown-display", "manager");
  b.Add("2", "seat0", false, "tty", "user-early");
  b.Add("3", "seat0", false, "", "background");
  Families fams = RunLogind(b);
  EXPECT_EQ(Family(fams, "node_logind_sessions").metric.size(), 3u * 70);
  EXPECT_EQ(Sessions(fams, "seat1", "false", "other", "other"), 1);
  EXPECT_EQ(Sessions(fams, "seat0", "false", "tty", "other"), 1);
  EXPECT_EQ(Sessions(fams, "seat0", "false", "other", "background"), 1);
  EXPECT_EQ(FindValue(fams, "node_logind_sessions",
                      {{"class", "manager"},
                       {"remote", "false"},
                       {"seat", "seat1"},
                       {"type", "unknown-display"}}),
            std::nullopt);
}

TEST(LogindCollectorTest, UnreadableSessionsAndUnlistedSeatsAreNotCounted) {
  FakeLogind b = Desktop();
  b.properties.erase(b.sessions[0].object_path);  // the greeter went away
  b.Add("5", "seat9", false, "x11", "user");      // not in ListSeats
  Families fams = RunLogind(b);
  EXPECT_EQ(Sessions(fams, "seat0", "false", "x11", "greeter"), 0);
  EXPECT_EQ(Sessions(fams, "seat9", "false", "x11", "user"), std::nullopt);
  EXPECT_EQ(Family(fams, "node_logind_sessions").metric.size(), 140u);
  EXPECT_EQ(Total(fams), 3);  // the wayland user and the two SSH logins
}

TEST(LogindCollectorTest, NoSeatsNoSessionsStillGivesTheRemoteSeat) {
  Families fams = RunLogind(FakeLogind{});
  EXPECT_EQ(Family(fams, "node_logind_sessions").metric.size(), 70u);
  EXPECT_EQ(Sessions(fams, "", "true", "tty", "user"), 0);
}

TEST(LogindCollectorTest, ErrorsPropagate) {
  FakeLogind b = Desktop();
  b.fail_seats = true;
  EXPECT_THROW(RunLogind(b), CollectError);
  b = Desktop();
  b.fail_sessions = true;
  EXPECT_THROW(RunLogind(b), CollectError);
}

TEST(LogindCollectorTest, NoSystemBusNamesTheAddress) {
  ExpectNoSystemBusError("logind", "unable to connect to dbus");
}

}  // namespace
}  // namespace host_exporter::testing
