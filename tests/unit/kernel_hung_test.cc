// The kernel_hung collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>

#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(KernelHungCollectorTest, ReadsFixture) {
  Families fams = RunCollector("kernel_hung");
  ASSERT_EQ(fams.size(), 1u);
  const auto& f = Family(fams, "node_kernel_hung_tasks_total");
  EXPECT_EQ(f.type, prometheus::MetricType::Counter);
  EXPECT_EQ(f.help,
            "Total number of tasks that have been detected as hung since the "
            "system booted.");
  EXPECT_EQ(FindValue(fams, "node_kernel_hung_tasks_total"), 3);
}

TEST(KernelHungCollectorTest, AbsentFileIsNoDataBadFileAnError) {
  TempRoot tmp;
  EXPECT_TRUE(RunCollector("kernel_hung", {}, tmp.paths()).empty());
  tmp.Write("proc/sys/kernel/hung_task_detect_count", "-1\n");
  try {
    RunCollector("kernel_hung", {}, tmp.paths());
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              tmp.dir() +
                  "/proc/sys/kernel/hung_task_detect_count: line 1: not an "
                  "unsigned integer: '-1'");
  }
}

}  // namespace
}  // namespace host_exporter::testing
