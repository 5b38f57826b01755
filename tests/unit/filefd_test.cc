// The filefd collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>

#include "parse/file_nr.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(FilefdCollectorTest, ReadsFixture) {
  Families fams = RunCollector("filefd");
  ASSERT_EQ(fams.size(), 2u);
  EXPECT_EQ(FindValue(fams, "node_filefd_allocated"), 7392);
  EXPECT_EQ(FindValue(fams, "node_filefd_maximum"), 9223372036854775807.0);
  EXPECT_EQ(Family(fams, "node_filefd_allocated").help,
            "File descriptor statistics: allocated.");
  EXPECT_EQ(Family(fams, "node_filefd_maximum").type,
            prometheus::MetricType::Gauge);
}

TEST(FilefdCollectorTest, MissingFileIsAnError) {
  EXPECT_THROW(RunCollector("filefd", {}, FixturePaths("/nonexistent")),
               CollectError);
}

}  // namespace
}  // namespace host_exporter::testing
