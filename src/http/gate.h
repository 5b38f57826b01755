// The connection gate: one epoll thread that holds every connection while
// it has no complete request yet, so that CivetWeb's worker threads only
// ever get a connection they can answer at once.
//
// CivetWeb 1.15 hands each accepted socket to a worker thread, which then
// blocks reading the request (up to request_timeout_ms) and, between two
// keep-alive requests, waiting for the next one (keep_alive_timeout_ms). A
// few hundred clients that connect and send nothing (or a byte now and then)
// thus held every worker and a scrape waited in the queue for 15 s. Our
// patch of CivetWeb (subprojects/civetweb/host_exporter.patch) gives each
// accepted socket, and each keep-alive socket between two requests, to the gate
// instead; the gate reads until the request head is complete ("\r\n\r\n"),
// doing the TLS handshake itself (non-blocking) on a TLS port, then queues
// the socket for a worker together with the bytes it read. The worker writes
// its answer without waiting (mg_write_or_hand_off); what the client does not
// take at once comes back here with the connection and the gate writes it.
// What a silent or slow client costs is one fd and a few hundred bytes here
// (plus a reference to the snapshot it is being sent), never a worker.
//
// Bounds: a connection gets request_timeout_ms from its accept (not from
// its last byte: a client sending a byte a second gains nothing) to deliver
// its head, as long to take the rest of an answer, and keep_alive_timeout_ms
// between two requests; a head is at
// most max_request_size bytes (then CivetWeb answers 413); at most
// max_connections wait at once, beyond which the one that has waited
// longest is closed (a scrape is a new connection: it is never the oldest).
#ifndef HOST_EXPORTER_HTTP_GATE_H_
#define HOST_EXPORTER_HTTP_GATE_H_

#include <openssl/ssl.h>

#include <atomic>
#include <cstddef>
#include <memory>
#include <string_view>

struct mg_context;
struct mg_parked_socket;

namespace host_exporter::http {

struct GateOptions {
  int head_timeout_ms = 5000;  ///< a request head must be complete by then
  int keep_alive_timeout_ms = 310000;  ///< an idle kept-alive connection closes
  size_t max_head = 8192;              ///< bytes of a request head, at most
  size_t max_connections = 2048;       ///< connections the gate holds at once
};

/// Whether `data` holds a complete request head (ends with an empty line),
/// as CivetWeb's get_http_header_len() sees it: "\r\n\r\n" or "\n\n".
bool RequestHeadComplete(std::string_view data);

class Gate {
 public:
  explicit Gate(const GateOptions& options);
  ~Gate();  // Stop()
  Gate(const Gate&) = delete;
  Gate& operator=(const Gate&) = delete;

  /// Starts the thread; false with *error if epoll or the thread fails.
  bool Start(std::string* error);
  /// The TLS context for handshakes (set from CivetWeb's init_ssl callback,
  /// before any connection arrives); null for plain HTTP.
  void SetSslContext(SSL_CTX* ctx);
  /// CivetWeb's park_socket callback: takes `ps` (true) unless stopped.
  bool Park(mg_context* ctx, mg_parked_socket* ps);
  /// Joins the thread and closes every waiting connection. Call before
  /// mg_stop(): the thread queues sockets into CivetWeb's context.
  void Stop();
  /// Connections waiting now (for tests and metrics).
  size_t Waiting() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace host_exporter::http

#endif  // HOST_EXPORTER_HTTP_GATE_H_
