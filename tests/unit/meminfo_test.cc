// The /proc/meminfo parser on strings and the meminfo collector on the
// fixture root.
#include "parse/meminfo.h"

#include <gtest/gtest.h>

#include <map>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseMeminfo;

std::map<std::string, double> AsMap(
    const std::vector<parse::MeminfoField>& fields) {
  std::map<std::string, double> m;
  for (const auto& f : fields) m[parse::MeminfoFieldName(f)] = f.value;
  return m;
}

TEST(MeminfoTest, ParsesModernKernel) {
  auto r = ParseMeminfo(
      "MemTotal:       24684084 kB\n"
      "Active(anon):       1532 kB\n"
      "Inactive(file):    62896 kB\n"
      "NFS_Unstable:          0 kB\n"
      "HugePages_Total:       4\n"
      "HugePages_Surp:        0\n"
      "Hugepagesize:       2048 kB\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 7u);
  // File order is kept.
  EXPECT_EQ(parse::MeminfoFieldName(r.value[0]), "MemTotal_bytes");
  EXPECT_EQ(r.value[0].value, 24684084.0 * 1024);
  EXPECT_EQ(parse::MeminfoFieldName(r.value[1]), "Active_anon_bytes");
  EXPECT_EQ(r.value[1].value, 1532.0 * 1024);
  EXPECT_EQ(parse::MeminfoFieldName(r.value[2]), "Inactive_file_bytes");
  EXPECT_EQ(parse::MeminfoFieldName(r.value[3]), "NFS_Unstable_bytes");
  // Unit-less lines keep their name and value.
  EXPECT_EQ(parse::MeminfoFieldName(r.value[4]), "HugePages_Total");
  EXPECT_EQ(r.value[4].value, 4.0);
  EXPECT_EQ(parse::MeminfoFieldName(r.value[6]), "Hugepagesize_bytes");
}

TEST(MeminfoTest, OldKernelWithBlankLinesAndOddNames) {
  // CentOS 6 kernels print blank lines; 2.6 kernels have "Active(file)"
  // style names too. A name with nested parentheses follows node_exporter's
  // greedy `\((.*)\)` replacement.
  auto r = ParseMeminfo(
      "MemTotal:   1000 kB\n"
      "\n"
      "   \n"
      "Weird(a)(b):  5\n"
      "LowTotal:      0 kB\n");
  ASSERT_TRUE(r.ok()) << r.error;
  auto m = AsMap(r.value);
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(m["MemTotal_bytes"], 1024000.0);
  EXPECT_EQ(m["Weird_a)(b"], 5.0);
  EXPECT_EQ(m["LowTotal_bytes"], 0.0);
}

TEST(MeminfoTest, DuplicateNameIsListedTwice) {
  auto r = ParseMeminfo("A: 1 kB\nB: 2\nA: 3 kB\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 3u);
  EXPECT_EQ(r.value[0].key, "A");
  EXPECT_TRUE(r.value[0].bytes);
  EXPECT_EQ(r.value[0].value, 1024.0);
  EXPECT_EQ(r.value[2].value, 3072.0);
  EXPECT_FALSE(r.value[1].bytes);
}

TEST(MeminfoTest, CarriageReturnsAndTabsAreBlanks) {
  auto r = ParseMeminfo("MemTotal:\t1 kB\r\nHugePages_Total: 4\r\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].value, 1024.0);
  EXPECT_EQ(r.value[1].value, 4.0);
  EXPECT_FALSE(r.value[1].bytes);
}

TEST(MeminfoTest, HugeNumbers) {
  auto r = ParseMeminfo(
      "VmallocTotal:   34359738367 kB\n"
      "Big:   99999999999999999999999 kB\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value[0].value, 34359738367.0 * 1024);
  EXPECT_DOUBLE_EQ(r.value[1].value, 1e23 * 1024);
}

TEST(MeminfoTest, RejectsEmptyTruncatedAndGarbage) {
  EXPECT_EQ(ParseMeminfo("").error, "empty file");
  EXPECT_EQ(ParseMeminfo("\n\n").error, "empty file");
  EXPECT_EQ(ParseMeminfo("MemTotal: 1 kB\nMemFree:\n").error,
            "line 2: expected 'Name: value [kB]', got 'MemFree:'");
  EXPECT_EQ(ParseMeminfo("MemTotal: 1 kB extra\n").error,
            "line 1: expected 'Name: value [kB]', got 'MemTotal: 1 kB extra'");
  EXPECT_EQ(ParseMeminfo("MemTotal: lots kB\n").error,
            "line 1: value is not a number: 'lots'");
  EXPECT_EQ(ParseMeminfo("MemTotal 1 kB\n").error,
            "line 1: expected a name ending in ':', got 'MemTotal'");
  EXPECT_EQ(ParseMeminfo(": 1\n").error,
            "line 1: expected a name ending in ':', got ':'");
}

}  // namespace

namespace testing {
namespace {

TEST(MeminfoCollectorTest, ReadsFixture) {
  Families f = RunCollector("meminfo");
  EXPECT_EQ(f.size(), 56u);  // one family per line of the fixture
  EXPECT_EQ(FindValue(f, "node_memory_MemTotal_bytes"), 16309520.0 * 1024);
  EXPECT_EQ(FindValue(f, "node_memory_Active_anon_bytes"), 2345678.0 * 1024);
  EXPECT_EQ(FindValue(f, "node_memory_Inactive_file_bytes"), 4510577.0 * 1024);
  EXPECT_EQ(FindValue(f, "node_memory_HugePages_Total"), 64);
  EXPECT_EQ(FindValue(f, "node_memory_HugePages_Rsvd"), 8);
  EXPECT_EQ(FindValue(f, "node_memory_DirectMap1G_bytes"), 4194304.0 * 1024);
  const prometheus::MetricFamily* fam =
      FindFamily(f, "node_memory_Active_anon_bytes");
  ASSERT_NE(fam, nullptr);
  EXPECT_EQ(fam->help, "Memory information field Active_anon_bytes.");
  EXPECT_EQ(fam->type, prometheus::MetricType::Gauge);
  EXPECT_EQ(Family(f, "node_memory_HugePages_Total").help,
            "Memory information field HugePages_Total.");
  for (const auto& family : f) {
    EXPECT_EQ(family.type, prometheus::MetricType::Gauge) << family.name;
  }
}

// The names kept by the line's position follow the file when it changes,
// and a name given twice has one series, with its last value.
TEST(MeminfoCollectorTest, KeptNamesFollowTheFile) {
  TempRoot root;
  auto c = MakeCollector("meminfo");  // 1.5: every line
  root.Write("proc/meminfo", "A: 1 kB\nB: 2\nA: 3 kB\n");
  Families f = c->Collect(root.paths());
  EXPECT_EQ(f.size(), 2u);
  EXPECT_EQ(Family(f, "node_memory_A_bytes").metric.size(), 1u);
  EXPECT_EQ(FindValue(f, "node_memory_A_bytes"), 3072.0);
  EXPECT_EQ(FindValue(f, "node_memory_B"), 2.0);
  for (int i = 0; i < 2; ++i) f = c->Collect(root.paths());
  EXPECT_EQ(FindValue(f, "node_memory_A_bytes"), 3072.0);
  root.Write("proc/meminfo", "A: 5 kB\nC(x): 7\nB: 1 kB\n");
  f = c->Collect(root.paths());
  EXPECT_EQ(f.size(), 3u);
  EXPECT_EQ(FindValue(f, "node_memory_A_bytes"), 5120.0);
  EXPECT_EQ(FindValue(f, "node_memory_C_x"), 7.0);
  EXPECT_EQ(FindValue(f, "node_memory_B_bytes"), 1024.0);
  EXPECT_EQ(FindFamily(f, "node_memory_B"), nullptr);
  EXPECT_EQ(Family(f, "node_memory_C_x").help, "Memory information field C_x.");
}

TEST(MeminfoCollectorTest, MissingFileIsACollectErrorNamingThePath) {
  try {
    RunCollector("meminfo", {}, FixturePaths("/nonexistent"));
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              "/nonexistent/proc/meminfo: No such file or directory");
  }
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
