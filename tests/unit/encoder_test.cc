#include "host_exporter/encoder.h"

#include <gtest/gtest.h>

#include <atomic>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "host_exporter/family.h"

namespace host_exporter {
namespace {

TEST(FormatValueTest, MatchesGoShortestG) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(1), "1");
  EXPECT_EQ(FormatValue(100.27), "100.27");
  EXPECT_EQ(FormatValue(27938), "27938");
  EXPECT_EQ(FormatValue(123456.5), "123456.5");
  EXPECT_EQ(FormatValue(65733099), "6.5733099e+07");
  EXPECT_EQ(FormatValue(1e6), "1e+06");
  EXPECT_EQ(FormatValue(270553174016.0), "2.70553174016e+11");
  EXPECT_EQ(FormatValue(0.0001), "0.0001");
  EXPECT_EQ(FormatValue(0.00001), "1e-05");
  EXPECT_EQ(FormatValue(-2.5), "-2.5");
  EXPECT_EQ(FormatValue(1.8446744073709552e19), "1.8446744073709552e+19");
}

// Whole numbers below 1e6 take a path of their own (their digits); at 1e6
// and beyond, and for any fraction, Go's exponent and fixed forms.
// Whole numbers from 1e6 to 2^53 take a path of their own: the same text as
// the shortest round-trip digits in the exponent form.
TEST(FormatValueTest, LargeWholeNumbersAsShortestScientific) {
  auto scientific = [](double v) {
    char buf[64];
    auto r =
        std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    return std::string(buf, r.ptr);
  };
  std::vector<double> values = {1e6,
                                1000001,
                                -1000000,
                                1e15,
                                9007199254740991.0,
                                -9007199254740991.0,
                                123456789000.0,
                                9007199254740992.0,
                                1.8446744073709552e19};
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const uint64_t magnitude = 1000000 + x % (uint64_t{1} << 53);
    // a third with trailing zeros
    const uint64_t rounded = i % 3 == 0 ? magnitude / 1000 * 1000 : magnitude;
    const double v = static_cast<double>(
        rounded >= (uint64_t{1} << 53) ? rounded / 2 : rounded);
    values.push_back(i % 2 ? -v : v);
  }
  for (double v : values) {
    if (std::abs(v) < 1e6) continue;
    EXPECT_EQ(FormatValue(v), scientific(v)) << std::fixed << v;
  }
  EXPECT_EQ(FormatValue(9007199254740991.0), "9.007199254740991e+15");
  EXPECT_EQ(FormatValue(-123456700), "-1.234567e+08");
}

TEST(FormatValueTest, WholeNumbersAroundTheExponentThreshold) {
  EXPECT_EQ(FormatValue(999999), "999999");
  EXPECT_EQ(FormatValue(-999999), "-999999");
  EXPECT_EQ(FormatValue(-1e6), "-1e+06");
  EXPECT_EQ(FormatValue(1000001), "1.000001e+06");
  EXPECT_EQ(FormatValue(999999.5), "999999.5");
  EXPECT_EQ(FormatValue(-3), "-3");
  EXPECT_EQ(FormatValue(5e-7), "5e-07");
  EXPECT_EQ(FormatValue(-0.0), "-0");
  // std::to_string's "%f", its trailing zeros dropped.
  auto fixed = [](double v) {
    const std::string s = std::to_string(v);
    return s.substr(0, s.find_last_not_of('0') + 1);
  };
  for (int i = -5000; i <= 5000; i += 7) {
    EXPECT_EQ(FormatValue(i), std::to_string(i));
    EXPECT_EQ(FormatValue(i + 0.25), fixed(i + 0.25));
  }
}

