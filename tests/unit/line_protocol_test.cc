#include "sinks/line_protocol.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "host_exporter/family.h"

namespace host_exporter::sinks {
namespace {

TEST(LineProtocolTest, EscapesMeasurement) {
  EXPECT_EQ(EscapeMeasurement("node_load1"), "node_load1");
  EXPECT_EQ(EscapeMeasurement("cpu load,total"), "cpu\\ load\\,total");
  EXPECT_EQ(EscapeMeasurement("a=b"), "a=b");  // '=' is fine in measurements
}

TEST(LineProtocolTest, EscapesKeysAndTagValues) {
  EXPECT_EQ(EscapeKey("plain"), "plain");
  EXPECT_EQ(EscapeKey("a b,c=d"), "a\\ b\\,c\\=d");
  EXPECT_EQ(EscapeKey("/dev/sda1"), "/dev/sda1");
  EXPECT_EQ(EscapeKey("line1\nline2\r\tx"), "line1\\nline2\\r\\tx");
  // Backslashes are literal (InfluxDB unescapes only \, \= and "\ ")...
  EXPECT_EQ(EscapeKey("C:\\temp"), "C:\\temp");
  EXPECT_EQ(EscapeKey("a\\\\b"), "a\\\\b");
  EXPECT_EQ(EscapeKey("a\\,b"), "a\\\\,b");
  // ...but a trailing run would escape the separator after the value.
  EXPECT_EQ(EscapeKey("end\\"), "end");
  EXPECT_EQ(EscapeKey("end\\\\"), "end");
  EXPECT_EQ(EscapeMeasurement("m\\"), "m");
}

TEST(LineProtocolTest, EscapesStringFields) {
  EXPECT_EQ(EscapeStringField("say \"hi\" \\o/"), "say \\\"hi\\\" \\\\o/");
  EXPECT_EQ(EscapeStringField("a, b=c"), "a, b=c");
}

TEST(LineProtocolTest, FormatsFloatsShortestRoundTrip) {
  EXPECT_EQ(FormatFloatField(1), "1");
  EXPECT_EQ(FormatFloatField(0), "0");
  EXPECT_EQ(FormatFloatField(-0.0), "-0");
  EXPECT_EQ(FormatFloatField(0.25), "0.25");
  EXPECT_EQ(FormatFloatField(-3.5), "-3.5");
  EXPECT_EQ(FormatFloatField(65733099), "65733099");
  EXPECT_EQ(FormatFloatField(1e20), "1e+20");
  EXPECT_EQ(FormatFloatField(1.5e-7), "1.5e-07");
  EXPECT_EQ(FormatFloatField(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatFloatField(std::nan("")), "");
  EXPECT_EQ(FormatFloatField(std::numeric_limits<double>::infinity()), "");
  EXPECT_EQ(FormatFloatField(-std::numeric_limits<double>::infinity()), "");
}

TEST(LineProtocolTest, Precision) {
  Precision p;
  ASSERT_TRUE(ParsePrecision("ms", &p));
  EXPECT_EQ(p, Precision::kMilliseconds);
  EXPECT_FALSE(ParsePrecision("h", &p));
  EXPECT_EQ(PrecisionName(Precision::kMicroseconds), "us");
  const double t = 1700000000.123456;
  EXPECT_EQ(ToPrecision(t, Precision::kSeconds), 1700000000);
  EXPECT_EQ(ToPrecision(t, Precision::kMilliseconds), 1700000000123);
  EXPECT_EQ(ToPrecision(t, Precision::kMicroseconds), 1700000000123456);
  EXPECT_EQ(ToPrecision(t, Precision::kNanoseconds), 1700000000123456000);
  EXPECT_EQ(ToPrecision(1.9996, Precision::kMilliseconds), 1999);
}

TEST(LineProtocolTest, FormatsLine) {
  EXPECT_EQ(
      FormatLine("node_filesystem_avail_bytes",
                 {{"device", "/dev/sda1"}, {"mountpoint", "/my data"}},
                 {{"value", "1.5"}}, 1700000000000),
      "node_filesystem_avail_bytes,device=/dev/sda1,mountpoint=/my\\ data "
      "value=1.5 1700000000000\n");
  EXPECT_EQ(FormatLine("up", {}, {{"value", "1"}, {"x y", "2"}}, 5),
            "up value=1,x\\ y=2 5\n");
  EXPECT_EQ(FormatLine("up", {{"a", ""}, {"b", "\\"}, {"c", "1"}},
                       {{"value", "1"}}, 5),
            "up,c=1 value=1 5\n");
}

TEST(LineProtocolTest, LegacyMeasurements) {
  EXPECT_EQ(LegacyMeasurement("node_cpu_seconds_total"), "cpu");
  EXPECT_EQ(LegacyMeasurement("node_load15"), "cpu");
  EXPECT_EQ(LegacyMeasurement("node_memory_MemFree_bytes"), "memory");
  EXPECT_EQ(LegacyMeasurement("node_disk_read_bytes_total"), "disk");
  EXPECT_EQ(LegacyMeasurement("node_filesystem_size_bytes"), "disk");
  EXPECT_EQ(LegacyMeasurement("node_network_receive_bytes_total"), "network");
  EXPECT_EQ(LegacyMeasurement("node_uname_info"), "");
  EXPECT_EQ(LegacyMeasurement("node_loadavg"), "");
}

Families TestFamilies() {
  Families f;
  f.push_back(Gauge("node_load1", "1m load average.").Add(0.21).Take());
  f.push_back(Counter("node_cpu_seconds_total", "CPU time.")
                  .Add({{"mode", "idle"}, {"cpu", "0"}}, 100.5)
                  .Add({{"cpu", "0"}, {"mode", "user"}}, 7)
                  .Take());
  f.push_back(Gauge("node_weird", "Odd labels.")
                  .Add({{"path", "/a b"}, {"empty", ""}}, 1)
                  .Add({{"path", "/nan"}}, std::nan(""))
                  .Take());
  prometheus::MetricFamily h;
  h.name = "x_seconds";
  h.type = prometheus::MetricType::Histogram;
  prometheus::ClientMetric m;
  m.histogram.bucket.push_back({});
  m.histogram.bucket[0].upper_bound = 0.5;
  m.histogram.bucket[0].cumulative_count = 3;
  m.histogram.sample_count = 4;
  m.histogram.sample_sum = 2.25;
  h.metric.push_back(m);
  f.push_back(h);
  return f;
}

TEST(LineProtocolTest, EncodesSnapshotOneMeasurementPerFamily) {
  PointOptions o;
  o.extra_tags = {{"host", "web1"}, {"path", "ignored: the label wins"}};
  std::vector<std::string> lines;
  EXPECT_EQ(EncodePoints(TestFamilies(), 1700000000.5, o, &lines), 1u);
  std::string all;
  for (const auto& l : lines) all += l;
  EXPECT_EQ(
      all,
      "node_load1,host=web1,path=ignored:\\ the\\ label\\ wins value=0.21 "
      "1700000000500\n"
      "node_cpu_seconds_total,cpu=0,host=web1,mode=idle,path=ignored:\\ the\\ "
      "label\\ wins value=100.5 1700000000500\n"
      "node_cpu_seconds_total,cpu=0,host=web1,mode=user,path=ignored:\\ the\\ "
      "label\\ wins value=7 1700000000500\n"
      "node_weird,host=web1,path=/a\\ b value=1 1700000000500\n"
      "x_seconds_bucket,host=web1,le=0.5,path=ignored:\\ the\\ label\\ wins "
      "value=3 1700000000500\n"
      "x_seconds_bucket,host=web1,le=+Inf,path=ignored:\\ the\\ label\\ wins "
      "value=4 1700000000500\n"
      "x_seconds_sum,host=web1,path=ignored:\\ the\\ label\\ wins value=2.25 "
      "1700000000500\n"
      "x_seconds_count,host=web1,path=ignored:\\ the\\ label\\ wins value=4 "
      "1700000000500\n");
}

TEST(LineProtocolTest, EncodesLegacyMeasurementsAndPrecision) {
  PointOptions o;
  o.legacy_measurements = true;
  o.precision = Precision::kSeconds;
  std::vector<std::string> lines;
  Families f = TestFamilies();
  f.resize(2);
  EncodePoints(f, 1700000000.5, o, &lines);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "cpu node_load1=0.21 1700000000\n");
  EXPECT_EQ(lines[1],
            "cpu,cpu=0,mode=idle node_cpu_seconds_total=100.5 1700000000\n");
}

TEST(LineProtocolTest, SeriesTimestampWins) {
  Families f;
  f.push_back(Gauge("g", "").Add(1).Take());
  f[0].metric[0].timestamp_ms = 1600000000123;
  std::vector<std::string> lines;
  EncodePoints(f, 1700000000, PointOptions{}, &lines);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "g value=1 1600000000123\n");
}

}  // namespace
}  // namespace host_exporter::sinks
