// The exporter's own process_* metrics, read from /proc/self through the
// toolkit's kept procfs files.
#include "host_exporter/process_metrics.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <ctime>

#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(ProcessMetricsTest, ReadsThisProcessTwice) {
  struct stat st;
  if (::stat("/proc/self/stat", &st) != 0) GTEST_SKIP() << "no /proc here";
  const double now = static_cast<double>(std::time(nullptr));
  // The second call reads the descriptor kept by the first.
  for (int i = 0; i < 2; ++i) {
    const Families fams = ProcessMetrics();
    const auto start = FindValue(fams, "process_start_time_seconds");
    ASSERT_TRUE(start);
    EXPECT_GT(*start, 1e9);  // after 2001: btime was read
    EXPECT_LE(*start, now + 1);
    EXPECT_GT(FindValue(fams, "process_resident_memory_bytes").value_or(0), 0);
    EXPECT_GT(FindValue(fams, "process_virtual_memory_bytes").value_or(0), 0);
    EXPECT_GE(FindValue(fams, "process_cpu_seconds_total").value_or(-1), 0);
    EXPECT_GT(FindValue(fams, "process_open_fds").value_or(0), 0);
  }
}

}  // namespace
}  // namespace host_exporter::testing
