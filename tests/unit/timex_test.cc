// The timex collector with adjtimex(2) replaced by a fixed struct timex.
#include "collectors/timex.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

// A clock disciplined by an NTP daemon, with nanosecond resolution.
int FakeSyncedNano(struct timex* tx) {
  std::memset(tx, 0, sizeof *tx);
  tx->offset = -1500000;  // ns (STA_NANO): -1.5 ms
  tx->freq = -1245184;    // -19 ppm in 16.16 fixed point
  tx->maxerror = 250000;  // µs
  tx->esterror = 1200;    // µs
  tx->status = 0x2001;    // STA_NANO | STA_PLL
  tx->constant = 7;
  tx->tick = 10000;     // µs
  tx->ppsfreq = 65536;  // 1 ppm
  tx->jitter = 2000;    // ns
  tx->shift = 4;
  tx->stabil = 131072;  // 2 ppm
  tx->jitcnt = 11;
  tx->calcnt = 22;
  tx->errcnt = 33;
  tx->stbcnt = 44;
  tx->tai = 37;
  return TIME_OK;
}

TEST(TimexCollectorTest, ScalesEveryField) {
  Families fams = NewTimexCollector(FakeSyncedNano)->Collect(FixturePaths());
  EXPECT_EQ(fams.size(), 17u);
  EXPECT_EQ(FindValue(fams, "node_timex_sync_status"), 1);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_timex_offset_seconds"), -0.0015);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_timex_frequency_adjustment_ratio"),
                   1 - 19e-6);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_timex_maxerror_seconds"), 0.25);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_timex_estimated_error_seconds"),
                   0.0012);
  EXPECT_EQ(FindValue(fams, "node_timex_status"), 0x2001);
  EXPECT_EQ(FindValue(fams, "node_timex_loop_time_constant"), 7);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_timex_tick_seconds"), 0.01);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_timex_pps_frequency_hertz"), 1e-6);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_timex_pps_jitter_seconds"), 2e-6);
  EXPECT_EQ(FindValue(fams, "node_timex_pps_shift_seconds"), 4);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_timex_pps_stability_hertz"), 2e-6);
  EXPECT_EQ(FindValue(fams, "node_timex_pps_jitter_total"), 11);
  EXPECT_EQ(FindValue(fams, "node_timex_pps_calibration_total"), 22);
  EXPECT_EQ(FindValue(fams, "node_timex_pps_error_total"), 33);
  EXPECT_EQ(FindValue(fams, "node_timex_pps_stability_exceeded_total"), 44);
  EXPECT_EQ(FindValue(fams, "node_timex_tai_offset_seconds"), 37);
  EXPECT_EQ(Family(fams, "node_timex_pps_error_total").type,
            prometheus::MetricType::Counter);
  EXPECT_EQ(Family(fams, "node_timex_offset_seconds").help,
            "Time offset in between local system and reference clock.");
}

TEST(TimexCollectorTest, MicrosecondClockAndTimeError) {
  auto fake = [](struct timex* tx) {
    std::memset(tx, 0, sizeof *tx);
    tx->offset = 2500;  // µs without STA_NANO
    tx->jitter = 10;
    tx->status = 0x40;  // STA_UNSYNC
    return TIME_ERROR;
  };
  Families fams = NewTimexCollector(fake)->Collect(FixturePaths());
  EXPECT_EQ(FindValue(fams, "node_timex_sync_status"), 0);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_timex_offset_seconds"), 0.0025);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_timex_pps_jitter_seconds"), 1e-5);
  EXPECT_EQ(FindValue(fams, "node_timex_frequency_adjustment_ratio"), 1);
}

TEST(TimexCollectorTest, PermissionDeniedGivesNoSeries) {
  auto denied = [](struct timex*) { return -EPERM; };
  EXPECT_TRUE(NewTimexCollector(denied)->Collect(FixturePaths()).empty());
}

TEST(TimexCollectorTest, OtherErrorsThrow) {
  auto broken = [](struct timex*) { return -EINVAL; };
  try {
    NewTimexCollector(broken)->Collect(FixturePaths());
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()), "adjtimex: Invalid argument");
  }
}

TEST(TimexCollectorTest, RealSyscallAnswers) {
  // adjtimex with modes 0 needs no privilege; the kernel always has a tick.
  Families fams = RunCollector("timex");
  ASSERT_EQ(fams.size(), 17u);
  EXPECT_GT(*FindValue(fams, "node_timex_tick_seconds"), 0);
}

}  // namespace
}  // namespace host_exporter::testing
