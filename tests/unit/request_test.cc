#include "http/request.h"

#include <gtest/gtest.h>

#include "host_exporter/encoder.h"
#include "http/gate.h"

namespace host_exporter::http {
namespace {

// The gate hands a connection to a worker once this is true: never for a
// partial head (the worker would block reading the rest).
TEST(RequestHeadCompleteTest, OnlyAWholeHead) {
  EXPECT_FALSE(RequestHeadComplete(""));
  EXPECT_FALSE(RequestHeadComplete("GET /metrics HTTP/1.1"));
  EXPECT_FALSE(RequestHeadComplete("GET /metrics HTTP/1.1\r\nHost: x\r\n"));
  EXPECT_FALSE(RequestHeadComplete("GET /metrics HTTP/1.1\r\nHost: x\r\n\r"));
  EXPECT_TRUE(RequestHeadComplete("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(RequestHeadComplete("GET /metrics HTTP/1.0\n\n"));
  // A pipelined second request (or a body) may follow the first head.
  EXPECT_TRUE(RequestHeadComplete("GET / HTTP/1.1\r\n\r\nGET /"));
}

TEST(AcceptsGzipTest, Variants) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("GZIP"));
  EXPECT_TRUE(AcceptsGzip("deflate, gzip;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.0"));
  EXPECT_FALSE(AcceptsGzip("x-gzip2"));
}

std::shared_ptr<const Snapshot> Snap() {
  auto s = std::make_shared<Snapshot>();
  s->families.push_back(prometheus::MetricFamily{
      "plain", "h", prometheus::MetricType::Gauge, {{}}});
  s->collectors.push_back({"cpu", true, 0.001, ""});
  s->collectors.push_back({"bad<x>", false, 4, "timed <out>"});
  return s;
}

TEST(RouteTest, MetricsPicksEncoding) {
  RouteConfig c;
  auto r = Route({"GET", "/metrics", ""}, Snap(), c);
  EXPECT_EQ(r.status, 200);
  const std::string plain = "# HELP plain h\n# TYPE plain gauge\nplain 0\n";
  EXPECT_EQ(r.Body(), plain);
  EXPECT_EQ(r.content_type,
            "text/plain; version=0.0.4; charset=utf-8; escaping=underscores");
  r = Route({"GET", "/metrics", "gzip"}, Snap(), c);
  std::string unzipped;
  ASSERT_TRUE(GzipDecompress(r.Body(), &unzipped));
  EXPECT_EQ(unzipped, plain);
  EXPECT_EQ(r.headers[0],
            (std::pair<std::string, std::string>("Content-Encoding", "gzip")));
}

// The Accept header picks the body; each form (and its gzip) is encoded
// once per snapshot and then shared by every scrape.
TEST(RouteTest, MetricsNegotiatesFormat) {
  RouteConfig c;
  auto snap = std::make_shared<Snapshot>();
  snap->families.push_back(prometheus::MetricFamily{
      "c_total", "h", prometheus::MetricType::Counter, {{}}});
  snap->created = {{1700000000}};
  snap->openmetrics_created = true;
  const char* om = "application/openmetrics-text;version=1.0.0";
  auto r = Route({"GET", "/metrics", "", om}, snap, c);
  EXPECT_EQ(r.content_type,
            "application/openmetrics-text; version=1.0.0; charset=utf-8; "
            "escaping=underscores");
  EXPECT_EQ(r.Body(),
            "# HELP c h\n# TYPE c counter\nc_total 0.0\nc_created 1.7e+09\n"
            "# EOF\n");
  auto again = Route({"GET", "/metrics", "", om}, snap, c);
  EXPECT_EQ(again.Body().data(), r.Body().data());  // the same bytes
  auto gz = Route({"GET", "/metrics", "gzip", om}, snap, c);
  std::string unzipped;
  ASSERT_TRUE(GzipDecompress(gz.Body(), &unzipped));
  EXPECT_EQ(unzipped, r.Body());
  auto pb = Route({"GET", "/metrics", "",
                   "application/vnd.google.protobuf;proto=io.prometheus.client."
                   "MetricFamily;encoding=delimited"},
                  snap, c);
  EXPECT_EQ(pb.Body(), EncodeProtoDelimited(snap->families, snap->created,
                                            Escaping::kUnderscores));
  auto t1 = Route({"GET", "/metrics", "", "text/plain;version=1.0.0"}, snap, c);
  EXPECT_EQ(t1.content_type,
            "text/plain; version=1.0.0; charset=utf-8; escaping=underscores");
  EXPECT_EQ(t1.Body().data(), snap->Text().data());
  EXPECT_EQ(r.headers.back(), (std::pair<std::string, std::string>(
                                  "Vary", "Accept, Accept-Encoding")));
}

TEST(RouteTest, HeadHasLengthButNoBody) {
  auto snap = Snap();
  auto r = Route({"HEAD", "/metrics", ""}, snap, {});
  EXPECT_TRUE(r.head);
  const std::string length =
      "Content-Length: " + std::to_string(snap->Text().size()) + "\r\n";
  EXPECT_EQ(length, "Content-Length: 42\r\n");
  EXPECT_NE(ResponseHead(r, true).find(length), std::string::npos);
}

TEST(RouteTest, StatusCodes) {
  RouteConfig c;
  EXPECT_EQ(Route({"GET", "/nope", ""}, Snap(), c).status, 404);
  EXPECT_EQ(Route({"POST", "/nope", ""}, Snap(), c).status, 404);
  auto r = Route({"POST", "/metrics", ""}, Snap(), c);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers[0].second, "GET, HEAD");
  EXPECT_EQ(Route({"DELETE", "/", ""}, Snap(), c).status, 405);
  EXPECT_EQ(Route({"GET", "/-/healthy", ""}, nullptr, c).status, 200);
  EXPECT_EQ(Route({"GET", "/-/ready", ""}, nullptr, c).status, 503);
  EXPECT_EQ(Route({"GET", "/-/ready", ""}, Snap(), c).status, 200);
  EXPECT_EQ(Route({"GET", "/metrics", ""}, nullptr, c).status, 503);
}

TEST(RouteTest, CustomTelemetryPath) {
  RouteConfig c;
  c.telemetry_path = "/x/metrics";
  EXPECT_EQ(Route({"GET", "/metrics", ""}, Snap(), c).status, 404);
  EXPECT_EQ(Route({"GET", "/x/metrics", ""}, Snap(), c).status, 200);
}

TEST(RouteTest, RoutePrefix) {
  RouteConfig c;
  c.route_prefix = "/node";
  EXPECT_EQ(Route({"GET", "/metrics", ""}, Snap(), c).status, 404);
  EXPECT_EQ(Route({"GET", "/node/metrics", ""}, Snap(), c).status, 200);
  EXPECT_EQ(Route({"GET", "/node", ""}, Snap(), c).status, 200);
  EXPECT_EQ(Route({"GET", "/node/", ""}, Snap(), c).status, 200);
  EXPECT_EQ(Route({"GET", "/node/-/ready", ""}, Snap(), c).status, 200);
  EXPECT_EQ(Route({"GET", "/nodex/metrics", ""}, Snap(), c).status, 404);
}

TEST(RouteTest, LandingPageEscapesAndLinks) {
  RouteConfig c;
  c.version = "1.2.3";
  auto r = Route({"GET", "/", ""}, Snap(), c);
  EXPECT_EQ(r.status, 200);
  std::string body(r.Body());
  EXPECT_NE(body.find("href=\"./metrics\""), std::string::npos);
  EXPECT_NE(body.find("1.2.3"), std::string::npos);
  EXPECT_NE(body.find("bad&lt;x&gt;"), std::string::npos);
  EXPECT_EQ(body.find("<out>"), std::string::npos);
}

TEST(ResponseHeadTest, Format) {
  Response r;
  r.status = 404;
  r.content_type = "text/plain";
  r.owned = "abc";
  EXPECT_EQ(ResponseHead(r, false),
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
            "Content-Length: 3\r\nConnection: close\r\n\r\n");
}

}  // namespace
}  // namespace host_exporter::http
