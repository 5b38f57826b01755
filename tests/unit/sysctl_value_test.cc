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
namespace {}  // namespace
}  // namespace testing
}  // namespace host_exporter
