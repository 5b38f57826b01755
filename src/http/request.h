// Request routing, independent of CivetWeb so it can be unit-tested and
// fuzzed: a parsed request and the current snapshot in, a response out.
#ifndef HOST_EXPORTER_HTTP_REQUEST_H_
#define HOST_EXPORTER_HTTP_REQUEST_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host_exporter/snapshot.h"

namespace host_exporter::http {

/// What routing needs from a request.
struct Request {
  std::string_view method;
  std::string_view path;             ///< decoded path, no query string
  std::string_view accept_encoding;  ///< "" if absent
  std::string_view accept;           ///< the Accept header, "" if absent
};

/// Server-wide routing settings.
struct RouteConfig {
  std::string telemetry_path = "/metrics";
  /// Prefix under which every path is served (behind a reverse proxy that
  /// does not strip it), e.g. "/node"; "" for none.
  std::string route_prefix;
  std::string version;
};

/// A response. The body is either a view into the snapshot (kept alive by
/// `snapshot`) or the response's own string.
struct Response {
  int status = 200;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string owned;               ///< the body when `snapshot` is null
  std::string_view snapshot_body;  ///< the body when `snapshot` is set
  bool head = false;  ///< HEAD: send headers (with Content-Length) only
  std::shared_ptr<const Snapshot> snapshot;

  /// The bytes to send (for HEAD, only their length is sent).
  std::string_view Body() const {
    return snapshot ? snapshot_body : std::string_view(owned);
  }
};

/// True if an Accept-Encoding value allows gzip (q > 0), e.g. "gzip",
/// "deflate, gzip;q=0.5", "*"; false for "gzip;q=0", "identity", "".
bool AcceptsGzip(std::string_view accept_encoding);

/// Routes a request: telemetry path (GET/HEAD; the format negotiated from
/// Accept, see negotiate.h, gzipped if Accept-Encoding allows), "/",
/// "/-/healthy",
/// "/-/ready"; 404 for other paths, 405 for other methods.
Response Route(const Request& req, std::shared_ptr<const Snapshot> snapshot,
               const RouteConfig& config);

/// The status line and headers of `r` for HTTP/1.1, ending with the blank
/// line. `keep_alive` picks the Connection header.
std::string ResponseHead(const Response& r, bool keep_alive);

}  // namespace host_exporter::http

#endif  // HOST_EXPORTER_HTTP_REQUEST_H_
