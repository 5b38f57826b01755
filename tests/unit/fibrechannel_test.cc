// The fibrechannel collector on the fixture root and on scratch sysfs trees.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "parse/sysfs_attr.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(FibrechannelCollectorTest, ReadsFixture) {
  Families fams = RunCollector("fibrechannel");
  const Labels host = {{"fc_host", "host0"}};
  EXPECT_EQ(
      FindValue(fams, "node_fibrechannel_info",
                {{"fc_host", "host0"},
                 {"speed", "16 Gbit"},
                 {"port_state", "Online"},
                 {"port_type", "Point-To-Point (direct nport connection)"},
                 {"port_id", "000002"},
                 {"port_name", "1000e0071bce95f2"},
                 {"fabric_name", "0"},
                 {"symbolic_name",
                  "Emulex SN1100E2P FV12.4.270.3 DV12.4.0.0. HN:gotest. "
                  "OS:Linux"},
                 {"supported_classes", "Class 3"},
                 {"supported_speeds", "4 Gbit, 8 Gbit, 16 Gbit"},
                 {"dev_loss_tmo", "30"}}),
      1);
  EXPECT_EQ(FindValue(fams, "node_fibrechannel_fcp_packet_aborts_total", host),
            19);
  EXPECT_EQ(FindValue(fams, "node_fibrechannel_error_frames_total", host), 0);
  // All ones: not implemented by host0's HBA; host1's has it.
  EXPECT_FALSE(FindValue(fams, "node_fibrechannel_dumped_frames_total", host));
  EXPECT_EQ(FindValue(fams, "node_fibrechannel_dumped_frames_total",
                      {{"fc_host", "host1"}}),
            42);
  EXPECT_EQ(fams.size(), 15u);
}

TEST(FibrechannelCollectorTest, MissingAttributeAndStatistics) {
  SysfsRoot root;
  root.Write("class/fc_host/host1/speed", "8 Gbit\n");
  EXPECT_EQ(ErrorOf("fibrechannel", root),
            root.Sys("class/fc_host/host1/port_state") +
                ": No such file or directory");
  for (const char* f :
       {"port_state", "port_type", "node_name", "port_id", "port_name",
        "fabric_name", "dev_loss_tmo", "symbolic_name", "supported_classes",
        "supported_speeds"}) {
    root.Write(std::string("class/fc_host/host1/") + f, "0x1\n");
  }
  // No statistics/: node_exporter's ErrNoData.
  EXPECT_TRUE(RunCollector("fibrechannel", {}, root.Paths()).empty());
  root.Write("class/fc_host/host1/statistics/rx_frames", "oops\n");
  EXPECT_EQ(ErrorOf("fibrechannel", root),
            root.Sys("class/fc_host/host1/statistics/rx_frames") +
                ": line 1: not an unsigned integer: 'oops'");
}

// A host's paths and statistics files are kept while its stamps hold: a
// steady run gives what the first gave, values are read again, and a
// statistics file added (or a host removed) is seen at the next run.
TEST(FibrechannelCollectorTest, KeptHostsFollowTheTree) {
  ExpectSteadyRunsAlike("fibrechannel");

  SysfsRoot root;
  for (const char* f :
       {"speed", "port_state", "port_type", "node_name", "port_id", "port_name",
        "fabric_name", "dev_loss_tmo", "symbolic_name", "supported_classes",
        "supported_speeds"}) {
    root.Write(std::string("class/fc_host/host1/") + f, "0x1\n");
  }
  root.Write("class/fc_host/host1/statistics/rx_frames", "0x10\n");
  std::unique_ptr<Collector> c = MakeCollector("fibrechannel", {});
  const Labels host = {{"fc_host", "host1"}};
  Families fams = c->Collect(root.Paths());
  EXPECT_EQ(FindValue(fams, "node_fibrechannel_rx_frames_total", host), 16);
  EXPECT_EQ(FindValue(fams, "node_fibrechannel_tx_frames_total", host), 0);
  root.Write("class/fc_host/host1/statistics/rx_frames", "0x11\n");
  root.Write("class/fc_host/host1/statistics/tx_frames",
             "0xffffffffffffffff\n");
  fams = c->Collect(root.Paths());
  EXPECT_EQ(FindValue(fams, "node_fibrechannel_rx_frames_total", host), 17);
  EXPECT_FALSE(FindValue(fams, "node_fibrechannel_tx_frames_total", host));
  std::filesystem::remove_all(root.Sys("class/fc_host/host1"));
  EXPECT_TRUE(c->Collect(root.Paths()).empty());
}

}  // namespace
}  // namespace host_exporter::testing
