// /proc/<pid>/stat parsing.
#include "parse/proc_pid_stat.h"

#include <gtest/gtest.h>

#include <string>

namespace host_exporter {
namespace {

using parse::ParseProcPidStat;

// 52 fields, as Linux 5.x/6.x print them.
constexpr char kStat[] =
    "42 (my (odd) app) R 1 42 42 0 -1 1077936448 90211 0 12 0 77013 8123 0 0 "
    "20 0 3 0 1043 734003200 52011 18446744073709551615 1 1 0 0 0 0 0 4096 "
    "17642 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

TEST(ProcPidStatParseTest, ParsesCommStateAndThreads) {
  auto r = ParseProcPidStat(kStat);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.comm, "my (odd) app");
  EXPECT_EQ(r.value.state, "R");
  EXPECT_EQ(r.value.num_threads, 3);
}

TEST(ProcPidStatParseTest, OlderKernelWithFortyTwoFields) {
  // Linux 2.6.x stops at delayacct_blkio_ticks (field 42).
  auto r = ParseProcPidStat(
      "7 (kthreadd) S 2 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 6 0 0 "
      "18446744073709551615 0 0 0 0 0 0 0 2147483647 0 0 0 0 17 1 0 0 0\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.state, "S");
  EXPECT_EQ(r.value.num_threads, 1);
}

TEST(ProcPidStatParseTest, RejectsTruncatedGarbageAndHugeThreadCounts) {
  EXPECT_EQ(ParseProcPidStat("").error,
            "unexpected format, couldn't extract comm");
  EXPECT_EQ(ParseProcPidStat("1 init S 0").error,
            "unexpected format, couldn't extract comm");
  EXPECT_EQ(ParseProcPidStat("1 (init) S 0 1 1\n").error,
            "expected at least 40 fields after the command, got 4");
  std::string garbage = kStat;
  garbage.replace(garbage.find(" 1077936448 "), 12, " flags ");
  EXPECT_EQ(ParseProcPidStat(garbage).error,
            "field 9 is not an integer: 'flags'");
  std::string huge = kStat;
  huge.replace(huge.find(" 20 0 3 0 "), 10, " 20 0 99999999999999999999 0 ");
  EXPECT_EQ(ParseProcPidStat(huge).error,
            "field 20 is not an integer: '99999999999999999999'");
  std::string big = kStat;
  big.replace(big.find(" 20 0 3 0 "), 10, " 20 0 18446744073709551615 0 ");
  EXPECT_EQ(ParseProcPidStat(big).error,
            "num_threads is out of range: '18446744073709551615'");
}

TEST(ProcPidStatParseTest, ExtraFieldsAreIgnored) {
  std::string extra = kStat;
  extra.insert(extra.size() - 1, " 1 2 3");
  EXPECT_TRUE(ParseProcPidStat(extra).ok());
}

}  // namespace
}  // namespace host_exporter
