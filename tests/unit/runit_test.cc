// runsv's status record and the runit collector.
#include <gtest/gtest.h>

#include <string>

#include "parse/runit_status.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

// A status record as runsv writes it.
std::string Status(uint64_t unix_seconds, uint32_t pid, char want, int state,
                   bool paused = false) {
  std::string s(20, '\0');
  const uint64_t tai = 4611686018427387914ULL + unix_seconds;
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>(tai >> (56 - 8 * i));
  s[8] = 0x12;  // nanoseconds, not read
  for (int i = 0; i < 4; ++i) s[12 + i] = static_cast<char>(pid >> (8 * i));
  s[16] = paused ? 1 : 0;
  s[17] = want;
  s[19] = static_cast<char>(state);
  return s;
}

TEST(RunitStatusParseTest, ReadsTimestampPidWantAndState) {
  auto r = parse::ParseRunitStatus(Status(1764000000, 0x01020304, 'u', 1));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.changed_unix, 1764000000);
  EXPECT_EQ(r.value.pid, 0x01020304u);  // little-endian on disk
  EXPECT_EQ(r.value.want, 1);
  EXPECT_EQ(r.value.state, 1);
  EXPECT_FALSE(r.value.paused);

  r = parse::ParseRunitStatus(Status(1700000000, 0, 'd', 0, true));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.changed_unix, 1700000000);
  EXPECT_EQ(r.value.want, 0);
  EXPECT_EQ(r.value.state, 0);
  EXPECT_TRUE(r.value.paused);
  EXPECT_EQ(parse::ParseRunitStatus(Status(1, 2, 'u', 2)).value.state, 2);
}

TEST(RunitStatusParseTest, RejectsWrongSizeAndUnknownState) {
  EXPECT_EQ(parse::ParseRunitStatus("").error, "expected 20 bytes, got 0");
  EXPECT_EQ(parse::ParseRunitStatus(Status(1, 2, 'u', 1) + "x").error,
            "expected 20 bytes, got 21");
  EXPECT_EQ(parse::ParseRunitStatus(Status(1, 2, 'u', 7)).error,
            "unknown state 7 (byte 19)");
}

}  // namespace

namespace testing {
namespace {

TEST(RunitCollectorTest, OneSeriesPerServiceWithItsStatus) {
  TempRoot root;
  root.Write("sv/web/supervise/status", Status(1764000000, 4242, 'u', 1));
  root.Write("sv/cron/supervise/status", Status(1763000000, 0, 'd', 0));
  root.Write("sv/cron/down", "");
  root.Write("sv/starting/run", "");  // runsv has not written a status yet
  root.Write("sv/README", "not a service");
  const CollectorOptions opts =
      Opt("collector.runit.servicedir", root.dir() + "/sv");
  auto c = MakeCollector("runit", opts);
  ASSERT_NE(c, nullptr);
  const Families fams = c->Collect(root.paths());
  const Labels web = {{"service", "web"}, {"supervisor", "runit"}};
  const Labels cron = {{"service", "cron"}, {"supervisor", "runit"}};
  EXPECT_EQ(FindValue(fams, "node_service_state", web), 1);
  EXPECT_EQ(FindValue(fams, "node_service_desired_state", web), 1);
  EXPECT_EQ(FindValue(fams, "node_service_normal_state", web), 1);
  EXPECT_EQ(
      FindValue(fams, "node_service_state_last_change_timestamp_seconds", web),
      1764000000);
  EXPECT_EQ(FindValue(fams, "node_service_state", cron), 0);
  EXPECT_EQ(FindValue(fams, "node_service_desired_state", cron), 0);
  EXPECT_EQ(FindValue(fams, "node_service_normal_state", cron), 0);
  EXPECT_EQ(Family(fams, "node_service_state").metric.size(), 2u);
  EXPECT_EQ(Family(fams, "node_service_state").help, "State of runit service.");
  EXPECT_EQ(Family(fams, "node_service_state").type,
            prometheus::MetricType::Gauge);
  const auto warnings = c->TakeWarnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], root.dir() +
                             "/sv/starting/supervise/status: No such file or "
                             "directory");
}

TEST(RunitCollectorTest, MissingServiceDirIsNoData) {
  TempRoot root;
  EXPECT_TRUE(
      RunCollector("runit",
                   Opt("collector.runit.servicedir", root.dir() + "/absent"),
                   root.paths())
          .empty());
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
