// The collector toolkit (src/collectors/toolkit.h): readers, filters,
// FamilySet.
#include "collectors/toolkit.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <string>

#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(FilterTest, EmptyPatternIsNoFilter) {
  const Filter none("collector.x.fields", "");
  EXPECT_FALSE(none.active());
  EXPECT_TRUE(none.Includes("anything"));
  EXPECT_FALSE(none.Excludes("anything"));
  const Filter def;
  EXPECT_TRUE(def.Includes("x"));
  EXPECT_FALSE(def.Excludes("x"));
}

TEST(FilterTest, PatternIsAnUnanchoredSearch) {
  const Filter f("collector.x.fields", "b+c");
  EXPECT_TRUE(f.active());
  EXPECT_TRUE(f.Includes("abbcd"));
  EXPECT_TRUE(f.Excludes("abbcd"));
  EXPECT_FALSE(f.Includes("acd"));
  EXPECT_FALSE(f.Excludes("acd"));
}

TEST(FilterTest, BadPatternNamesTheFlag) {
  try {
    Filter("collector.x.fields", "(");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind(
                  "--collector.x.fields: invalid regular expression '('", 0),
              0u)
        << e.what();
  }
}

TEST(FileReadTest, ErrorsNameThePathAndMissingIsNoData) {
  TempRoot root;
  const std::string present = root.Write("a", "text\n");
  const std::string absent = root.dir() + "/b";
  EXPECT_EQ(ReadWhole(present).Value(present), "text\n");
  EXPECT_EQ(ReadAttr(present).data, "text");
  EXPECT_EQ(ReadWhole(present).OrNoData(present), "text\n");
  FileRead missing = ReadWhole(absent);
  EXPECT_EQ(missing.error, ENOENT);
  EXPECT_TRUE(missing.missing());
  EXPECT_EQ(ReadWhole(absent).OrNoData(absent), std::nullopt);
  EXPECT_EQ(ReadFileIfExists(absent), std::nullopt);
  try {
    ReadFile(absent);
    FAIL() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()), absent + ": No such file or directory");
  }
  // A directory is not missing: an error, not "no data".
  EXPECT_THROW(ReadWhole(root.dir()).OrNoData(root.dir()), CollectError);
}

// A file of a renamable directory stays open in the one cache while the
// directory's stamp holds: rewritten in place it is read again, replaced it
// is still read through the kept descriptor until the stamp changes, and
// ForgetKeptUnder closes it. ReadPath does not use a stamped descriptor.
TEST(ReadPathStampedTest, KeptWhileTheStampHolds) {
  TempRoot root;
  const std::string dir = root.dir() + "/eth0";
  const std::string file = root.Write("eth0/mtu", "1500\n");
  struct stat st;
  ASSERT_EQ(::stat(dir.c_str(), &st), 0);
  const DirStamp stamp = DirStamp::Of(st);
  EXPECT_EQ(ReadPathStamped(file, stamp).data, "1500\n");
  EXPECT_EQ(CountKeptUnder(dir), 1u);
  root.Write("eth0/mtu", "1400\n");  // in place, same inode
  EXPECT_EQ(ReadPathStamped(file, stamp, 128).data, "1400\n");
  EXPECT_EQ(CountKeptUnder(dir), 1u);

  root.Write("eth0/mtu.new", "9000\n");
  std::filesystem::rename(dir + "/mtu.new", file);
  EXPECT_EQ(ReadPathStamped(file, stamp).data, "1400\n");  // kept
  EXPECT_EQ(ReadWhole(file).data, "9000\n");  // not the stamped one
  DirStamp other = stamp;
  other.ctime.tv_nsec ^= 1;
  EXPECT_EQ(ReadPathStamped(file, other).data, "9000\n");
  EXPECT_EQ(CountKeptUnder(dir), 1u);  // the stale one closed

  ForgetKeptUnder(dir);
  EXPECT_EQ(CountKeptUnder(dir), 0u);
  EXPECT_EQ(ReadPathStamped(dir + "/absent", other).error, ENOENT);
  EXPECT_EQ(CountKeptUnder(dir), 0u);
}

