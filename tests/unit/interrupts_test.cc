// /proc/interrupts parsing and the interrupts collector.
#include "parse/interrupts.h"

#include <gtest/gtest.h>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseInterrupts;

TEST(InterruptsParseTest, SplitsNumberedAndNamedLines) {
  auto r = ParseInterrupts(
      "           CPU0       CPU1       \n"
      "  0:         31          2   IO-APIC   2-edge      timer\n"
      " 16:          0          0   IO-APIC  16-fasteoi   ehci_hcd:usb1, i801\n"
      " 28:          0          5 PCI-MSIX-0000:00:01.0   0-edge  "
      "virtio0-config\n"
      "NMI:        144        139   Non-maskable interrupts\n"
      "ERR:          0\n"
      "MIS:          0\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 4u);
  EXPECT_EQ(r.value[0].name, "0");
  EXPECT_EQ(r.value[0].info, "IO-APIC");
  EXPECT_EQ(r.value[0].devices, "2-edge timer");
  EXPECT_EQ(r.value[0].per_cpu, (std::vector<double>{31, 2}));
  EXPECT_EQ(r.value[1].devices, "16-fasteoi ehci_hcd:usb1, i801");
  EXPECT_EQ(r.value[2].info, "PCI-MSIX-0000:00:01.0");
  EXPECT_EQ(r.value[3].name, "NMI");
  EXPECT_EQ(r.value[3].info, "Non-maskable interrupts");
  EXPECT_EQ(r.value[3].devices, "");
}

TEST(InterruptsParseTest, ShortLinesAreSkippedAndDuplicatesKeepTheLast) {
  auto r = ParseInterrupts(
      "  CPU0 CPU1 CPU2\n"
      "  1: 5 6\n"    // truncated: one count missing
      "  2: 1 2 3\n"  // counts but no description
      "  3: 1 2 3 chip hw dev\n"
      "  3: 7 8 9 chip2\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 1u);
  EXPECT_EQ(r.value[0].info, "chip2");
  EXPECT_EQ(r.value[0].devices, "");
  EXPECT_EQ(r.value[0].per_cpu, (std::vector<double>{7, 8, 9}));
}

TEST(InterruptsParseTest, HugeCountsAndExtraColumns) {
  auto r = ParseInterrupts(
      "CPU0\n"
      "LOC: 99999999999999999999999 Local timer interrupts and more words\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_DOUBLE_EQ(r.value[0].per_cpu[0], 1e23);
  EXPECT_EQ(r.value[0].info, "Local timer interrupts and more words");
}

TEST(InterruptsParseTest, RejectsEmptyAndGarbage) {
  EXPECT_EQ(ParseInterrupts("").error, "empty file");
  EXPECT_EQ(ParseInterrupts("CPU0 CPU1\n 5: 1 x chip dev\n").error,
            "line 2: count for CPU1 is not a number: 'x'");
}

}  // namespace

namespace testing {
namespace {

TEST(InterruptsCollectorTest, ReadsFixture) {
  Families fams = RunCollector("interrupts");
  ASSERT_EQ(fams.size(), 1u);
  EXPECT_EQ(fams[0].type, prometheus::MetricType::Counter);
  EXPECT_EQ(fams[0].help, "Interrupt details.");
  // 26 interrupts with four CPU columns (ERR and MIS are skipped).
  EXPECT_EQ(fams[0].metric.size(), 26u * 4u);
  EXPECT_EQ(FindValue(fams, "node_interrupts_total",
                      {{"cpu", "1"},
                       {"type", "131"},
                       {"info", "PCI-MSI"},
                       {"devices", "1572864-edge eth0-rx-0"}}),
            8834012);
  EXPECT_EQ(FindValue(fams, "node_interrupts_total",
                      {{"cpu", "3"},
                       {"type", "LOC"},
                       {"info", "Local timer interrupts"},
                       {"devices", ""}}),
            397554210);
}

// node_exporter 1.9's name filters (on the type label) and include-zeros.
TEST(InterruptsCollectorTest, NameFiltersAndZeros) {
  CollectorOptions include;
  include.Set("collector.interrupts.name-include", {"^LOC$"});
  Families fams = RunCollector("interrupts", include);
  ASSERT_EQ(fams.size(), 1u);
  EXPECT_EQ(fams[0].metric.size(), 4u);
  CollectorOptions exclude;
  exclude.Set("collector.interrupts.name-exclude", {"^LOC$"});
  fams = RunCollector("interrupts", exclude);
  ASSERT_EQ(fams.size(), 1u);
  EXPECT_EQ(fams[0].metric.size(), 25u * 4u);
  CollectorOptions no_zeros;
  no_zeros.Set("collector.interrupts.include-zeros", {"false"});
  fams = RunCollector("interrupts", no_zeros);
  ASSERT_EQ(fams.size(), 1u);
  size_t nonzero = 0;
  const Families all = RunCollector("interrupts");
  ASSERT_EQ(all.size(), 1u);
  for (const auto& m : all[0].metric) nonzero += m.counter.value != 0;
  EXPECT_LT(nonzero, 26u * 4u);
  EXPECT_EQ(fams[0].metric.size(), nonzero);
  CollectorOptions both = include;
  both.Set("collector.interrupts.name-exclude", {"^NMI$"});
  EXPECT_THROW(MakeCollector("interrupts", both), std::invalid_argument);
}

TEST(InterruptsCollectorTest, MissingFileIsAnError) {
  EXPECT_THROW(RunCollector("interrupts", {}, FixturePaths("/nonexistent")),
               CollectError);
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
