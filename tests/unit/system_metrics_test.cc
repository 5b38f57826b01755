#include "sinks/system_metrics.h"

#include <gtest/gtest.h>
#include <sys/statvfs.h>

#include <algorithm>

#include "host_exporter/family.h"

namespace host_exporter::sinks {
namespace {

// A snapshot's families as the collectors produce them, sorted by name.
Families HostFamilies(double user, double idle, double iowait) {
  Families f;
  f.push_back(Counter("node_cpu_seconds_total", "")
                  .Add({{"cpu", "0"}, {"mode", "idle"}}, idle)
                  .Add({{"cpu", "0"}, {"mode", "iowait"}}, iowait)
                  .Add({{"cpu", "0"}, {"mode", "system"}}, user / 2)
                  .Add({{"cpu", "0"}, {"mode", "user"}}, user)
                  .Add({{"cpu", "1"}, {"mode", "idle"}}, idle)
                  .Add({{"cpu", "1"}, {"mode", "user"}}, user)
                  .Take());
  f.push_back(Gauge("node_memory_MemAvailable_bytes", "").Add(3e9).Take());
  f.push_back(Gauge("node_memory_MemTotal_bytes", "").Add(8e9).Take());
  f.push_back(Counter("node_network_receive_bytes_total", "")
                  .Add({{"device", "eth0"}}, 1000)
                  .Add({{"device", "lo"}}, 24)
                  .Take());
  f.push_back(Counter("node_network_transmit_bytes_total", "")
                  .Add({{"device", "eth0"}}, 500)
                  .Add({{"device", "lo"}}, 24)
                  .Take());
  std::sort(f.begin(), f.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return f;
}

SystemMetricsOptions Options() {
  SystemMetricsOptions o;
  o.root_path = "/";
  o.precision = Precision::kSeconds;
  o.extra_tags = {{"host", "web1"}};
  return o;
}

TEST(SystemMetricsTest, CpuPercentAsPsutilComputesIt) {
  // psutil: busy = total - idle - iowait, over the difference of two calls.
  CpuTotals a{100, 40}, b{200, 65};
  EXPECT_EQ(CpuBusyPercent(a, b), 25.0);
  EXPECT_EQ(CpuBusyPercent(a, CpuTotals{103, 41}), 33.3);  // rounded
  EXPECT_EQ(CpuBusyPercent(a, a), std::nullopt);           // no time passed
  EXPECT_EQ(CpuBusyPercent(b, a), std::nullopt);           // went back
  auto t = SumCpuTimes(HostFamilies(10, 100, 5));
  ASSERT_TRUE(t.has_value());
  EXPECT_DOUBLE_EQ(t->total, 10 + 5 + 100 + 5 + 100 + 10);
  EXPECT_DOUBLE_EQ(t->busy, 10 + 5 + 10);
  EXPECT_EQ(SumCpuTimes({}), std::nullopt);
}

TEST(SystemMetricsTest, TheScriptsPointsFromTwoCycles) {
  SystemMetricsEncoder enc(Options());
  std::vector<std::string> first, second;
  enc.Encode(HostFamilies(10, 100, 5), 1700000000, &first);
  // No CPU point without a previous reading.
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0],
            "system_metrics,host=web1,metric=memory value=62.5 1700000000\n");
  EXPECT_EQ(first[1].rfind("system_metrics,host=web1,metric=disk value=", 0),
            0u)
      << first[1];
  EXPECT_EQ(first[2],
            "system_metrics,host=web1,metric=network "
            "bytes_recv=1024,bytes_sent=524 1700000000\n");
  // 30 s more of user+system time per CPU 0 (+15 system), 60 idle each.
  enc.Encode(HostFamilies(30, 160, 5), 1700000010, &second);
  ASSERT_EQ(second.size(), 4u);
  // busy: (30-10)*2 + (15-5) = 50; total: 50 + 120 = 170 → 29.4 %.
  EXPECT_EQ(second[0],
            "system_metrics,host=web1,metric=cpu value=29.4 1700000010\n");
}

TEST(SystemMetricsTest, DiskPercentMatchesStatvfs) {
  struct statvfs st {};
  ASSERT_EQ(statvfs("/", &st), 0);
  double used = static_cast<double>(st.f_blocks - st.f_bfree);
  double expected = used / (used + static_cast<double>(st.f_bavail)) * 100;
  auto pct = DiskUsedPercent("/");
  ASSERT_TRUE(pct.has_value());
  // Another process may write between the two calls: within a point.
  EXPECT_NEAR(*pct, expected, 1.0);
  EXPECT_EQ(DiskUsedPercent("/nonexistent/host_exporter"), std::nullopt);
}

TEST(SystemMetricsTest, TogglesAndMissingFamilies) {
  SystemMetricsOptions o = Options();
  o.disk = false;
  o.network = false;
  o.extra_tags = {{"metric", "overridden"}, {"zone", "a"}};
  SystemMetricsEncoder enc(o);
  std::vector<std::string> lines;
  enc.Encode({}, 1, &lines);  // nothing collected: no points
  EXPECT_TRUE(lines.empty());
  enc.Encode(HostFamilies(1, 1, 1), 2, &lines);
  ASSERT_EQ(lines.size(), 1u);
  // Our own `metric` tag wins over a configured one.
  EXPECT_EQ(lines[0], "system_metrics,metric=memory,zone=a value=62.5 2\n");
}

}  // namespace
}  // namespace host_exporter::sinks
