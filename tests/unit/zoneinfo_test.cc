// /proc/zoneinfo parsing and the zoneinfo collector.
#include "parse/zoneinfo.h"

#include <gtest/gtest.h>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::ParseZoneinfo;

constexpr char kTwoZones[] =
    "Node 0, zone      DMA\n"
    "  per-node stats\n"
    "      nr_inactive_anon 95612\n"
    "      nr_dirtied   1189097\n"
    "  pages free     2949\n"
    "        min      8\n"
    "        high     14\n"
    "        protection: (0, 2039, 31932)\n"
    "      nr_free_pages 2949\n"
    "      numa_hit     0x10\n"
    "  pagesets\n"
    "    cpu: 0\n"
    "              high:  378\n"
    "  vm stats threshold: 8\n"
    "Node 1, zone  Movable\n"
    "  pages free     0\n"
    "        low      5\n"
    "        low      bad\n"
    "        min      notanumber\n"
    "        protection: (0, x)\n";

TEST(ZoneinfoParseTest, BlocksKeysAndProtection) {
  auto zones = ParseZoneinfo(kTwoZones);
  ASSERT_EQ(zones.size(), 2u);
  EXPECT_EQ(zones[0].node, "0");
  EXPECT_EQ(zones[0].zone, "DMA");
  // Per-node stats belong to the node's first zone.
  EXPECT_EQ(zones[0].values.at("nr_inactive_anon"), 95612);
  EXPECT_EQ(zones[0].values.at("nr_dirtied"), 1189097);
  EXPECT_EQ(zones[0].values.at("nr_free_pages"), 2949);
  EXPECT_EQ(zones[0].values.at("min"), 8);
  // The pageset's "high:" is not the watermark.
  EXPECT_EQ(zones[0].values.at("high"), 14);
  EXPECT_EQ(zones[0].values.at("numa_hit"), 16);  // base 0
  // "pages free 2949" has no "pages" value.
  EXPECT_EQ(zones[0].values.count("pages"), 0u);
  EXPECT_EQ(zones[0].protection, (std::vector<int64_t>{0, 2039, 31932}));
  EXPECT_EQ(zones[1].node, "1");
  EXPECT_EQ(zones[1].zone, "Movable");
  // Malformed values are dropped, not fatal; a malformed repeat drops the
  // key, as procfs' pointer becomes nil.
  EXPECT_EQ(zones[1].values.count("min"), 0u);
  EXPECT_EQ(zones[1].values.count("low"), 0u);
  EXPECT_TRUE(zones[1].protection.empty());
}

TEST(ZoneinfoParseTest, EmptyTextIsOneEmptyBlock) {
  auto zones = ParseZoneinfo("");
  ASSERT_EQ(zones.size(), 1u);
  EXPECT_EQ(zones[0].node, "");
  EXPECT_TRUE(zones[0].values.empty());
}

}  // namespace

namespace testing {
namespace {

TEST(ZoneinfoCollectorTest, ReadsFixture) {
  Families fams = RunCollector("zoneinfo");
  const Labels dma = {{"node", "0"}, {"zone", "DMA"}};
  const Labels normal = {{"node", "0"}, {"zone", "Normal"}};
  const Labels movable = {{"node", "0"}, {"zone", "Movable"}};
  EXPECT_EQ(FindValue(fams, "node_zoneinfo_nr_free_pages", normal), 1204554);
  EXPECT_EQ(Family(fams, "node_zoneinfo_nr_free_pages").help,
            "Total number of free pages in the zone");
  // Unpopulated zones have watermarks but no nr_free_pages.
  EXPECT_EQ(Family(fams, "node_zoneinfo_nr_free_pages").metric.size(), 3u);
  EXPECT_EQ(FindValue(fams, "node_zoneinfo_min_pages", movable), 0);
  EXPECT_EQ(Family(fams, "node_zoneinfo_min_pages").metric.size(), 5u);
  EXPECT_EQ(FindValue(fams, "node_zoneinfo_nr_active_anon_pages", dma), 402117);
  EXPECT_EQ(Family(fams, "node_zoneinfo_nr_active_anon_pages").metric.size(),
            1u);
  EXPECT_EQ(FindValue(fams, "node_zoneinfo_nr_kernel_stacks", normal), 15184);
  EXPECT_EQ(FindValue(fams, "node_zoneinfo_numa_hit_total", normal), 92011234);
  EXPECT_EQ(Family(fams, "node_zoneinfo_numa_hit_total").type,
            prometheus::MetricType::Counter);
  EXPECT_EQ(FindValue(fams, "node_zoneinfo_nr_written_total", dma), 2704310);
  EXPECT_EQ(FindValue(fams, "node_zoneinfo_protection_1", dma), 2911);
  EXPECT_EQ(Family(fams, "node_zoneinfo_protection_4").help,
            "Protection array 4. field");
  EXPECT_EQ(Family(fams, "node_zoneinfo_protection_4").metric.size(), 5u);
  // Keys procfs does not read give no series.
  for (const auto& f : fams) {
    EXPECT_EQ(f.name.find("workingset"), std::string::npos) << f.name;
    EXPECT_EQ(f.name.find("boost"), std::string::npos) << f.name;
  }
}

TEST(ZoneinfoCollectorTest, MissingFileIsAnErrorNamingIt) {
  TempRoot tmp;
  try {
    RunCollector("zoneinfo", {}, tmp.paths());
    ADD_FAILURE() << "expected CollectError";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              tmp.dir() + "/proc/zoneinfo: No such file or directory");
  }
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
