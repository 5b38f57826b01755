// Parsing /sys/devices/system/cpu/vulnerabilities/* and the
// cpu_vulnerabilities collector.
#include "parse/cpu_vulnerabilities.h"

#include <gtest/gtest.h>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseCpuVulnerability;

TEST(CpuVulnerabilityParseTest, States) {
  auto v = ParseCpuVulnerability("Not affected\n");
  EXPECT_EQ(v.state, "not affected");
  EXPECT_EQ(v.mitigation, "");
  v = ParseCpuVulnerability("Vulnerable\n");
  EXPECT_EQ(v.state, "vulnerable");
  EXPECT_EQ(v.mitigation, "");
  v = ParseCpuVulnerability("Vulnerable: Clear CPU buffers attempted\n");
  EXPECT_EQ(v.state, "vulnerable");
  EXPECT_EQ(v.mitigation, "Clear CPU buffers attempted");
  v = ParseCpuVulnerability("Mitigation: Retpolines;  IBPB:\tconditional\n");
  EXPECT_EQ(v.state, "mitigation");
  EXPECT_EQ(v.mitigation, "Retpolines; IBPB: conditional");
  v = ParseCpuVulnerability("Unknown: Dependent on hypervisor status");
  EXPECT_EQ(v.state, "unknown");
  EXPECT_EQ(v.mitigation, "Dependent on hypervisor status");
  // Case does not matter for the state.
  EXPECT_EQ(ParseCpuVulnerability("NOT AFFECTED").state, "not affected");
}

TEST(CpuVulnerabilityParseTest, OtherTextIsUnknownWithTheWholeText) {
  auto v = ParseCpuVulnerability("  KVM: Mitigation: VMX disabled\n");
  EXPECT_EQ(v.state, "unknown");
  EXPECT_EQ(v.mitigation, "KVM: Mitigation: VMX disabled");
  v = ParseCpuVulnerability("");
  EXPECT_EQ(v.state, "unknown");
  EXPECT_EQ(v.mitigation, "");
}

}  // namespace

namespace testing {
namespace {

TEST(CpuVulnerabilitiesCollectorTest, ReadsFixture) {
  Families fams = RunCollector("cpu_vulnerabilities");
  ASSERT_EQ(fams.size(), 1u);
  const auto& f = Family(fams, "node_cpu_vulnerabilities_info");
  EXPECT_EQ(f.metric.size(), 9u);
  EXPECT_EQ(f.help,
            "Details of each CPU vulnerability reported by sysfs. The value "
            "of the series is an int encoded state of the vulnerability. The "
            "same state is stored as a string in the label");
  EXPECT_EQ(FindValue(fams, "node_cpu_vulnerabilities_info",
                      {{"codename", "meltdown"},
                       {"state", "not affected"},
                       {"mitigation", ""}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_cpu_vulnerabilities_info",
                      {{"codename", "itlb_multihit"},
                       {"state", "unknown"},
                       {"mitigation", "KVM: Mitigation: VMX disabled"}}),
            1);
  EXPECT_EQ(FindValue(fams, "node_cpu_vulnerabilities_info",
                      {{"codename", "spectre_v1"},
                       {"state", "mitigation"},
                       {"mitigation",
                        "usercopy/swapgs barriers and __user pointer "
                        "sanitization"}}),
            1);
}

TEST(CpuVulnerabilitiesCollectorTest, NoDirectoryIsNoSeriesAndNoError) {
  SysfsRoot root;
  EXPECT_TRUE(RunCollector("cpu_vulnerabilities", {}, root.Paths()).empty());
}

TEST(CpuVulnerabilitiesCollectorTest, UnreadableEntryFailsNamingIt) {
  SysfsRoot root;
  root.Write("devices/system/cpu/vulnerabilities/mds", "Vulnerable\n");
  root.Write("devices/system/cpu/vulnerabilities/odd/x", "");
  EXPECT_EQ(
      ErrorOf("cpu_vulnerabilities", root),
      root.Sys("devices/system/cpu/vulnerabilities/odd") + ": Is a directory");
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
