// Fuzzes the HTTP request handling of src/http/request.h: Route (with a
// route prefix and telemetry path), AcceptsGzip and ResponseHead, over a
// small fixed snapshot.
//
// Input: a flags byte (bit 0: a snapshot exists; bit 1: keep-alive), then
// newline-separated fields: method, path, Accept-Encoding, route prefix,
// telemetry path. The prefix and telemetry path are normalised as
// ResolveConfig() would accept them.
//
// Checks: only 200/404/405/503; 200 only for GET and HEAD; nothing outside
// the route prefix is served; the metrics body is the snapshot's plain or
// gzip text as AcceptsGzip() says, with a matching Content-Encoding; the
// response head is well-formed (one blank line at the end, CRLF only, a
// Content-Length equal to the body); the landing page gets no markup
// characters from the request (same count of < > " ' as when they are
// replaced by letters).
#include <algorithm>
#include <string>

#include "fuzz_util.h"
#include "host_exporter/family.h"
#include "host_exporter/snapshot.h"
#include "http/request.h"

namespace hf = host_exporter::fuzz;
namespace hh = host_exporter::http;
namespace he = host_exporter;

namespace {

std::shared_ptr<const he::Snapshot> FixedSnapshot() {
  std::vector<he::CollectorResult> results;
  he::CollectorResult ok;
  ok.status = {"cpu", true, 0.001, ""};
  ok.families.push_back(
      he::Gauge("node_load1", "1m load average.").Add(0.5).Take());
  ok.families.push_back(he::Counter("node_cpu_seconds_total",
                                    "Seconds the CPUs spent in each mode.")
                            .Add({{"cpu", "0"}, {"mode", "idle"}}, 12345.5)
                            .Add({{"cpu", "0"}, {"mode", "user<script>"}}, 1)
                            .Take());
  results.push_back(std::move(ok));
  he::CollectorResult bad;
  bad.status = {"bad<x>", false, 4, "timed \"out\" <b>"};
  results.push_back(std::move(bad));
  std::vector<std::string> warnings;
  return he::BuildSnapshot(std::move(results), {}, {}, 1700000000, 7,
                           &warnings);
}

size_t Markup(std::string_view s) {
  return std::count_if(s.begin(), s.end(), [](char c) {
    return c == '<' || c == '>' || c == '"' || c == '\'';
  });
}

std::string Defang(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '<' || c == '>' || c == '"' || c == '\'') c = 'q';
  }
  return out;
}

void CheckHead(const hh::Response& r, bool keep_alive) {
  const std::string h = hh::ResponseHead(r, keep_alive);
  const std::string status_line = "HTTP/1.1 " + std::to_string(r.status) + " ";
  FUZZ_CHECK(h.rfind(status_line, 0) == 0);
  FUZZ_CHECK(h.size() >= 4 && h.find("\r\n\r\n") == h.size() - 4);
  for (size_t i = 0; i < h.size(); ++i) {
    if (h[i] == '\n') FUZZ_CHECK(i > 0 && h[i - 1] == '\r');
    if (h[i] == '\r') FUZZ_CHECK(i + 1 < h.size() && h[i + 1] == '\n');
  }
  FUZZ_CHECK(h.find("\r\nContent-Length: " + std::to_string(r.Body().size()) +
                    "\r\n") != std::string::npos);
  FUZZ_CHECK(h.find(keep_alive ? "Connection: keep-alive"
                               : "Connection: close") != std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::shared_ptr<const he::Snapshot> kSnapshot = FixedSnapshot();
  std::string_view in = hf::AsText(data, size);
  const uint8_t flags = hf::TakeByte(&in);
  const bool have_snapshot = flags & 1, keep_alive = flags & 2;
  hh::Request req;
  req.method = hf::TakeLine(&in);
  req.path = hf::TakeLine(&in);
  req.accept_encoding = hf::TakeLine(&in);
  hh::RouteConfig config;
  config.version = "0.1.0";
  std::string prefix(hf::TakeLine(&in));
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  if (!prefix.empty() && prefix[0] != '/') prefix.insert(0, "/");
  config.route_prefix = prefix;
  const std::string_view telemetry = hf::TakeLine(&in);
  if (telemetry.size() > 1 && telemetry[0] == '/')
    config.telemetry_path = telemetry;

  const auto snapshot = have_snapshot ? kSnapshot : nullptr;
  const hh::Response r = hh::Route(req, snapshot, config);
  const bool get_or_head = req.method == "GET" || req.method == "HEAD";

  FUZZ_CHECK(r.status == 200 || r.status == 404 || r.status == 405 ||
             r.status == 503);
  if (r.status == 200 || r.status == 503) FUZZ_CHECK(get_or_head);
  if (r.status == 503) FUZZ_CHECK(!have_snapshot);
  FUZZ_CHECK(r.head == (req.method == "HEAD"));
  if (!prefix.empty() && req.path.substr(0, prefix.size()) != prefix) {
    FUZZ_CHECK(r.status == 404);
  }
  if (r.snapshot) {
    FUZZ_CHECK(r.status == 200 && r.snapshot == kSnapshot);
    const bool gzip = hh::AcceptsGzip(req.accept_encoding);
    FUZZ_CHECK(r.Body() == (gzip ? kSnapshot->TextGzip() : kSnapshot->text));
    const bool has_ce =
        std::find(r.headers.begin(), r.headers.end(),
                  std::pair<std::string, std::string>(
                      "Content-Encoding", "gzip")) != r.headers.end();
    FUZZ_CHECK(has_ce == gzip);
    FUZZ_CHECK(hf::IsValidUtf8(kSnapshot->text));
  } else {
    FUZZ_CHECK(r.snapshot_body.empty());
  }
  CheckHead(r, keep_alive);

  // The landing page: request-controlled text adds no markup.
  if (r.content_type.rfind("text/html", 0) == 0) {
    const std::string path = Defang(req.path);
    hh::RouteConfig defanged = config;
    defanged.route_prefix = Defang(config.route_prefix);
    defanged.telemetry_path = Defang(config.telemetry_path);
    hh::Request req2 = req;
    req2.path = path;
    const hh::Response r2 = hh::Route(req2, snapshot, defanged);
    FUZZ_CHECK(r2.content_type == r.content_type);
    FUZZ_CHECK(Markup(r.Body()) == Markup(r2.Body()));
  }
  return 0;
}
