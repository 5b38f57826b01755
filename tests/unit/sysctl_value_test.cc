// One-number /proc/sys files and the entropy collector.
#include "parse/sysctl_value.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseSysctlUint;

TEST(ParseSysctlUintTest, NumberWithWhitespace) {
  EXPECT_EQ(ParseSysctlUint("256\n").value, 256u);
  EXPECT_EQ(ParseSysctlUint("  7 \n").value, 7u);
  EXPECT_EQ(ParseSysctlUint("0").value, 0u);
}

TEST(ParseSysctlUintTest, HugeNumbers) {
  EXPECT_EQ(ParseSysctlUint("18446744073709551615\n").value, UINT64_MAX);
  EXPECT_EQ(ParseSysctlUint("18446744073709551616\n").error,
            "line 1: not an unsigned integer: '18446744073709551616'");
}

TEST(ParseSysctlUintTest, RejectsEmptyNegativeExtraAndGarbage) {
  EXPECT_EQ(ParseSysctlUint("").error, "empty file");
  EXPECT_EQ(ParseSysctlUint("\n").error, "empty file");
  EXPECT_FALSE(ParseSysctlUint("-1\n").ok());
  EXPECT_FALSE(ParseSysctlUint("1 2\n").ok());
  EXPECT_FALSE(ParseSysctlUint("0x10\n").ok());
  EXPECT_FALSE(ParseSysctlUint("many\n").ok());
}

}  // namespace

namespace testing {
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
}  // namespace testing
}  // namespace host_exporter
