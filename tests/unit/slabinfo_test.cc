// /proc/slabinfo parsing and the slabinfo collector with its filters.
#include "parse/slabinfo.h"

#include <gtest/gtest.h>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseSlabinfo;

TEST(SlabinfoParseTest, ParsesVersion21) {
  auto r = ParseSlabinfo(
      "slabinfo - version: 2.1\n"
      "# name            <active_objs> <num_objs> <objsize> <objperslab> "
      "<pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : "
      "slabdata <active_slabs> <num_slabs> <sharedavail>\n"
      "kmalloc-8k           212    236   8192    4    8 : tunables    1    2"
      "    3 : slabdata     59     60      7\n");
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 1u);
  const parse::Slab& s = r.value[0];
  EXPECT_EQ(s.name, "kmalloc-8k");
  EXPECT_EQ(s.active_objects, 212);
  EXPECT_EQ(s.objects, 236);
  EXPECT_EQ(s.object_size, 8192);
  EXPECT_EQ(s.objects_per_slab, 4);
  EXPECT_EQ(s.pages_per_slab, 8);
  EXPECT_EQ(s.limit, 1);
  EXPECT_EQ(s.batch, 2);
  EXPECT_EQ(s.shared_factor, 3);
  EXPECT_EQ(s.active_slabs, 59);
  EXPECT_EQ(s.slabs, 60);
  EXPECT_EQ(s.shared_avail, 7);
}

TEST(SlabinfoParseTest, Errors) {
  EXPECT_EQ(ParseSlabinfo("slabinfo - version: 2.1\nfoo 1 2 3\n").error,
            "line 2: expected 16 fields, got 4");
  // Leading white space makes an empty first field, as in procfs.
  EXPECT_EQ(
      ParseSlabinfo(" a 1 1 1 1 1 : tunables 0 0 0 : slabdata 1 1 0\n").error,
      "line 1: expected 16 fields, got 17");
  EXPECT_EQ(ParseSlabinfo("\n").error, "line 1: expected 16 fields, got 1");
  EXPECT_EQ(
      ParseSlabinfo("a 1 x 1 1 1 : tunables 0 0 0 : slabdata 1 1 0\n").error,
      "line 1: field 3 is not an integer: 'x'");
  EXPECT_TRUE(ParseSlabinfo("").ok());
}

}  // namespace

namespace testing {
namespace {

TEST(SlabinfoCollectorTest, ReadsFixture) {
  Families fams = RunCollector("slabinfo");
  ASSERT_EQ(fams.size(), 5u);
  const Labels dentry = {{"slab", "dentry"}};
  EXPECT_EQ(FindValue(fams, "node_slabinfo_active_objects", dentry), 120345);
  EXPECT_EQ(FindValue(fams, "node_slabinfo_objects", dentry), 121002);
  EXPECT_EQ(FindValue(fams, "node_slabinfo_object_size_bytes", dentry), 192);
  EXPECT_EQ(FindValue(fams, "node_slabinfo_objects_per_slab", dentry), 21);
  EXPECT_EQ(FindValue(fams, "node_slabinfo_pages_per_slab",
                      {{"slab", "ext4_inode_cache"}}),
            8);
  EXPECT_EQ(Family(fams, "node_slabinfo_objects").help,
            "The total number of allocated objects (i.e., objects that are "
            "both in use and not in use).");
  EXPECT_EQ(Family(fams, "node_slabinfo_objects").metric.size(), 7u);
}

TEST(SlabinfoCollectorTest, IncludeAndExcludeFilters) {
  Families fams = RunCollector(
      "slabinfo", CollectorOptions(
                      {{"collector.slabinfo.slabs-include", {"^(kmalloc|TCP)"}},
                       {"collector.slabinfo.slabs-exclude", {"8k$"}}}));
  const auto& f = Family(fams, "node_slabinfo_objects");
  ASSERT_EQ(f.metric.size(), 2u);
  EXPECT_TRUE(FindValue(fams, "node_slabinfo_objects", {{"slab", "TCPv6"}}));
  EXPECT_TRUE(
      FindValue(fams, "node_slabinfo_objects", {{"slab", "kmalloc-64"}}));
  // Unanchored, as Go's MatchString.
  fams = RunCollector("slabinfo",
                      Opt("collector.slabinfo.slabs-exclude", "cache"));
  EXPECT_EQ(Family(fams, "node_slabinfo_objects").metric.size(), 5u);
}

TEST(SlabinfoCollectorTest, BadPatternIsRefusedAtCreation) {
  EXPECT_THROW(
      MakeCollector("slabinfo", Opt("collector.slabinfo.slabs-include", "(")),
      std::invalid_argument);
}

TEST(SlabinfoCollectorTest, MissingOrBadFileIsAnErrorNamingIt) {
  TempRoot tmp;
  tmp.Write("proc/slabinfo", "slabinfo - version: 2.1\nbroken\n");
  try {
    RunCollector("slabinfo", {}, tmp.paths());
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              tmp.dir() + "/proc/slabinfo: line 2: expected 16 fields, got 1");
  }
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