TEST(ListOrNoDataTest, MissingDirectoryIsNoData) {
  TempRoot root;
  EXPECT_EQ(ListOrNoData(root.dir() + "/nothing"), std::nullopt);
  root.Write("d/y", "");
  root.Write("d/x", "");
  const auto list = ListOrNoData(root.dir() + "/d");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "x");
  EXPECT_EQ((*list)[0].kind, Kind::kRegular);
  EXPECT_EQ(ListDir(root.dir() + "/nothing"), std::vector<std::string>{});
  EXPECT_EQ(ListDir(root.dir() + "/d"), (std::vector<std::string>{"x", "y"}));
}

TEST(IsPrefixDigitTest, GlobPrefixDigit) {
  EXPECT_TRUE(IsPrefixDigit("cpu0", "cpu"));
  EXPECT_TRUE(IsPrefixDigit("cpu12x", "cpu"));
  EXPECT_FALSE(IsPrefixDigit("cpu", "cpu"));
  EXPECT_FALSE(IsPrefixDigit("cpufreq", "cpu"));
  EXPECT_FALSE(IsPrefixDigit("xcpu0", "cpu"));
}

TEST(FamilySetTest, SortedAndInconsistentSeriesDropped) {
  FamilySet set;
  set.Gauge("b", "help b").Add({{"l", "1"}}, 1);
  set.Counter("a", "help a").Add(2);
  set.Gauge("b", "other help").Add({{"l", "2"}}, 3);  // dropped: help differs
  set.Counter("b", "help b").Add({{"l", "3"}}, 4);    // dropped: type differs
  set.Gauge("b", "help b").Add({{"l", "4"}}, 5);
  const Families fams = set.Take();
  ASSERT_EQ(fams.size(), 2u);
  EXPECT_EQ(fams[0].name, "a");
  EXPECT_EQ(fams[1].name, "b");
  EXPECT_EQ(Family(fams, "b").metric.size(), 2u);
  EXPECT_EQ(FindValue(fams, "b", {{"l", "4"}}), 5);
  EXPECT_FALSE(FindValue(fams, "b", {{"l", "2"}}));
  EXPECT_TRUE(set.Take().empty());
}

TEST(FamilySetTest, HandlesStayValidAndEmptyFamiliesAreNotOutput) {
  FamilySet set;
  auto& z = set.Gauge("z", "help z");
  auto& empty = set.Counter("e", "help e");
  for (int i = 0; i < 100; ++i) set.Gauge("m" + std::to_string(i), "h");
  auto& odd = set.Untyped("z", "another help");  // inconsistent
  z.Add({{"l", "1"}}, 1);
  odd.Add({{"l", "2"}}, 2);
  EXPECT_EQ(&set.Gauge("z", "help z"), &z);
  EXPECT_TRUE(empty.empty());
  const Families fams = set.Take();
  ASSERT_EQ(fams.size(), 1u);
  EXPECT_EQ(fams[0].name, "z");
  EXPECT_EQ(fams[0].type, prometheus::MetricType::Gauge);
  EXPECT_EQ(fams[0].metric.size(), 1u);
  // Take() forgets the families: the next cycle may type "z" anew.
  auto& again = set.Untyped("z", "another help");
  again.Add(3);
  const Families next = set.Take();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].type, prometheus::MetricType::Untyped);
  EXPECT_EQ(next[0].metric.size(), 1u);
}

