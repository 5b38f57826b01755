// The HTTP server: CivetWeb used directly (not prometheus-cpp's Exposer),
// serving the current snapshot's ready bytes.
#ifndef HOST_EXPORTER_HTTP_SERVER_H_
#define HOST_EXPORTER_HTTP_SERVER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host_exporter/log.h"
#include "host_exporter/snapshot.h"

namespace host_exporter {

/// Server settings.
struct HttpOptions {
  std::vector<std::string> listen_addresses{":9100"};
  std::string telemetry_path = "/metrics";
  std::string route_prefix;
  std::string version;
  /// Worker threads. A worker only gets a connection once its request head
  /// is complete (http/gate.h), so this bounds requests answered at once,
  /// not connections.
  int threads = 8;
  /// Connections waiting for their request (or between two keep-alive
  /// requests) at once; beyond it the one waiting longest is closed.
  int max_waiting_connections = 2048;
  int request_timeout_ms = 5000;
  /// An idle kept-alive connection's wait for its next request. Longer than
  /// Prometheus keeps an idle connection to a target (5 min), so that its
  /// scrapes, at any interval up to 5 min, reuse one connection (and, on
  /// TLS, one handshake), as with node_exporter's Go server, which sets no
  /// idle timeout. Waiting costs a socket in the gate, within
  /// max_waiting_connections.
  int keep_alive_timeout_ms = 310000;
  int max_request_size = 8192;
  /// Requests served at once; beyond it, 503 at once (node_exporter's
  /// --web.max-requests). 0 = no limit.
  int max_requests = 40;
  /// Listening sockets inherited from systemd (--web.systemd-socket,
  /// LISTEN_FDS): served instead of listen_addresses; this server owns them.
  std::vector<int> inherited_fds;
  /// exporter-toolkit web config (TLS, basic auth, headers); "" = none.
  std::string web_config_file;
  /// Called with the arrival time of each /metrics request served (the
  /// scheduler learns the scrapers' cadence from them); {} = none.
  std::function<void(std::chrono::steady_clock::time_point)> on_scrape;
};

/// Translates a Go-style listen address (":9100", "0.0.0.0:9100",
/// "[::1]:9100", "[127.0.0.1]:9100", "localhost:9100") to CivetWeb's
/// listening_ports syntax
/// ("+9100" = IPv4 and IPv6). Returns false with *error for a bad address.
bool ToCivetwebPorts(const std::string& address, std::string* out,
                     std::string* error);

/// Serves /metrics, /, /-/healthy and /-/ready from `store`.
class HttpServer {
 public:
  HttpServer(const HttpOptions& options, SnapshotStore* store, Logger* log);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds every address and starts serving. On failure (port in use, bad
  /// address) returns false with *error naming the address.
  bool Start(std::string* error);
  /// Stops accepting, lets in-flight requests finish, joins the threads.
  void Stop();
  /// Re-reads the web config file (SIGHUP): new users and headers apply to
  /// the next request, new certificates to the next handshake. A bad file,
  /// or switching TLS on or off (needs a restart), keeps the running one.
  bool ReloadWebConfig(std::string* error);
  /// "host:port" of every bound socket (ports resolved when 0 was asked).
  std::vector<std::string> BoundAddresses() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace host_exporter

#endif  // HOST_EXPORTER_HTTP_SERVER_H_
