// The sysctl collector's parsing (parse/sysctl_value.h) and the collector.
#include <gtest/gtest.h>

#include "parse/sysctl_value.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

TEST(SysctlParseTest, StringsAndInts) {
  EXPECT_EQ(parse::ParseSysctlStrings("kill_process  trap\tlog\n"),
            (std::vector<std::string>{"kill_process", "trap", "log"}));
  auto r = parse::ParseSysctlInts("7392\t0\t9223372036854775807\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value, (std::vector<int64_t>{7392, 0, 9223372036854775807LL}));
  r = parse::ParseSysctlInts("-1 0x10\n");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value, (std::vector<int64_t>{-1, 16}));
  EXPECT_EQ(parse::ParseSysctlInts("1 two\n").error,
            "field 1 is not a valid int: 'two'");
  EXPECT_TRUE(parse::ParseSysctlInts("").value.empty());
}

TEST(SysctlParseTest, Selector) {
  auto s = parse::ParseSysctlSelector("fs.file-nr:total,current,max");
  EXPECT_EQ(s.name, "fs.file-nr");
  EXPECT_EQ(s.keys, (std::vector<std::string>{"total", "current", "max"}));
  EXPECT_EQ(s.Path(), "fs/file-nr");
  s = parse::ParseSysctlSelector("kernel.threads-max");
  EXPECT_EQ(s.name, "kernel.threads-max");
  EXPECT_TRUE(s.keys.empty());
  s = parse::ParseSysctlSelector("a.b:x:y");
  EXPECT_EQ(s.keys, (std::vector<std::string>{"x:y"}));
}

}  // namespace

namespace testing {
namespace {

CollectorOptions Includes(std::vector<std::string> numeric,
                          std::vector<std::string> info = {}) {
  return CollectorOptions({{"collector.sysctl.include", numeric},
                           {"collector.sysctl.include-info", info}});
}

TEST(SysctlCollectorTest, NothingSelectedIsNoSeries) {
  EXPECT_TRUE(RunCollector("sysctl").empty());
}

TEST(SysctlCollectorTest, ReadsFixtureAsNodeExportersEndToEndTest) {
  Families fams = RunCollector(
      "sysctl", Includes({"fs.file-nr", "fs.file-nr:total,current,max",
                          "kernel.threads-max"},
                         {"kernel.seccomp.actions_avail"}));
  const auto& file_nr = Family(fams, "node_sysctl_fs_file_nr");
  EXPECT_EQ(file_nr.help, "sysctl fs.file-nr");
  EXPECT_EQ(file_nr.type, prometheus::MetricType::Untyped);
  EXPECT_EQ(FindValue(fams, "node_sysctl_fs_file_nr", {{"index", "0"}}), 7392);
  EXPECT_EQ(FindValue(fams, "node_sysctl_fs_file_nr", {{"index", "2"}}),
            9223372036854775807.0);
  EXPECT_EQ(FindValue(fams, "node_sysctl_fs_file_nr_total"), 7392);
  EXPECT_EQ(FindValue(fams, "node_sysctl_fs_file_nr_current"), 0);
  EXPECT_EQ(Family(fams, "node_sysctl_fs_file_nr_max").help,
            "sysctl fs.file-nr, field 2");
  EXPECT_EQ(FindValue(fams, "node_sysctl_kernel_threads_max"), 254723);
  const auto& info = Family(fams, "node_sysctl_info");
  EXPECT_EQ(info.help, "sysctl info");
  EXPECT_EQ(info.type, prometheus::MetricType::Gauge);
  EXPECT_EQ(info.metric.size(), 8u);
  EXPECT_EQ(FindValue(fams, "node_sysctl_info",
                      {{"name", "kernel.seccomp.actions_avail"},
                       {"value", "user_notif"},
                       {"index", "4"}}),
            1);
}

TEST(SysctlCollectorTest, OneWordInfoHasIndexZero) {
  Families fams = RunCollector("sysctl", Includes({}, {"kernel.threads-max"}));
  EXPECT_EQ(FindValue(fams, "node_sysctl_info",
                      {{"name", "kernel.threads-max"},
                       {"value", "254723"},
                       {"index", "0"}}),
            1);
}

TEST(SysctlCollectorTest, ErrorsNameTheSysctlAndFile) {
  const std::string sys = std::string(FIXTURE_ROOT) + "/proc/sys/";
  auto error = [](const CollectorOptions& o) -> std::string {
    try {
      RunCollector("sysctl", o);
    } catch (const CollectError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(error(Includes({"kernel.no-such"})),
            sys + "kernel/no-such: No such file or directory");
  EXPECT_EQ(error(Includes({"kernel.seccomp.actions_avail"})),
            sys +
                "kernel/seccomp/actions_avail: sysctl "
                "kernel.seccomp.actions_avail field 0 is not a valid int: "
                "'kill_process'");
  EXPECT_EQ(error(Includes({"kernel.threads-max:a,b"})),
            sys +
                "kernel/threads-max: sysctl kernel.threads-max has only "
                "one value, but expected [a b]");
  EXPECT_EQ(error(Includes({"kernel.printk:a,b"})),
            sys +
                "kernel/printk: sysctl kernel.printk has 4 values but 2 "
                "keys are given");
  EXPECT_EQ(error(Includes({}, {"kernel.printk:a,b,c,d"})),
            sys +
                "kernel/printk: sysctl kernel.printk has string values, "
                "which cannot be mapped to keys");
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
