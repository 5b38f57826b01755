// A socket whose every wait ends at one deadline, for the collectors that
// ask another daemon (ntp over UDP, supervisord over TCP or a Unix socket):
// a silent or slow peer costs at most the time left, never the collector's
// worker. Errors are CollectErrors naming the peer.
#ifndef HOST_EXPORTER_COLLECTORS_DEADLINE_SOCKET_H_
#define HOST_EXPORTER_COLLECTORS_DEADLINE_SOCKET_H_

#include <chrono>
#include <string>
#include <string_view>

#include "host_exporter/collector.h"

namespace host_exporter {

/// How long a collector may wait for a daemon: the scheduler's deadline
/// (--collector.timeout, kCollectorTimeoutKey in its options), at most
/// `cap`; `cap` when the options do not say.
std::chrono::nanoseconds WaitBudget(const CollectorOptions& options,
                                    std::chrono::nanoseconds cap);

class DeadlineSocket {
 public:
  using Clock = std::chrono::steady_clock;

  /// `peer` names the other side in errors ("127.0.0.1:123").
  DeadlineSocket(Clock::time_point deadline, std::string peer)
      : deadline_(deadline), peer_(std::move(peer)) {}
  ~DeadlineSocket();
  DeadlineSocket(const DeadlineSocket&) = delete;
  DeadlineSocket& operator=(const DeadlineSocket&) = delete;

  /// Connects to `host` (a name or an address) and `port`, trying each
  /// address getaddrinfo(3) gives; `type` SOCK_DGRAM or SOCK_STREAM. With
  /// `ttl` > 0, outgoing packets get it as their IP TTL (IPv6: hop limit).
  void ConnectInet(const std::string& host, const std::string& port, int type,
                   int ttl = 0);
  /// Connects a stream socket to the Unix socket at `path`.
  void ConnectUnix(const std::string& path);

  /// Sends all of `data`.
  void Send(std::string_view data);
  /// One datagram (at most 64 KiB).
  std::string ReceiveDatagram();
  /// Everything until the peer closes, at most `limit` bytes.
  std::string ReceiveAll(size_t limit);

 private:
  // Waits for `events` on the socket until the deadline; throws on timeout.
  void Wait(short events, const char* what);
  [[noreturn]] void Fail(const std::string& what, int error);

  Clock::time_point deadline_;
  std::string peer_;
  int fd_ = -1;
};

}  // namespace host_exporter

#endif  // HOST_EXPORTER_COLLECTORS_DEADLINE_SOCKET_H_
