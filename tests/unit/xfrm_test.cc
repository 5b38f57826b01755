// /proc/net/xfrm_stat parsing and the xfrm collector.
#include <gtest/gtest.h>

#include "parse/xfrm_stat.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseXfrmStat;

TEST(XfrmStatParseTest, NamesAndCounts) {
  auto r = ParseXfrmStat("XfrmInError             \t875\nXfrmNew 3\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value.at("XfrmInError"), 875);
  EXPECT_EQ(r.value.at("XfrmNew"), 3);
}

TEST(XfrmStatParseTest, Errors) {
  EXPECT_EQ(ParseXfrmStat("XfrmInError 1\n\n").error,
            "line 2: expected \"<name> <count>\", got 0 fields");
  EXPECT_EQ(ParseXfrmStat("XfrmInError 1 2\n").error,
            "line 1: expected \"<name> <count>\", got 3 fields");
  EXPECT_EQ(ParseXfrmStat("XfrmInError x\n").error,
            "line 1: bad count 'x' for XfrmInError");
}

}  // namespace

namespace testing {
namespace {

TEST(XfrmCollectorTest, ReadsFixture) {
  Families fams = RunCollector("xfrm");
  // The 28 counters node_exporter knows; newer kernel ones are left out.
  EXPECT_EQ(fams.size(), 28u);
  EXPECT_EQ(FindValue(fams, "node_xfrm_in_error_packets_total"), 875);
  EXPECT_EQ(FindValue(fams, "node_xfrm_in_no_pols_packets_total"), 0);
  EXPECT_EQ(FindValue(fams, "node_xfrm_out_bundle_gen_error_packets_total"),
            2384);
  EXPECT_EQ(FindValue(fams, "node_xfrm_acquire_error_packets_total"), 3822);
  const auto& f = Family(fams, "node_xfrm_acquire_error_packets_total");
  EXPECT_EQ(f.type, prometheus::MetricType::Counter);
  EXPECT_EQ(f.help, "State hasn\u2019t been fully acquired before use");
  EXPECT_EQ(Family(fams, "node_xfrm_in_no_states_packets_total").help,
            "No state is found i.e. Either inbound SPI, address, or IPsec "
            "protocol at SA is wrong");
}

TEST(XfrmCollectorTest, AbsentCountersAreZeroBadFileAnError) {
  TempRoot tmp;
  tmp.Write("proc/net/xfrm_stat", "XfrmInError 5\n");
  Families fams = RunCollector("xfrm", {}, tmp.paths());
  EXPECT_EQ(fams.size(), 28u);
  EXPECT_EQ(FindValue(fams, "node_xfrm_in_error_packets_total"), 5);
  EXPECT_EQ(FindValue(fams, "node_xfrm_out_pol_dead_packets_total"), 0);
  tmp.Write("proc/net/xfrm_stat", "XfrmInError\n");
  try {
    RunCollector("xfrm", {}, tmp.paths());
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              tmp.dir() +
                  "/proc/net/xfrm_stat: line 1: expected \"<name> <count>\", "
                  "got 1 fields");
  }
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
