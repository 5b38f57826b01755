// /proc/vmstat parsing and the vmstat collector.
#include "parse/vmstat.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::CounterView;

struct Parsed {
  std::vector<std::pair<std::string, double>> value;
  std::string error;
  bool ok() const { return error.empty(); }
};

// What ParseVmstat appended, converted, and its error.
Parsed ParseVmstat(std::string_view text) {
  std::vector<CounterView> out;
  Parsed p;
  p.error = parse::ParseVmstat(text, &out);
  if (!p.ok()) return p;
  for (const CounterView& c : out) {
    EXPECT_TRUE(c.group.empty());
    p.value.emplace_back(std::string(c.name),
                         parse::ParseDouble(c.value).value());
  }
  return p;
}

TEST(VmstatParseTest, ParsesNameValueLines) {
  auto r = ParseVmstat("nr_free_pages 12345\npgfault 18446744073709551615\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].first, "nr_free_pages");
  EXPECT_EQ(r.value[0].second, 12345);
  EXPECT_DOUBLE_EQ(r.value[1].second, 18446744073709551615.0);
}

TEST(VmstatParseTest, ExtraColumnsAreIgnored) {
  auto r = ParseVmstat("pgfault 7 extra\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value[0].second, 7);
}

TEST(VmstatParseTest, RejectsTruncatedAndGarbage) {
  EXPECT_EQ(ParseVmstat("a 1\nb\n").error, "line 2: expected 2 fields, got 1");
  EXPECT_EQ(ParseVmstat("a 1\n\n").error, "line 2: expected 2 fields, got 0");
  EXPECT_EQ(ParseVmstat("a x\n").error, "line 1: value is not a number: 'x'");
  EXPECT_EQ(ParseVmstat("a 1\nb 2x 3\n").error,
            "line 2: value is not a number: '2x'");
}

TEST(VmstatParseTest, EmptyFileHasNoFields) {
  auto r = ParseVmstat("");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value.empty());
}

}  // namespace

namespace testing {
namespace {

TEST(VmstatCollectorTest, DefaultFieldsFromFixture) {
  Families fams = RunCollector("vmstat");
  ASSERT_EQ(fams.size(), 7u);
  EXPECT_EQ(FindValue(fams, "node_vmstat_pgpgin"), 512389012);
  EXPECT_EQ(FindValue(fams, "node_vmstat_pgpgout"), 1739011847);
  EXPECT_EQ(FindValue(fams, "node_vmstat_pswpin"), 4117);
  EXPECT_EQ(FindValue(fams, "node_vmstat_pswpout"), 9203);
  EXPECT_DOUBLE_EQ(*FindValue(fams, "node_vmstat_pgfault"),
                   18446744073709551615.0);
  EXPECT_EQ(FindValue(fams, "node_vmstat_pgmajfault"), 81432);
  EXPECT_EQ(FindValue(fams, "node_vmstat_oom_kill"), 3);
  const auto* f = FindFamily(fams, "node_vmstat_oom_kill");
  EXPECT_EQ(f->type, prometheus::MetricType::Untyped);
  EXPECT_EQ(f->help, "/proc/vmstat information field oom_kill.");
}

TEST(VmstatCollectorTest, FieldsFlagSelects) {
  CollectorOptions o;
  o.Set("collector.vmstat.fields", {"^nr_(free|dirty)"});
  Families fams = RunCollector("vmstat", o);
  ASSERT_FALSE(fams.empty());
  for (const auto& f : fams) {
    EXPECT_TRUE(f.name.rfind("node_vmstat_nr_free", 0) == 0 ||
                f.name.rfind("node_vmstat_nr_dirty", 0) == 0)
        << f.name;
  }
  EXPECT_NE(FindFamily(fams, "node_vmstat_nr_free_pages"), nullptr);
}

TEST(VmstatCollectorTest, EmptyPatternSelectsEverything) {
  CollectorOptions o;
  o.Set("collector.vmstat.fields", {""});
  EXPECT_EQ(RunCollector("vmstat", o).size(), 192u);
}

// A field given twice is added twice, as node_exporter sends it twice: the
// snapshot keeps the first and warns.
TEST(VmstatCollectorTest, ARepeatedFieldIsAddedTwice) {
  TempRoot tmp;
  tmp.Write("proc/vmstat", "pgfault 1\nnr_x 5\npgfault 2\n");
  auto c = MakeCollector("vmstat");
  for (int cycle = 0; cycle < 2; ++cycle) {
    Families fams = c->Collect(tmp.paths());
    ASSERT_EQ(fams.size(), 1u);
    ASSERT_EQ(fams[0].metric.size(), 2u);
    EXPECT_EQ(fams[0].metric[0].untyped.value, 1);
    EXPECT_EQ(fams[0].metric[1].untyped.value, 2);
  }
}

TEST(VmstatCollectorTest, BadValueNamesFileAndLine) {
  TempRoot tmp;
  const std::string path = tmp.Write("proc/vmstat", "nr_x 5\nnr_y -\n");
  try {
    RunCollector("vmstat", {}, tmp.paths());
    ADD_FAILURE() << "no error";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": line 2: value is not a number: '-'");
  }
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
