// RAPL zone names (parse/powercap.h) and the rapl collector on the fixture.
#include "parse/powercap.h"

#include <gtest/gtest.h>

#include "parse/sysfs_attr.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

TEST(PowercapParseTest, SplitsZoneNames) {
  auto a = parse::SplitRaplZoneName("package-0");
  EXPECT_EQ(a.name, "package");
  EXPECT_EQ(a.index, 0);
  auto b = parse::SplitRaplZoneName("core");
  EXPECT_EQ(b.name, "core");
  EXPECT_FALSE(b.index);
  auto c = parse::SplitRaplZoneName("package-x");
  EXPECT_EQ(c.name, "package-x");
  EXPECT_FALSE(c.index);
  auto d = parse::SplitRaplZoneName("a-b-c");
  EXPECT_EQ(d.name, "a-b-c");
  EXPECT_FALSE(d.index);
  EXPECT_EQ(parse::SplitRaplZoneName("dram-+7").index, 7);
  EXPECT_FALSE(parse::SplitRaplZoneName("dram-").index);
}

TEST(PowercapParseTest, SanitizeMetricName) {
  EXPECT_EQ(parse::SanitizeMetricName("package"), "package");
  EXPECT_EQ(parse::SanitizeMetricName("a-b-c"), "a_b_c");
  EXPECT_EQ(parse::SanitizeMetricName("a_-_b"), "a_b");
  EXPECT_EQ(parse::SanitizeMetricName("a-_-b"), "a__b");
  EXPECT_EQ(parse::SanitizeMetricName("x  y!"), "x_y_");
  EXPECT_EQ(parse::SanitizeMetricName("_a_"), "_a_");
  EXPECT_EQ(parse::SanitizeMetricName(""), "");
}

using testing::Family;
using testing::FindFamily;
using testing::FindValue;
using testing::RunCollector;

}  // namespace
}  // namespace host_exporter
