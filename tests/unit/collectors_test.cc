// Registry-wide checks and the loadavg collector on the fixture root.
#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "collectors/toolkit.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter::testing {
namespace {

TEST(RegistryTest, NamesAreUniqueAndOptionsNamespaced) {
  std::set<std::string_view> names;
  for (const CollectorSpec& spec : AllCollectors()) {
    EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
    EXPECT_NE(spec.create, nullptr) << spec.name;
    for (const OptionSpec& o : spec.options) {
      // node_exporter 1.5 names four flags outside their collector's prefix;
      // we keep its names so existing command lines work.
      static const std::set<std::string> kNodeExporterNames = {
          "collector.netclass_rtnl.with-stats",
          "collector.powersupply.ignored-supplies",
          "collector.qdisk.device-include", "collector.qdisk.device-exclude"};
      if (kNodeExporterNames.count(o.name)) continue;
      EXPECT_EQ(o.name.rfind("collector." + std::string(spec.name) + ".", 0),
                0u)
          << o.name << " must start with collector." << spec.name << ".";
    }
  }
  // Every collector of node_exporter 1.5 this project implements, once:
  // one dropped from (or added to) the table fails here.
  const std::set<std::string_view> kExpected = {
      "arp",           "bcache",       "bonding",
      "btrfs",         "conntrack",    "cpu",
      "cpufreq",       "diskstats",    "dmi",
      "edac",          "entropy",      "ethtool",
      "fibrechannel",  "filefd",       "filesystem",
      "hwmon",         "infiniband",   "interrupts",
      "ipvs",          "loadavg",      "mdadm",
      "meminfo",       "meminfo_numa", "mountstats",
      "netclass",      "netdev",       "netstat",
      "network_route", "nfs",          "nfsd",
      "nvme",          "os",           "powersupplyclass",
      "pressure",      "processes",    "rapl",
      "schedstat",     "selinux",      "sockstat",
      "softnet",       "stat",         "systemd",
      "tapestats",     "tcpstat",      "textfile",
      "thermal_zone",  "time",         "timex",
      "udp_queues",    "uname",        "vmstat",
      "wifi",          "xfs",          "zfs"};
  // The /proc and /sys collectors of node_exporter 1.5 to 1.12 added since,
  // one a line.
  const std::set<std::string_view> kAdded = {
      "softirqs",    "watchdog",    "cpu_vulnerabilities",
      "buddyinfo",   "ksmd",        "zoneinfo",
      "slabinfo",    "sysctl",      "swap",
      "kernel_hung", "cgroups",     "lnstat",
      "drm",         "xfrm",        "pcidevice",
      "bcachefs",    "dmmultipath", "nvmesubsystem",
      "drbd",        "qdisc",       "perf",
  };
  std::set<std::string_view> expected = kExpected;
  expected.insert(kAdded.begin(), kAdded.end());
  // node_exporter 1.5's collectors that ask another daemon or D-Bus.
  expected.insert({"ntp", "runit", "supervisord", "logind"});
  // And this project's own.
  expected.insert("process_top");
  expected.insert("cgroup");
  EXPECT_EQ(names, expected);
  EXPECT_EQ(AllCollectors().size(), expected.size());
}

// ReadFile keeps procfs files open and reads them again from offset 0:
// the contents are made anew each time. A regular file is not kept: one
// replaced by rename(2) is read from the new file.
TEST(ReadFileTest, KeptProcfsFileIsReadAfresh) {
  const std::string first = ReadFile("/proc/uptime");
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const std::string second = ReadFile("/proc/uptime");  // kept descriptor
  EXPECT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  EXPECT_NE(first, second);  // 0.01 s resolution
  EXPECT_EQ(second.back(), '\n');
  EXPECT_EQ(std::count(second.begin(), second.end(), '\n'), 1);
}

TEST(ReadFileTest, RegularFileReplacedByRenameIsReadFromTheNewFile) {
  TempRoot root;
  const std::string path = root.Write("f", "one\n");
  EXPECT_EQ(ReadFile(path), "one\n");
  root.Write("g", "two\n");
  std::filesystem::rename(root.dir() + "/g", path);
  EXPECT_EQ(ReadFile(path), "two\n");
  std::filesystem::remove(path);
  EXPECT_THROW(ReadFile(path), CollectError);
}

}  // namespace
}  // namespace host_exporter::testing
