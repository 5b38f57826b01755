// Content negotiation (Accept headers of the Prometheus versions we are
// scraped by) and the OpenMetrics, text-with-escaping and protobuf encoders.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "host_exporter/encoder.h"
#include "host_exporter/family.h"
#include "http/negotiate.h"

namespace host_exporter {
namespace {

using http::Format;
using http::Negotiate;

// Prometheus 2.42 (Debian 12): scrape.go's fixed scrapeAcceptHeader.
constexpr char kAccept242[] =
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
    "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.25";
// Prometheus 2.53 (Debian 13), default scrape_protocols.
constexpr char kAccept253[] =
    "application/openmetrics-text;version=1.0.0;q=0.5,application/"
    "openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/"
    "*;q=0.2";
// 2.53 with --enable-feature=created-timestamp-zero-ingestion (protobuf
// first) and with one scrape_protocols entry each.
constexpr char kAccept253Proto[] =
    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
    "encoding=delimited;q=0.5,application/openmetrics-text;version=1.0.0;q=0.4,"
    "application/openmetrics-text;version=0.0.1;q=0.3,text/plain;version=0.0.4;"
    "q=0.2,*/*;q=0.1";
// Prometheus 3.x with UTF-8 names allowed (its default).
constexpr char kAccept3[] =
    "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
    "application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;"
    "escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";
constexpr char kAccept3Text1[] =
    "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.5,*/*;q=0.4";
// 3.x protobuf first (native histograms, created-timestamp ingestion): it
// sends "escaping=" with the 1.0.0 text formats only (scrape.go acceptHeader).
constexpr char kAccept3Proto[] =
    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
    "encoding=delimited;q=0.6,application/openmetrics-text;version=1.0.0;"
    "escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;"
    "q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;"
    "version=0.0.4;q=0.2,*/*;q=0.1";
// Prometheus 3.x with metric_name_validation_scheme: legacy.
constexpr char kAccept3Legacy[] =
    "application/openmetrics-text;version=1.0.0;escaping=underscores;q=0.5,"
    "*/*;q=0.4";

struct Case {
  const char* accept;
  Format format;
  Escaping escaping;
};

TEST(NegotiateTest, PrometheusAcceptHeaders) {
  const Case cases[] = {
      {kAccept242, Format::kOpenMetrics100, Escaping::kUnderscores},
      {kAccept253, Format::kOpenMetrics100, Escaping::kUnderscores},
      {kAccept253Proto, Format::kProtoDelimited, Escaping::kUnderscores},
      {"application/openmetrics-text;version=0.0.1;q=0.5,*/*;q=0.4",
       Format::kOpenMetrics001, Escaping::kUnderscores},
      {"text/plain;version=0.0.4;q=0.5,*/*;q=0.4", Format::kText004,
       Escaping::kUnderscores},
      {kAccept3, Format::kOpenMetrics100, Escaping::kAllowUtf8},
      {kAccept3Text1, Format::kText100, Escaping::kAllowUtf8},
      {kAccept3Proto, Format::kProtoDelimited, Escaping::kUnderscores},
      {kAccept3Legacy, Format::kOpenMetrics100, Escaping::kUnderscores},
  };
  for (const Case& c : cases) {
    auto n = Negotiate(c.accept);
    EXPECT_EQ(n.format, c.format) << c.accept;
    EXPECT_EQ(n.escaping, c.escaping) << c.accept;
  }
}

TEST(NegotiateTest, ClientGolangRules) {
  const Case cases[] = {
      // No header, a browser's, curl's: text 0.0.4.
      {"", Format::kText004, Escaping::kUnderscores},
      {"*/*", Format::kText004, Escaping::kUnderscores},
      {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
       Format::kText004, Escaping::kUnderscores},
      // text/plain without a version is 0.0.4; an unknown version is not
      // served (falls back to 0.0.4 too); OpenMetrics without one is 0.0.1.
      {"text/plain", Format::kText004, Escaping::kUnderscores},
      {"application/openmetrics-text", Format::kOpenMetrics001,
       Escaping::kUnderscores},
      {"application/openmetrics-text;version=2.0.0,text/plain;version=1.0.0;"
       "q=0.1",
       Format::kText100, Escaping::kUnderscores},
      // q orders the ranges, not their place in the header.
      {"text/plain;version=0.0.4;q=0.2,application/openmetrics-text;"
       "version=1.0.0;q=0.9",
       Format::kOpenMetrics100, Escaping::kUnderscores},
      // Equal q: the first given wins.
      {"text/plain;version=1.0.0,application/openmetrics-text;version=1.0.0",
       Format::kText100, Escaping::kUnderscores},
      // q=0 still sorts (client_golang does not drop it).
      {"application/openmetrics-text;version=1.0.0;q=0",
       Format::kOpenMetrics100, Escaping::kUnderscores},
      // protobuf other than delimited, or of another message, is skipped.
      {"application/vnd.google.protobuf;proto=io.prometheus.client."
       "MetricFamily;encoding=text,text/plain;version=1.0.0;q=0.5",
       Format::kText100, Escaping::kUnderscores},
      {"application/vnd.google.protobuf;proto=x.Y;encoding=delimited",
       Format::kText004, Escaping::kUnderscores},
      // An escaping scheme on the protobuf range itself is honoured.
      {"application/vnd.google.protobuf;proto=io.prometheus.client."
       "MetricFamily;encoding=delimited;escaping=allow-utf-8",
       Format::kProtoDelimited, Escaping::kAllowUtf8},
      // Each escaping scheme; an unknown one is ignored; the scheme of a
      // range looked at before the match carries over, as in client_golang.
      {"text/plain;version=1.0.0;escaping=dots", Format::kText100,
       Escaping::kDots},
      {"text/plain;version=1.0.0;escaping=values", Format::kText100,
       Escaping::kValues},
      {"text/plain;version=1.0.0;escaping=bogus", Format::kText100,
       Escaping::kUnderscores},
      {"application/json;escaping=allow-utf-8,text/plain;q=0.5",
       Format::kText004, Escaping::kAllowUtf8},
      {"application/json;escaping=values", Format::kText004, Escaping::kValues},
      // Spaces around parameters, as browsers and curl users write them.
      {"application/openmetrics-text; version=1.0.0; escaping=allow-utf-8",
       Format::kOpenMetrics100, Escaping::kAllowUtf8},
      // Malformed ranges are skipped.
      {"garbage,,;;==,text/plain;version=1.0.0", Format::kText100,
       Escaping::kUnderscores},
  };
  for (const Case& c : cases) {
    auto n = Negotiate(c.accept);
    EXPECT_EQ(n.format, c.format) << c.accept;
    EXPECT_EQ(n.escaping, c.escaping) << c.accept;
  }
}

TEST(NegotiateTest, ContentTypes) {
  EXPECT_EQ(Negotiate("").ContentType(),
            "text/plain; version=0.0.4; charset=utf-8; escaping=underscores");
  EXPECT_EQ(Negotiate(kAccept3Text1).ContentType(),
            "text/plain; version=1.0.0; charset=utf-8; escaping=allow-utf-8");
  EXPECT_EQ(Negotiate(kAccept242).ContentType(),
            "application/openmetrics-text; version=1.0.0; charset=utf-8; "
            "escaping=underscores");
  EXPECT_EQ(Negotiate("application/openmetrics-text").ContentType(),
            "application/openmetrics-text; version=0.0.1; charset=utf-8; "
            "escaping=underscores");
  EXPECT_EQ(Negotiate(kAccept253Proto).ContentType(),
            "application/vnd.google.protobuf; "
            "proto=io.prometheus.client.MetricFamily; encoding=delimited; "
            "escaping=underscores");
  EXPECT_EQ(Negotiate(kAccept3).encoding(), Encoding::kOpenMetrics);
  EXPECT_EQ(Negotiate(kAccept3Text1).encoding(), Encoding::kText);
  EXPECT_EQ(Negotiate(kAccept3Proto).encoding(), Encoding::kProtoDelimited);
}

// prometheus/common model.EscapeName's test table.
TEST(EscapeNameTest, AsPrometheusCommon) {
  struct {
    const char* in;
    const char* underscores;
    const char* dots;
    const char* values;
  } cases[] = {
      {"no:escaping_required", "no:escaping_required", "no:escaping_required",
       "no:escaping_required"},
      {"mysystem.prod.west.cpu.load", "mysystem_prod_west_cpu_load",
       "mysystem_dot_prod_dot_west_dot_cpu_dot_load",
       "U__mysystem_2e_prod_2e_west_2e_cpu_2e_load"},
      {"mysystem.prod.west.cpu.load_total", "mysystem_prod_west_cpu_load_total",
       "mysystem_dot_prod_dot_west_dot_cpu_dot_load__total",
       "U__mysystem_2e_prod_2e_west_2e_cpu_2e_load__total"},
      {"http.status:sum", "http_status:sum", "http_dot_status:sum",
       "U__http_2e_status:sum"},
      {"label with 😱", "label_with__", "label__with____",
       "U__label_20_with_20__1f631_"},
      {"label with \xF0\x9F\x98\xB1 and 𝄞", "label_with___and__",
       "label__with______and____", nullptr},
      {"9starts_with_digit", "_starts_with_digit", "__starts__with__digit",
       "U___39_starts__with__digit"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(EscapeName(c.in, Escaping::kUnderscores), c.underscores) << c.in;
    EXPECT_EQ(EscapeName(c.in, Escaping::kDots), c.dots) << c.in;
    if (c.values) {
      EXPECT_EQ(EscapeName(c.in, Escaping::kValues), c.values) << c.in;
    }
    EXPECT_EQ(EscapeName(c.in, Escaping::kAllowUtf8), c.in);
  }
  // A legacy name is never changed, not even its underscores by "dots".
  EXPECT_EQ(EscapeName("a_b", Escaping::kDots), "a_b");
  EXPECT_TRUE(IsLegacyName("a:b_c9"));
  EXPECT_FALSE(IsLegacyName("9a"));
  EXPECT_FALSE(IsLegacyName(""));
  EXPECT_FALSE(IsLegacyName("a.b"));
  EXPECT_TRUE(IsLegacyName("_9"));
  EXPECT_TRUE(IsLegacyName(":"));
  EXPECT_FALSE(IsLegacyName("a-b"));
  EXPECT_FALSE(IsLegacyName("caf\xc3\xa9"));  // bytes above 0x7f
  EXPECT_FALSE(IsLegacyName(std::string_view("a\0b", 3)));
}

Families Sample() {
  Families fams;
  fams.push_back(Counter("node_cpu_seconds_total", "Seconds \"spent\".")
                     .Add({{"cpu", "0"}}, 1)
                     .Add({{"cpu", "1"}}, 2.5)
                     .Take());
  fams.push_back(Counter("node_intr", "No _total suffix.").Add(7).Take());
  fams.push_back(Gauge("node_memory_MemTotal_bytes", "Bytes.").Add(0).Take());
  fams.push_back(Untyped("node_vmstat_pgfault", "Untyped.").Add(1e6).Take());
  prometheus::MetricFamily s;
  s.name = "rpc_duration_seconds";
  s.help = "A summary.";
  s.type = prometheus::MetricType::Summary;
  s.metric.resize(1);
  s.metric[0].summary.sample_count = 3;
  s.metric[0].summary.sample_sum = 1.5;
  s.metric[0].summary.quantile = {{0.5, 0.25}, {1, 1}};
  fams.push_back(s);
  prometheus::MetricFamily h;
  h.name = "req_size_bytes";
  h.help = "A histogram.";
  h.type = prometheus::MetricType::Histogram;
  h.metric.resize(1);
  h.metric[0].histogram.sample_count = 4;
  h.metric[0].histogram.sample_sum = 2000;
  h.metric[0].histogram.bucket = {
      {1, 100}, {3, 1000}, {4, std::numeric_limits<double>::infinity()}};
  fams.push_back(h);
  return fams;
}

// As client_golang writes it, except where that would make Prometheus store
// other series than a text scrape did: "le" and "quantile" values as the text
// form writes them ("1", not "1.0"), and a counter without "_total" as
// unknown under its own name.
TEST(EncodeOpenMetricsTest, AsClientGolangWritesItKeepingTextSeriesNames) {
  const CreatedTimes created = {
      {1700000000, 1700000000.25}, {}, {0}, {}, {1600000000}, {}};
  EXPECT_EQ(EncodeOpenMetrics(Sample(), created, Escaping::kUnderscores),
            "# HELP node_cpu_seconds Seconds \\\"spent\\\".\n"
            "# TYPE node_cpu_seconds counter\n"
            "# UNIT node_cpu_seconds seconds\n"
            "node_cpu_seconds_total{cpu=\"0\"} 1.0\n"
            "node_cpu_seconds_created{cpu=\"0\"} 1.7e+09\n"
            "node_cpu_seconds_total{cpu=\"1\"} 2.5\n"
            "node_cpu_seconds_created{cpu=\"1\"} 1.70000000025e+09\n"
            "# HELP node_intr No _total suffix.\n"
            "# TYPE node_intr unknown\n"
            "node_intr 7.0\n"
            "# HELP node_memory_MemTotal_bytes Bytes.\n"
            "# TYPE node_memory_MemTotal_bytes gauge\n"
            "# UNIT node_memory_MemTotal_bytes bytes\n"
            "node_memory_MemTotal_bytes 0.0\n"
            "# HELP node_vmstat_pgfault Untyped.\n"
            "# TYPE node_vmstat_pgfault unknown\n"
            "node_vmstat_pgfault 1e+06\n"
            "# HELP rpc_duration_seconds A summary.\n"
            "# TYPE rpc_duration_seconds summary\n"
            "# UNIT rpc_duration_seconds seconds\n"
            "rpc_duration_seconds{quantile=\"0.5\"} 0.25\n"
            "rpc_duration_seconds{quantile=\"1\"} 1.0\n"
            "rpc_duration_seconds_sum 1.5\n"
            "rpc_duration_seconds_count 3\n"
            "rpc_duration_seconds_created 1.6e+09\n"
            "# HELP req_size_bytes A histogram.\n"
            "# TYPE req_size_bytes histogram\n"
            "# UNIT req_size_bytes bytes\n"
            "req_size_bytes_bucket{le=\"100\"} 1\n"
            "req_size_bytes_bucket{le=\"1000\"} 3\n"
            "req_size_bytes_bucket{le=\"+Inf\"} 4\n"
            "req_size_bytes_sum 2000.0\n"
            "req_size_bytes_count 4\n"
            "# EOF\n");
}

// OpenMetrics' floats: a whole number with ".0" (below 1e6 and beyond),
// zero of either sign as "0.0", fractions and exponents as the text form.
// A Snapshot whose names are all legacy tells the encoders so, and they
// check no name again: the bodies must be the ones they write checking.
TEST(EncodeOpenMetricsTest, NamesKnownLegacyGiveTheSameBodies) {
  const CreatedTimes created = {
      {1700000000, 1700000000.25}, {}, {0}, {}, {1600000000}, {}};
  Families fams = Sample();
  fams.push_back(Gauge("node_network_up", "Up.")
                     .Add({{"device", "eth0"}, {"operstate", "up"}}, 1)
                     .Add({{"device", "lo"}, {"operstate", "unknown"}}, 0)
                     .Take());
  EXPECT_EQ(EncodeOpenMetrics(fams, created, Escaping::kUnderscores, true),
            EncodeOpenMetrics(fams, created, Escaping::kUnderscores, false));
  EXPECT_EQ(EncodeText(fams, Escaping::kUnderscores, true),
            EncodeText(fams, Escaping::kUnderscores, false));
}

TEST(EncodeOpenMetricsTest, FloatsOfEveryShape) {
  Families fams;
  fams.push_back(Gauge("g", "G.")
                     .Add({{"v", "a"}}, -0.0)
                     .Add({{"v", "b"}}, 0.0)
                     .Add({{"v", "c"}}, 1)
                     .Add({{"v", "d"}}, -1)
                     .Add({{"v", "e"}}, 999999)
                     .Add({{"v", "f"}}, 1e6)
                     .Add({{"v", "g"}}, 2.5)
                     .Add({{"v", "h"}}, 1e-5)
                     .Take());
  EXPECT_EQ(EncodeOpenMetrics(fams, {}, Escaping::kUnderscores),
            "# HELP g G.\n"
            "# TYPE g gauge\n"
            "g{v=\"a\"} 0.0\n"
            "g{v=\"b\"} 0.0\n"
            "g{v=\"c\"} 1.0\n"
            "g{v=\"d\"} -1.0\n"
            "g{v=\"e\"} 999999.0\n"
            "g{v=\"f\"} 1e+06\n"
            "g{v=\"g\"} 2.5\n"
            "g{v=\"h\"} 1e-05\n"
            "# EOF\n");
}

TEST(EncodeOpenMetricsTest, EmptyIsJustEof) {
  EXPECT_EQ(EncodeOpenMetrics({}, {}, Escaping::kUnderscores), "# EOF\n");
}

Families Utf8() {
  Families fams;
  fams.push_back(Gauge("my.metric", "Dotted.")
                     .Add({{"host.name", "a\"b"}, {"ok", "1"}}, 1)
                     .Take());
  fams.push_back(Gauge("bare.name", "No labels.").Add(2).Take());
  return fams;
}

TEST(EncodeTextTest, Utf8NamesQuotedOrEscaped) {
  EXPECT_EQ(EncodeText(Utf8(), Escaping::kAllowUtf8),
            "# HELP \"my.metric\" Dotted.\n"
            "# TYPE \"my.metric\" gauge\n"
            "{\"my.metric\",\"host.name\"=\"a\\\"b\",ok=\"1\"} 1\n"
            "# HELP \"bare.name\" No labels.\n"
            "# TYPE \"bare.name\" gauge\n"
            "{\"bare.name\"} 2\n");
  EXPECT_EQ(EncodeText(Utf8(), Escaping::kUnderscores),
            "# HELP my_metric Dotted.\n"
            "# TYPE my_metric gauge\n"
            "my_metric{host_name=\"a\\\"b\",ok=\"1\"} 1\n"
            "# HELP bare_name No labels.\n"
            "# TYPE bare_name gauge\n"
            "bare_name 2\n");
  EXPECT_NE(EncodeText(Utf8(), Escaping::kDots)
                .find("my_dot_metric{host_dot_name=\"a\\\"b\",ok=\"1\"} 1\n"),
            std::string::npos);
  EXPECT_NE(
      EncodeText(Utf8(), Escaping::kValues)
          .find("U__my_2e_metric{U__host_2e_name=\"a\\\"b\",ok=\"1\"} 1\n"),
      std::string::npos);
  EXPECT_NE(
      EncodeOpenMetrics(Utf8(), {}, Escaping::kAllowUtf8)
          .find("{\"my.metric\",\"host.name\"=\"a\\\"b\",ok=\"1\"} 1.0\n"),
      std::string::npos);
}

// A minimal protobuf wire reader, to check the encoder independently of the
// generated classes: each field of one message as (number, bytes/varint).
struct Field {
  int number = 0;
  uint64_t varint = 0;  // wire type 0
  std::string bytes;    // wire type 2
  double fixed64 = 0;   // wire type 1
};

bool ReadVarint(std::string_view* s, uint64_t* v) {
  *v = 0;
  for (int shift = 0; !s->empty() && shift < 64; shift += 7) {
    const auto b = static_cast<unsigned char>(s->front());
    s->remove_prefix(1);
    *v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

std::vector<Field> Fields(std::string_view s) {
  std::vector<Field> out;
  while (!s.empty()) {
    uint64_t key = 0;
    EXPECT_TRUE(ReadVarint(&s, &key));
    Field f;
    f.number = static_cast<int>(key >> 3);
    switch (key & 7) {
      case 0:
        EXPECT_TRUE(ReadVarint(&s, &f.varint));
        break;
      case 1:
        EXPECT_GE(s.size(), 8u);
        std::memcpy(&f.fixed64, s.data(), 8);
        s.remove_prefix(8);
        break;
      case 2: {
        uint64_t n = 0;
        EXPECT_TRUE(ReadVarint(&s, &n));
        EXPECT_LE(n, s.size());
        f.bytes = std::string(s.substr(0, n));
        s.remove_prefix(n);
        break;
      }
      default:
        ADD_FAILURE() << "wire type " << (key & 7);
        return out;
    }
    out.push_back(f);
  }
  return out;
}

std::vector<const Field*> All(const std::vector<Field>& fs, int number) {
  std::vector<const Field*> out;
  for (const auto& f : fs) {
    if (f.number == number) out.push_back(&f);
  }
  return out;
}

TEST(EncodeProtoTest, DelimitedMetricFamilies) {
  const CreatedTimes created = {
      {1700000000, 1700000000.25}, {}, {}, {}, {}, {}};
  std::string_view body;
  const std::string bytes =
      EncodeProtoDelimited(Sample(), created, Escaping::kUnderscores);
  body = bytes;
  std::vector<std::vector<Field>> families;
  while (!body.empty()) {
    uint64_t n = 0;
    ASSERT_TRUE(ReadVarint(&body, &n));
    ASSERT_LE(n, body.size());
    families.push_back(Fields(body.substr(0, n)));
    body.remove_prefix(n);
  }
  ASSERT_EQ(families.size(), 6u);
  // node_cpu_seconds_total: name kept whole, COUNTER (0), two metrics.
  const auto& cpu = families[0];
  EXPECT_EQ(All(cpu, 1)[0]->bytes, "node_cpu_seconds_total");
  EXPECT_EQ(All(cpu, 2)[0]->bytes, "Seconds \"spent\".");
  EXPECT_EQ(All(cpu, 3)[0]->varint, 0u);
  auto metrics = All(cpu, 4);
  ASSERT_EQ(metrics.size(), 2u);
  auto m1 = Fields(metrics[1]->bytes);
  auto label = Fields(All(m1, 1)[0]->bytes);
  EXPECT_EQ(All(label, 1)[0]->bytes, "cpu");
  EXPECT_EQ(All(label, 2)[0]->bytes, "1");
  auto counter = Fields(All(m1, 3)[0]->bytes);
  EXPECT_EQ(All(counter, 1)[0]->fixed64, 2.5);
  auto ct = Fields(All(counter, 3)[0]->bytes);
  EXPECT_EQ(All(ct, 1)[0]->varint, 1700000000u);
  EXPECT_EQ(All(ct, 2)[0]->varint, 250000000u);
  // No created time known: no created_timestamp field.
  auto intr = Fields(All(Fields(All(families[1], 4)[0]->bytes), 3)[0]->bytes);
  EXPECT_TRUE(All(intr, 3).empty());
  // Gauge (1), untyped (3) in their own fields.
  EXPECT_EQ(All(families[2], 3)[0]->varint, 1u);
  EXPECT_EQ(All(Fields(All(families[2], 4)[0]->bytes), 2).size(), 1u);
  EXPECT_EQ(All(families[3], 3)[0]->varint, 3u);
  EXPECT_EQ(
      All(Fields(All(Fields(All(families[3], 4)[0]->bytes), 5)[0]->bytes), 1)[0]
          ->fixed64,
      1e6);
  // Summary (2): count, sum, quantiles.
  EXPECT_EQ(All(families[4], 3)[0]->varint, 2u);
  auto sum = Fields(All(Fields(All(families[4], 4)[0]->bytes), 4)[0]->bytes);
  EXPECT_EQ(All(sum, 1)[0]->varint, 3u);
  EXPECT_EQ(All(sum, 3).size(), 2u);
  // Histogram (4): the +Inf bucket implicit, as client_golang writes it.
  EXPECT_EQ(All(families[5], 3)[0]->varint, 4u);
  auto hist = Fields(All(Fields(All(families[5], 4)[0]->bytes), 7)[0]->bytes);
  EXPECT_EQ(All(hist, 1)[0]->varint, 4u);
  ASSERT_EQ(All(hist, 3).size(), 2u);
  EXPECT_EQ(All(Fields(All(hist, 3)[1]->bytes), 2)[0]->fixed64, 1000);
}

TEST(EncodeProtoTest, EscapesNames) {
  std::string_view body;
  const std::string bytes = EncodeProtoDelimited(Utf8(), {}, Escaping::kValues);
  body = bytes;
  uint64_t n = 0;
  ASSERT_TRUE(ReadVarint(&body, &n));
  auto fam = Fields(body.substr(0, n));
  EXPECT_EQ(All(fam, 1)[0]->bytes, "U__my_2e_metric");
  auto label = Fields(All(Fields(All(fam, 4)[0]->bytes), 1)[0]->bytes);
  EXPECT_EQ(All(label, 1)[0]->bytes, "U__host_2e_name");
  const std::string utf8 =
      EncodeProtoDelimited(Utf8(), {}, Escaping::kAllowUtf8);
  EXPECT_NE(utf8.find("my.metric"), std::string::npos);
}

TEST(UnitOfTest, KnownSuffixesOnly) {
  EXPECT_EQ(UnitOf("node_cpu_seconds"), "seconds");
  EXPECT_EQ(UnitOf("node_hwmon_temp_celsius"), "celsius");
  EXPECT_EQ(UnitOf("seconds"), "");
  EXPECT_EQ(UnitOf("node_fooseconds"), "");
  EXPECT_EQ(UnitOf("node_load1"), "");
  EXPECT_EQ(UnitOf("_seconds"), "");
  EXPECT_EQ(UnitOf("a_seconds"), "seconds");
  EXPECT_EQ(UnitOf("node_seconds_"), "");
  EXPECT_EQ(UnitOf("node_bytes_seconds"), "seconds");
}

}  // namespace
}  // namespace host_exporter
