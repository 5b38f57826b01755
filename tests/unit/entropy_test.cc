// The entropy collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "parse/sysctl_value.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(EntropyCollectorTest, ReadsFixture) {
  Families fams = RunCollector("entropy");
  ASSERT_EQ(fams.size(), 2u);
  EXPECT_EQ(FindValue(fams, "node_entropy_available_bits"), 3721);
  EXPECT_EQ(FindValue(fams, "node_entropy_pool_size_bits"), 4096);
  EXPECT_EQ(Family(fams, "node_entropy_available_bits").help,
            "Bits of available entropy.");
  EXPECT_EQ(Family(fams, "node_entropy_pool_size_bits").help,
            "Bits of entropy pool.");
}

TEST(EntropyCollectorTest, AbsentPoolSizeIsAnError) {
  TempRoot tmp;
  const std::string root = tmp.dir();
  std::filesystem::create_directories(root + "/proc/sys/kernel/random");
  std::ofstream(root + "/proc/sys/kernel/random/entropy_avail") << "256\n";
  try {
    RunCollector("entropy", {}, FixturePaths(root));
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              root +
                  "/proc/sys/kernel/random/poolsize: No such file or "
                  "directory");
  }
}

}  // namespace
}  // namespace host_exporter::testing
