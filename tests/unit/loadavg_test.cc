#include "parse/loadavg.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "collectors/toolkit.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::parse {
namespace {

TEST(LoadAvgTest, ParsesThreeAverages) {
  auto r = ParseLoadAvg("0.21 0.34 0.55 2/345 12345\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_DOUBLE_EQ(r.value.load1, 0.21);
  EXPECT_DOUBLE_EQ(r.value.load5, 0.34);
  EXPECT_DOUBLE_EQ(r.value.load15, 0.55);
}

TEST(LoadAvgTest, ToleratesExtraAndMissingTrailingFields) {
  EXPECT_TRUE(ParseLoadAvg("1 2 3").ok());
  EXPECT_TRUE(ParseLoadAvg("1 2 3 4/5 6 extra columns\n").ok());
}

TEST(LoadAvgTest, RejectsEmptyTruncatedAndGarbage) {
  EXPECT_EQ(ParseLoadAvg("").error, "empty file");
  EXPECT_EQ(ParseLoadAvg("0.1 0.2\n").error,
            "line 1: expected at least 3 fields, got 2");
  EXPECT_EQ(ParseLoadAvg("0.1 x 0.3\n").error,
            "line 1: field 2 is not a number: 'x'");
}

TEST(LoadAvgTest, HugeNumbers) {
  auto r = ParseLoadAvg("1e308 99999999999999999999 0\n");
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r.value.load1, 1e308);
  EXPECT_DOUBLE_EQ(r.value.load5, 1e20);
}

}  // namespace
}  // namespace host_exporter::parse

namespace host_exporter::testing {
namespace {

TEST(LoadavgCollectorTest, ReadsFixture) {
  Families fams = RunCollector("loadavg");
  EXPECT_EQ(FindValue(fams, "node_load1"), 0.21);
  EXPECT_EQ(FindValue(fams, "node_load5"), 0.34);
  EXPECT_EQ(FindValue(fams, "node_load15"), 0.55);
}

TEST(LoadavgCollectorTest, MissingFileIsACollectErrorNamingThePath) {
  try {
    RunCollector("loadavg", {}, FixturePaths("/nonexistent"));
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              "/nonexistent/proc/loadavg: No such file or directory");
  }
}

}  // namespace
}  // namespace host_exporter::testing
