// The dmi collector on the fixture root and on scratch sysfs trees.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "parse/sysfs_attr.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(DmiCollectorTest, ReadsFixture) {
  Families fams = RunCollector("dmi");
  ASSERT_EQ(fams.size(), 1u);
  ASSERT_EQ(fams[0].metric.size(), 1u);
  const auto& labels = fams[0].metric[0].label;
  EXPECT_EQ(labels.size(), 20u);  // chassis_type, modalias, uevent left out
  EXPECT_EQ(
      FindValue(fams, "node_dmi_info",
                {{"bios_date", "04/12/2021"},
                 {"bios_release", "1.27"},
                 {"bios_vendor", "Dell Inc."},
                 {"bios_version", "2.10.2"},
                 {"board_asset_tag", "Board-Tag-7"},
                 {"board_name", "07PXPY"},
                 {"board_serial", ".7N62AI2.GRTCL6944100GP."},
                 {"board_vendor", "Dell Inc."},
                 {"board_version", "A01"},
                 {"chassis_asset_tag", "Chassis-Tag-3"},
                 {"chassis_serial", "7N62AI2"},
                 {"chassis_vendor", "Dell Inc."},
                 {"chassis_version", "Rack Chassis"},
                 {"product_family", "PowerEdge"},
                 {"product_name", "PowerEdge R6515"},
                 {"product_serial", "7N62AI2"},
                 {"product_sku", "SKU=NotProvided;ModelName=PowerEdge R6515"},
                 {"product_uuid", "83340ca8-cb49-4474-8c29-d2088ca84dd9"},
                 {"product_version", "to be filled"},
                 {"system_vendor", "Dell Inc."}}),
      1);
}

TEST(DmiCollectorTest, LongAndInvalidValues) {
  SysfsRoot root;
  root.Write("class/dmi/id/board_name", std::string(200, 'x') + "\n");
  root.Write("class/dmi/id/product_name",
             "a\xff"
             "b\n");
  root.Write("class/dmi/id/board_serial", "");
  Families fams = RunCollector("dmi", {}, root.Paths());
  EXPECT_EQ(FindValue(fams, "node_dmi_info",
                      {{"board_name", std::string(128, 'x')},
                       {"board_serial", ""},
                       {"product_name",
                        "a\xEF\xBF\xBD"
                        "b"}}),
            1);
}

}  // namespace
}  // namespace host_exporter::testing
