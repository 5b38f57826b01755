// The bonding collector on the fixture root and on scratch sysfs trees.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "parse/sysfs_attr.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(BondingCollectorTest, ReadsFixture) {
  Families fams = RunCollector("bonding");
  EXPECT_EQ(FindValue(fams, "node_bonding_slaves", {{"master", "bond0"}}), 2);
  EXPECT_EQ(FindValue(fams, "node_bonding_active", {{"master", "bond0"}}), 1);
}

TEST(BondingCollectorTest, OldSlavePrefixAndMissingFiles) {
  SysfsRoot root;
  root.Write("class/net/bonding_masters", "bond0 bond1\n");
  root.Write("class/net/bond0/bonding/slaves", "eth0\n");
  root.Write("class/net/bond0/slave_eth0/bonding_slave/mii_status", "up\n");
  root.Write("class/net/bond1/bonding/slaves", "\n");
  Families fams = RunCollector("bonding", {}, root.Paths());
  EXPECT_EQ(FindValue(fams, "node_bonding_active", {{"master", "bond0"}}), 1);
  EXPECT_EQ(FindValue(fams, "node_bonding_slaves", {{"master", "bond1"}}), 0);
  // A slave without mii_status: node_exporter's ErrNoData.
  root.Write("class/net/bond1/bonding/slaves", "eth9\n");
  EXPECT_TRUE(RunCollector("bonding", {}, root.Paths()).empty());
}

}  // namespace
}  // namespace host_exporter::testing
