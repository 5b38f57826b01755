#include <gtest/gtest.h>

#include <cmath>

#include "host_exporter/family.h"
#include "sinks/remote_write_encoder.h"

namespace host_exporter::sinks {
namespace {

std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(static_cast<char>(c));
  return s;
}

TEST(RemoteWriteTest, EntryIsWriteRequestField1) {
  // WriteRequest{timeseries: [{labels: [{__name__, up}], samples: [{1,
  // 1000}]}]}
  const std::string want =
      Bytes({0x0a, 0x1e,  // timeseries, 30 bytes
             0x0a, 0x0e,  // labels, 14 bytes
             0x0a, 0x08}) +
      "__name__" + Bytes({0x12, 0x02}) + "up" +
      Bytes({0x12, 0x0c,                          // samples, 12 bytes
             0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f,  // value 1.0 (fixed64)
             0x10, 0xe8, 0x07});                  // timestamp 1000
  EXPECT_EQ(EncodeTimeSeriesEntry({{"__name__", "up"}}, 1.0, 1000), want);
}

TEST(RemoteWriteTest, LabelsSortedEmptyDropped) {
  std::string entry = EncodeTimeSeriesEntry(
      {{"zone", "a"}, {"__name__", "m"}, {"empty", ""}, {"Upper", "u"}}, 2, 5);
  std::vector<DecodedSeries> got;
  ASSERT_TRUE(DecodeWriteRequest(entry, &got));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].labels,
            (LabelPairs{{"Upper", "u"}, {"__name__", "m"}, {"zone", "a"}}));
  ASSERT_EQ(got[0].samples.size(), 1u);
  EXPECT_EQ(got[0].samples[0], (std::pair<double, int64_t>{2, 5}));
}

TEST(RemoteWriteTest, EncodesFamiliesWithExternalLabels) {
  Families f;
  f.push_back(Gauge("node_load1", "").Add(0.21).Take());
  f.push_back(Counter("node_cpu_seconds_total", "")
                  .Add({{"cpu", "0"}, {"mode", "idle"}, {"job", "own"}}, 100.5)
                  .Take());
  f.push_back(Gauge("node_nan", "").Add(std::nan("")).Take());
  f.push_back(Gauge("node_stamped", "").Add(3).Take());
  f.back().metric[0].timestamp_ms = 1600000000000;
  std::vector<std::string> entries;
  EncodeTimeSeries(f, 1700000000.1234, {{"instance", "web1"}, {"job", "node"}},
                   &entries);
  ASSERT_EQ(entries.size(), 4u);
  std::string body;
  for (const auto& e : entries) body += e;
  // A batch travels snappy-compressed; it must come back unchanged.
  std::string raw;
  ASSERT_TRUE(SnappyUncompress(SnappyCompress(body), &raw));
  ASSERT_EQ(raw, body);
  std::vector<DecodedSeries> got;
  ASSERT_TRUE(DecodeWriteRequest(raw, &got));
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].labels, (LabelPairs{{"__name__", "node_load1"},
                                       {"instance", "web1"},
                                       {"job", "node"}}));
  EXPECT_EQ(got[0].samples[0].first, 0.21);
  EXPECT_EQ(got[0].samples[0].second, 1700000000123);
  // The series' own job label wins over the external one.
  EXPECT_EQ(got[1].labels, (LabelPairs{{"__name__", "node_cpu_seconds_total"},
                                       {"cpu", "0"},
                                       {"instance", "web1"},
                                       {"job", "own"},
                                       {"mode", "idle"}}));
  EXPECT_TRUE(std::isnan(got[2].samples[0].first));
  EXPECT_EQ(got[3].samples[0].second, 1600000000000);
}

TEST(RemoteWriteTest, RejectsGarbage) {
  std::vector<DecodedSeries> got;
  EXPECT_FALSE(DecodeWriteRequest(Bytes({0x0a, 0x7f, 0x01}), &got));
  std::string raw;
  EXPECT_FALSE(SnappyUncompress("not snappy at all", &raw));
}

}  // namespace
}  // namespace host_exporter::sinks