TEST(FormatValueTest, SpecialValuesAsTheFormatSpells) {
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(EncodeTextTest, EscapesHelpAndLabelValues) {
  Families fams;
  fams.push_back(Gauge("x", "line1\nback\\slash \"quoted\"")
                     .Add({{"a", "q\"uote"}, {"b", "new\nline\\"}}, 1.5)
                     .Take());
  EXPECT_EQ(EncodeText(fams),
            "# HELP x line1\\nback\\\\slash \"quoted\"\n"
            "# TYPE x gauge\n"
            "x{a=\"q\\\"uote\",b=\"new\\nline\\\\\"} 1.5\n");
}

// Each byte escaped at every position of strings up to 3 words long: the
// escaper scans eight bytes at a time before it looks at single ones.
TEST(EncodeTextTest, EscapesAtEveryPosition) {
  for (const char special : {'\\', '\n', '"'}) {
    for (size_t size = 1; size <= 24; ++size) {
      for (size_t at = 0; at < size; ++at) {
        std::string value(size, 'v');
        value[at] = special;
        std::string want_value = value.substr(0, at);
        want_value += special == '\n' ? "\\n" : std::string{'\\', special};
        want_value += value.substr(at + 1);
        // Help text: a quote is escaped in OpenMetrics only.
        const std::string want_help = special == '"' ? value : want_value;
        Families fams;
        fams.push_back(Gauge("x", value).Add({{"a", value}}, 1).Take());
        EXPECT_EQ(EncodeText(fams), "# HELP x " + want_help +
                                        "\n# TYPE x gauge\nx{a=\"" +
                                        want_value + "\"} 1\n")
            << "byte " << int(special) << " at " << at << " of " << size;
      }
    }
  }
}

// Lines far longer than the body's estimate (96 bytes a family, 64 a
// series): the buffer grows under them and nothing written is lost.
TEST(EncodeTextTest, LinesLongerThanTheEstimate) {
  const std::string value(100000, 'v');
  const std::string newlines(50000, '\n');
  std::string escaped_newlines;
  for (int i = 0; i < 50000; ++i) escaped_newlines += "\\n";
  Families fams;
  fams.push_back(Gauge("x", newlines)
                     .Add({{"a", value}}, 1)
                     .Add({{"a", value + "w"}, {"b", newlines}}, 2)
                     .Take());
  const std::string want =
      "# HELP x " + escaped_newlines + "\n# TYPE x gauge\nx{a=\"" + value +
      "\"} 1\n" + "x{a=\"" + value + "w\",b=\"" + escaped_newlines + "\"} 2\n";
  EXPECT_EQ(EncodeText(fams), want);
  const std::string om = EncodeOpenMetrics(fams, {}, Escaping::kUnderscores);
  EXPECT_EQ(om.size(), want.size() + std::string("# EOF\n").size() + 4);
  EXPECT_TRUE(om.ends_with("} 2.0\n# EOF\n"));
}

// OpenMetrics' comment lines are kept by family name from encode to encode:
// a family whose help, type or escaping changed under the same name gets
// its own lines, and the first form comes back as it was.
TEST(EncodeOpenMetricsTest, KeptHeadersFollowHelpTypeAndEscaping) {
  constexpr Escaping kU = Escaping::kUnderscores;
  auto one = [](FamilyBuilder&& b) {
    Families fams;
    fams.push_back(b.Add(1).Take());
    return fams;
  };
  const std::string first =
      EncodeOpenMetrics(one(Counter("hdr_total", "h1")), {}, kU);
  EXPECT_EQ(first, "# HELP hdr h1\n# TYPE hdr counter\nhdr_total 1.0\n# EOF\n");
  EXPECT_EQ(EncodeOpenMetrics(one(Counter("hdr_total", "h2")), {}, kU),
            "# HELP hdr h2\n# TYPE hdr counter\nhdr_total 1.0\n# EOF\n");
  EXPECT_EQ(
      EncodeOpenMetrics(one(Gauge("hdr_total", "h2")), {}, kU),
      "# HELP hdr_total h2\n# TYPE hdr_total gauge\nhdr_total 1.0\n# EOF\n");
  EXPECT_EQ(EncodeOpenMetrics(one(Counter("hdr_total", "h1")), {}, kU), first);

  const auto dotted = [&] { return one(Gauge("hdr.seconds", "d")); };
  EXPECT_EQ(EncodeOpenMetrics(dotted(), {}, kU),
            "# HELP hdr_seconds d\n# TYPE hdr_seconds gauge\n"
            "# UNIT hdr_seconds seconds\nhdr_seconds 1.0\n# EOF\n");
  const std::string utf8 =
      EncodeOpenMetrics(dotted(), {}, Escaping::kAllowUtf8);
  EXPECT_NE(utf8.find("# HELP \"hdr.seconds\" d\n"), std::string::npos) << utf8;
}

TEST(EncodeTextTest, CounterUntypedAndNoLabels) {
  Families fams;
  fams.push_back(Counter("c_total", "c").Add(3).Take());
  fams.push_back(Untyped("u", "u").Add({{"k", "v"}}, -1).Take());
  EXPECT_EQ(EncodeText(fams),
            "# HELP c_total c\n# TYPE c_total counter\nc_total 3\n"
            "# HELP u u\n# TYPE u untyped\nu{k=\"v\"} -1\n");
}

TEST(EncodeTextTest, HistogramAndSummary) {
  prometheus::MetricFamily h;
  h.name = "h";
  h.help = "h";
  h.type = prometheus::MetricType::Histogram;
  prometheus::ClientMetric m;
  m.histogram.sample_count = 3;
  m.histogram.sample_sum = 4.5;
  m.histogram.bucket = {{1, 0.5}, {2, 1}};
  h.metric.push_back(m);
  prometheus::MetricFamily s;
  s.name = "s";
  s.help = "s";
  s.type = prometheus::MetricType::Summary;
  prometheus::ClientMetric sm;
  sm.label = {{"a", "b"}};
  sm.summary.sample_count = 2;
  sm.summary.sample_sum = 1;
  sm.summary.quantile = {{0.5, 0.25}};
  s.metric.push_back(sm);
  EXPECT_EQ(EncodeText({h, s}),
            "# HELP h h\n# TYPE h histogram\n"
            "h_bucket{le=\"0.5\"} 1\nh_bucket{le=\"1\"} 2\n"
            "h_bucket{le=\"+Inf\"} 3\nh_sum 4.5\nh_count 3\n"
            "# HELP s s\n# TYPE s summary\n"
            "s{a=\"b\",quantile=\"0.5\"} 0.25\ns_sum{a=\"b\"} 1\n"
            "s_count{a=\"b\"} 2\n");
}

TEST(GzipTest, RoundTrip) {
  std::string text(100000, 'a');
  for (size_t i = 0; i < text.size(); i += 7)
    text[i] = static_cast<char>('a' + i % 26);
  std::string gz = GzipCompress(text, kMaxGzipLevel);
  ASSERT_GE(gz.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
  EXPECT_LT(gz.size(), text.size() / 4);
  std::string back;
  ASSERT_TRUE(GzipDecompress(gz, &back));
  EXPECT_EQ(back, text);
  EXPECT_FALSE(GzipDecompress("not gzip at all", &back));
}

// The kept compressor is lent to one caller at a time: callers at once (the
// cycle and a worker making a form first asked) each get a whole stream.
TEST(GzipTest, CallersAtOnceAndEveryLevel) {
  std::string text;
  for (int i = 0; i < 20000; ++i)
    text += "node_x{cpu=\"" + std::to_string(i % 64) + "\"} 1\n";
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        std::string back;
        if (GzipDecompress(GzipCompress(text, 1), &back) && back == text)
          ++good;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 80);
  for (int level : {-1, 0, 1, 2, 3, 4}) {
    std::string back;
    ASSERT_TRUE(GzipDecompress(GzipCompress(text, level), &back)) << level;
    EXPECT_EQ(back, text) << level;
  }
  std::string back = "x";
  ASSERT_TRUE(GzipDecompress(GzipCompress("", 1), &back));
  EXPECT_EQ(back, "");
}

}  // namespace
}  // namespace host_exporter
