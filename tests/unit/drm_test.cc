// The drm collector on the fixture root and on scratch roots.
#include <gtest/gtest.h>

#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(DrmCollectorTest, ReadsFixtureAmdgpuCardOnly) {
  Families fams = RunCollector("drm");
  ASSERT_EQ(fams.size(), 8u);
  const Labels card0 = {{"card", "card0"}};
  EXPECT_EQ(FindValue(fams, "node_drm_gpu_busy_percent", card0), 7);
  EXPECT_EQ(FindValue(fams, "node_drm_memory_gtt_size_bytes", card0),
            8573157376.0);
  EXPECT_EQ(FindValue(fams, "node_drm_memory_gtt_used_bytes", card0),
            148824064);
  EXPECT_EQ(FindValue(fams, "node_drm_memory_vram_size_bytes", card0),
            17163091968.0);
  EXPECT_EQ(FindValue(fams, "node_drm_memory_vram_used_bytes", card0),
            1620246528);
  EXPECT_EQ(FindValue(fams, "node_drm_memory_vis_vram_size_bytes", card0),
            268435456);
  EXPECT_EQ(FindValue(fams, "node_drm_memory_vis_vram_used_bytes", card0),
            142606336);
  EXPECT_EQ(FindValue(fams, "node_drm_card_info",
                      {{"card", "card0"},
                       {"memory_vendor", "samsung"},
                       {"power_performance_level", "auto"},
                       {"unique_id", "0123456789abcdef"},
                       {"vendor", "amd"}}),
            1);
  EXPECT_EQ(Family(fams, "node_drm_card_info").help, "Card information");
  EXPECT_EQ(Family(fams, "node_drm_memory_gtt_used_bytes").help,
            "The used amount of the graphics translation table (GTT) block "
            "in bytes.");
  // card1 is an i915: not reported.
  EXPECT_EQ(Family(fams, "node_drm_gpu_busy_percent").metric.size(), 1u);
}

TEST(DrmCollectorTest, MissingAttributesAreZeroBadOnesAnError) {
  SysfsRoot root;
  EXPECT_TRUE(RunCollector("drm", {}, root.Paths()).empty());
  root.Write("devices/gpu/uevent", "DRIVER=amdgpu\n");
  root.Link("class/drm/card3/device", "../../../devices/gpu");
  Families fams = RunCollector("drm", {}, root.Paths());
  EXPECT_EQ(
      FindValue(fams, "node_drm_memory_vram_size_bytes", {{"card", "card3"}}),
      0);
  EXPECT_EQ(FindValue(fams, "node_drm_card_info",
                      {{"card", "card3"},
                       {"memory_vendor", ""},
                       {"power_performance_level", ""},
                       {"unique_id", ""},
                       {"vendor", "amd"}}),
            1);
  root.Write("devices/gpu/gpu_busy_percent", "busy\n");
  EXPECT_EQ(ErrorOf("drm", root),
            root.Sys("class/drm/card3/device/gpu_busy_percent") +
                ": line 1: not an unsigned integer: 'busy'");
}

TEST(DrmCollectorTest, CardWithoutUeventFailsNamingIt) {
  SysfsRoot root;
  root.Write("class/drm/card0/dev", "226:0\n");
  EXPECT_EQ(ErrorOf("drm", root), root.Sys("class/drm/card0/device/uevent") +
                                      ": No such file or directory");
  // Two-digit cards are not matched by card[0-9].
  SysfsRoot two;
  two.Write("class/drm/card10/dev", "226:10\n");
  EXPECT_EQ(ErrorOf("drm", two), "");
}

}  // namespace
}  // namespace host_exporter::testing