TEST(FamilySetTest, RecycledFamiliesAreReusedAndGiveTheSameOutput) {
  const std::string long_value(40, 'v');  // beyond the small-string buffer
  FamilySet set;
  auto& c = set.Counter("toolkit_test_recycled", "help");
  c.Add({{"device", long_value}, {"mode", "a"}}, 1);
  c.Add({{"device", long_value}, {"mode", "b"}}, 2);
  c.Add({{"device", long_value}, {"mode", "c"}}, 3);
  Families first = set.Take();
  ASSERT_EQ(first.size(), 1u);
  const char* kept = first[0].metric[0].label[0].value.data();
  RecycleFamilies(std::move(first));

  // The same name with another type, fewer series and labels: the strings
  // are reused, nothing of the first cycle shows.
  auto& g = set.Gauge("toolkit_test_recycled", "other help");
  g.Add({{"device", std::string(30, 'w')}}, 7);
  g.Add(8);
  const Families second = set.Take();
  ASSERT_EQ(second.size(), 1u);
  const auto& f = second[0];
  EXPECT_EQ(f.help, "other help");
  EXPECT_EQ(f.type, prometheus::MetricType::Gauge);
  ASSERT_EQ(f.metric.size(), 2u);
  ASSERT_EQ(f.metric[0].label.size(), 1u);
  EXPECT_EQ(f.metric[0].label[0].value.data(), kept);
  EXPECT_EQ(f.metric[0].label[0].value, std::string(30, 'w'));
  EXPECT_EQ(f.metric[0].gauge.value, 7);
  EXPECT_EQ(f.metric[0].counter.value, 0);  // the first cycle's value reset
  EXPECT_TRUE(f.metric[1].label.empty());
  EXPECT_EQ(f.metric[1].gauge.value, 8);
  EXPECT_EQ(f.metric[1].counter.value, 0);
}

TEST(FamilySetTest, RecyclingPoolForgetsNamesNotHandedBack) {
  auto one = [](const std::string& name) {
    FamilySet set;
    set.Gauge(name, "h").Add(1);
    return set.Take();
  };
  RecycleFamilies(one("toolkit_test_gone"));
  const size_t with = RecycledFamilies();
  RecycleFamilies(one("toolkit_test_kept"));
  EXPECT_EQ(RecycledFamilies(), with + 1);
  RecycleFamilies(one("toolkit_test_kept"));
  RecycleFamilies(one("toolkit_test_kept"));
  // "gone" was last handed back three calls ago: freed.
  EXPECT_EQ(RecycledFamilies(), 1u);
}

TEST(UntypedFieldsTest, FieldsInAnotherOrderOrNewOrGone) {
  std::vector<std::vector<UntypedField>> cycles = {
      {{"Ip", "Forwarding", 1}, {"Ip", "InReceives", 2}, {"", "pgfault", 3}},
      {{"", "pgfault", 4}, {"Ip", "Forwarding", 5}, {"Tcp", "InSegs", 6}},
      {{"Tcp", "InSegs", 7}}};
  size_t cycle = 0;
  auto c = UntypedFieldsCollector(
      "node_x_", Filter("collector.x.fields", "^(Ip|Tcp|pg)"),
      [&](const HostPaths&) { return cycles[cycle]; },
      [](const std::string& g, const std::string& n) { return g + "." + n; });
  const HostPaths paths = FixturePaths();
  Families f = c->Collect(paths);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(FindValue(f, "node_x_Ip_InReceives", {}), 2);
  EXPECT_EQ(Family(f, "node_x_pgfault").help, ".pgfault");
  cycle = 1;
  f = c->Collect(paths);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(FindValue(f, "node_x_pgfault", {}), 4);
  EXPECT_EQ(FindValue(f, "node_x_Ip_Forwarding", {}), 5);
  EXPECT_EQ(FindValue(f, "node_x_Tcp_InSegs", {}), 6);
  EXPECT_EQ(Family(f, "node_x_Tcp_InSegs").help, "Tcp.InSegs");
  cycle = 2;
  f = c->Collect(paths);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(FindValue(f, "node_x_Tcp_InSegs", {}), 7);
  cycle = 0;
  f = c->Collect(paths);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(FindValue(f, "node_x_Ip_Forwarding", {}), 1);
}

}  // namespace
}  // namespace host_exporter::testing
