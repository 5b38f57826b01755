// The landing page ("/"): host name, version, uptime, live charts of CPU,
// memory, disk and network, and the collector table. The HTML, CSS and JS
// live in landing.html, embedded at build time; the charts poll the
// telemetry path (a relative URL, so a route prefix or a reverse proxy
// works) and parse the text format in the browser. No external resources.
#ifndef HOST_EXPORTER_HTTP_LANDING_H_
#define HOST_EXPORTER_HTTP_LANDING_H_

#include <string>
#include <string_view>

#include "host_exporter/snapshot.h"
#include "http/request.h"

namespace host_exporter::http {

/// The path of `target` (an absolute path of this server such as "/metrics"
/// or "/-/healthy") relative to the page at `request_path` (as requested,
/// with any route prefix), e.g. ("/", "/metrics") -> "./metrics",
/// ("/node", "/metrics") -> "./node/metrics".
std::string RelativeLink(std::string_view request_path,
                         std::string_view target);

/// Renders the landing page. `snapshot` may be null (no cycle finished yet);
/// `request_path` is the path as requested, for relative links.
std::string RenderLandingPage(const RouteConfig& config,
                              const Snapshot* snapshot,
                              std::string_view request_path);

}  // namespace host_exporter::http

#endif  // HOST_EXPORTER_HTTP_LANDING_H_
