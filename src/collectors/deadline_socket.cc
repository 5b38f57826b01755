#include "collectors/deadline_socket.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "host_exporter/collector.h"
#include "parse/duration.h"

namespace host_exporter {
namespace collectors::deadline_socket {
namespace {

// Connects `fd` (non-blocking) to `addr`; 0 or the errno, waiting on
// `wait` for a connection in progress.
template <typename WaitFn>
int ConnectFd(int fd, const sockaddr* addr, socklen_t len, WaitFn wait) {
  if (::connect(fd, addr, len) == 0) return 0;
  if (errno != EINPROGRESS) return errno;
  wait();
  int error = 0;
  socklen_t n = sizeof error;
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &n) != 0) return errno;
  return error;
}

}  // namespace
}  // namespace collectors::deadline_socket

using collectors::deadline_socket::ConnectFd;

std::chrono::nanoseconds WaitBudget(const CollectorOptions& options,
                                    std::chrono::nanoseconds cap) {
  auto timeout = parse::ParseDuration(options.Get(kCollectorTimeoutKey));
  if (!timeout.ok() || timeout.value.count() <= 0) return cap;
  return std::min(timeout.value, cap);
}

DeadlineSocket::~DeadlineSocket() {
  if (fd_ >= 0) ::close(fd_);
}

void DeadlineSocket::Fail(const std::string& what, int error) {
  throw CollectError(peer_ + ": " + what + ": " + std::strerror(error));
}

void DeadlineSocket::Wait(short events, const char* what) {
  while (true) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline_ - Clock::now());
    if (left.count() <= 0) {
      throw CollectError(peer_ + ": " + what + ": timed out");
    }
    pollfd p{fd_, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n > 0) return;
    if (n < 0 && errno != EINTR) Fail(what, errno);
  }
}

void DeadlineSocket::ConnectInet(const std::string& host,
                                 const std::string& port, int type, int ttl) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = type;
  addrinfo* list = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &list)) {
    throw CollectError(peer_ + ": " + ::gai_strerror(rc));
  }
  int error = EADDRNOTAVAIL;
  for (const addrinfo* a = list; a != nullptr; a = a->ai_next) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                   a->ai_protocol);
    if (fd_ < 0) {
      error = errno;
      continue;
    }
    if (ttl > 0) {
      const bool v6 = a->ai_family == AF_INET6;
      if (::setsockopt(fd_, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
                       v6 ? IPV6_UNICAST_HOPS : IP_TTL, &ttl,
                       sizeof ttl) != 0) {
        error = errno;
        continue;
      }
    }
    error = ConnectFd(fd_, a->ai_addr, a->ai_addrlen,
                      [this] { Wait(POLLOUT, "connect"); });
    if (error == 0) break;
  }
  ::freeaddrinfo(list);
  if (error != 0) Fail("connect", error);
}

void DeadlineSocket::ConnectUnix(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    throw CollectError(peer_ + ": socket path too long");
  }
  std::memcpy(addr.sun_path, path.data(), path.size());
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) Fail("socket", errno);
  const int error =
      ConnectFd(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr,
                [this] { Wait(POLLOUT, "connect"); });
  if (error != 0) Fail("connect", error);
}

void DeadlineSocket::Send(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      Wait(POLLOUT, "send");
    } else if (errno != EINTR) {
      Fail("send", errno);
    }
  }
}

std::string DeadlineSocket::ReceiveDatagram() {
  std::string buf(65536, '\0');
  while (true) {
    Wait(POLLIN, "no reply");
    const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n >= 0) {
      buf.resize(static_cast<size_t>(n));
      return buf;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      Fail("receive", errno);
    }
  }
}

std::string DeadlineSocket::ReceiveAll(size_t limit) {
  std::string out;
  char buf[16384];
  while (true) {
    Wait(POLLIN, "receive");
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n == 0) return out;
    if (n > 0) {
      if (out.size() + static_cast<size_t>(n) > limit) {
        throw CollectError(peer_ + ": answer larger than " +
                           std::to_string(limit) + " bytes");
      }
      out.append(buf, static_cast<size_t>(n));
    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      Fail("receive", errno);
    }
  }
}

}  // namespace host_exporter
