#include "http/request.h"

#include <cctype>

#include "host_exporter/encoder.h"
#include "http/landing.h"
#include "http/negotiate.h"
#include "parse/parse_util.h"

namespace host_exporter::http {
namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

Response Text(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.owned = std::move(body);
  return r;
}

}  // namespace

bool AcceptsGzip(std::string_view header) {
  for (std::string_view item : parse::Split(header, ',')) {
    auto parts = parse::Split(item, ';');
    std::string_view coding = parse::Trim(parts[0]);
    if (!IEquals(coding, "gzip") && coding != "*") continue;
    double q = 1;
    for (size_t i = 1; i < parts.size(); ++i) {
      std::string_view p = parse::Trim(parts[i]);
      if (p.size() > 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
        auto v = parse::ParseDouble(parse::Trim(p.substr(2)));
        q = v ? *v : 0;
      }
    }
    return q > 0;
  }
  return false;
}

Response Route(const Request& req, std::shared_ptr<const Snapshot> snapshot,
               const RouteConfig& config) {
  const bool get = req.method == "GET";
  const bool head = req.method == "HEAD";
  std::string_view path = req.path;
  if (!config.route_prefix.empty()) {
    std::string_view prefix = config.route_prefix;
    if (path.substr(0, prefix.size()) != prefix) {
      path = {};  // outside the prefix: not ours
    } else {
      path.remove_prefix(prefix.size());
      if (path.empty()) path = "/";
    }
  }
  const bool known = path == config.telemetry_path || path == "/" ||
                     path == "/-/healthy" || path == "/-/ready";
  Response r;
  if (!known) {
    r = Text(404, "404 page not found\n");
  } else if (!get && !head) {
    r = Text(405, "405 method not allowed\n");
    r.headers.emplace_back("Allow", "GET, HEAD");
  } else if (path == config.telemetry_path) {
    if (!snapshot) {
      r = Text(503, "no collection has finished yet\n");
      r.headers.emplace_back("Retry-After", "1");
    } else {
      const Negotiated n = Negotiate(req.accept);
      r.content_type = n.ContentType();
      const bool gzip = AcceptsGzip(req.accept_encoding);
      r.snapshot_body = snapshot->Encoded(n.encoding(), n.escaping, gzip);
      if (gzip) r.headers.emplace_back("Content-Encoding", "gzip");
      r.headers.emplace_back("Vary", "Accept, Accept-Encoding");
      r.snapshot = std::move(snapshot);
    }
  } else if (path == "/-/healthy") {
    r = Text(200, "Healthy.\n");
  } else if (path == "/-/ready") {
    r = snapshot ? Text(200, "Ready.\n")
                 : Text(503, "Not ready: no collection has finished yet.\n");
  } else {
    r.content_type = "text/html; charset=utf-8";
    r.owned = RenderLandingPage(config, snapshot.get(), req.path);
  }
  r.head = head;
  return r;
}

std::string ResponseHead(const Response& r, bool keep_alive) {
  std::string h;
  h.reserve(256);
  h.append("HTTP/1.1 ").append(std::to_string(r.status)).push_back(' ');
  h.append(Reason(r.status)).append("\r\n");
  h.append("Content-Type: ").append(r.content_type).append("\r\n");
  h.append("Content-Length: ")
      .append(std::to_string(r.Body().size()))
      .append("\r\n");
  for (const auto& [k, v] : r.headers)
    h.append(k).append(": ").append(v).append("\r\n");
  h.append(keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
  h.append("\r\n");
  return h;
}

}  // namespace host_exporter::http
