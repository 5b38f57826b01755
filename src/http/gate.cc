#include "http/gate.h"

#include <civetweb.h>
#include <malloc.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/openssl_api.h"

namespace host_exporter::http {
namespace {

// OpenSSL, loaded by LoadWebConfig() before a TLS context exists: only
// connections on a TLS port (ssl_ctx set, ps->is_ssl) get here.
const OpenSslApi& Tls() { return *OpenSsl(); }

// After an SSL_accept/read/write that returned r (not success): true if it
// only has to wait for the socket (retry later), false for an error or a
// close. Clears OpenSSL's error queue either way.
bool SslWouldBlock(SSL* ssl, int r) {
  int err = Tls().SSL_get_error(ssl, r);
  Tls().ERR_clear_error();
  return err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE;
}

}  // namespace

bool RequestHeadComplete(std::string_view data) {
  return data.find("\r\n\r\n") != std::string_view::npos ||
         data.find("\n\n") != std::string_view::npos;
}

using Clock = std::chrono::steady_clock;

// One waiting connection.
struct GateConn {
  mg_parked_socket* ps = nullptr;
  uint64_t id = 0;     // its key in the epoll set (never reused)
  SSL* ssl = nullptr;  // TLS: created at its first readable byte
  bool handshaken = false;
  bool idle = false;     // kept alive: no byte of the next request yet
  bool writing = false;  // the rest of an answer to write first
  size_t head_off = 0;   // of it, bytes of ps->out_head written
  std::string buf;       // bytes of the request head read so far
  Clock::time_point deadline;
};

struct Gate::Impl {
  GateOptions options;
  SSL_CTX* ssl_ctx = nullptr;
  int epfd = -1;
  int evfd = -1;
  std::thread thread;

  std::mutex mu;  // guards the three below
  bool running = false;
  bool stopping = false;
  std::vector<std::pair<mg_context*, mg_parked_socket*>> inbox;

  // Owned by the thread: waiting connections, the one parked first in front.
  mg_context* ctx = nullptr;
  std::list<GateConn> conns;
  std::unordered_map<uint64_t, std::list<GateConn>::iterator> by_id;
  uint64_t last_id = 0;
  std::atomic<size_t> waiting{0};
  Clock::time_point next_deadline = Clock::time_point::max();
  size_t peak = 0;  // most connections waiting since the gate was last empty

  void Run();
  void Add(mg_parked_socket* ps);
  // Reads what is there; false when the connection is done with here
  // (queued for a worker, or closed).
  bool Progress(std::list<GateConn>::iterator it);
  // TLS: whether the socket holds a whole first record (the ClientHello).
  enum class Readiness { kWait, kReady, kClosed };
  Readiness ClientHelloReady(int fd);
  // Writes the rest of an answer: kReady when all is written.
  Readiness WriteOut(GateConn& c);
  std::vector<char> peek;  // ClientHelloReady's buffer
  void Close(std::list<GateConn>::iterator it);
  // What Progress() returns when a step is not kReady: true to wait for
  // the socket (kWait), false once the connection is closed (kClosed, which
  // closes it); nullopt to go on (kReady).
  std::optional<bool> Unless(Readiness r, std::list<GateConn>::iterator it);
  void Resume(std::list<GateConn>::iterator it);
  void Expire(Clock::time_point now);
};

Gate::Gate(const GateOptions& options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
}

Gate::~Gate() { Stop(); }

bool Gate::Start(std::string* error) {
  impl_->epfd = epoll_create1(EPOLL_CLOEXEC);
  impl_->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (impl_->epfd < 0 || impl_->evfd < 0) {
    *error = std::string("connection gate: ") + std::strerror(errno);
    return false;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = 0;  // the eventfd
  epoll_ctl(impl_->epfd, EPOLL_CTL_ADD, impl_->evfd, &ev);
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->running = true;
  }
  impl_->thread = std::thread([this] { impl_->Run(); });
  return true;
}

void Gate::SetSslContext(SSL_CTX* ctx) { impl_->ssl_ctx = ctx; }

bool Gate::Park(mg_context* ctx, mg_parked_socket* ps) {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (!impl_->running || impl_->stopping) return false;
    impl_->inbox.emplace_back(ctx, ps);
  }
  uint64_t one = 1;
  (void)!write(impl_->evfd, &one, sizeof one);
  return true;
}

void Gate::Stop() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (!impl_->running) return;
    impl_->stopping = true;
  }
  uint64_t one = 1;
  (void)!write(impl_->evfd, &one, sizeof one);
  impl_->thread.join();
  for (auto it = impl_->conns.begin(); it != impl_->conns.end();) {
    auto next = std::next(it);
    impl_->Close(it);
    it = next;
  }
  for (auto& [ctx, ps] : impl_->inbox) mg_close_parked_socket(ps);
  impl_->inbox.clear();
  close(impl_->epfd);
  close(impl_->evfd);
  impl_->epfd = impl_->evfd = -1;
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->running = false;
}

size_t Gate::Waiting() const { return impl_->waiting.load(); }

void Gate::Impl::Run() {
  pthread_setname_np(pthread_self(), "http-gate");
  epoll_event events[64];
  for (;;) {
    int timeout = -1;
    if (next_deadline != Clock::time_point::max()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                      next_deadline - Clock::now())
                      .count();
      timeout = left < 0 ? 0 : static_cast<int>(left) + 1;
    }
    int n = epoll_wait(epfd, events, 64, timeout);
    for (int i = 0; i < n; ++i) {
      if (events[i].data.u64 == 0) {
        uint64_t v;
        (void)!read(evfd, &v, sizeof v);
        std::vector<std::pair<mg_context*, mg_parked_socket*>> in;
        {
          std::lock_guard<std::mutex> lock(mu);
          if (stopping) return;
          in.swap(inbox);
        }
        for (auto& [c, ps] : in) {
          ctx = c;
          Add(ps);
        }
        continue;
      }
      // By id, not pointer: a connection closed earlier in this batch
      // (evicted, expired) may still have an event in it.
      auto found = by_id.find(events[i].data.u64);
      if (found != by_id.end()) Progress(found->second);
    }
    Expire(Clock::now());
    if (conns.empty() && peak >= 64) {
      // After a crowd (an attack) is gone, give its memory back: glibc
      // keeps freed chunks in this thread's arena otherwise.
      malloc_trim(0);
      peak = 0;
    }
  }
}

void Gate::Impl::Add(mg_parked_socket* ps) {
  if (conns.size() >= options.max_connections) Close(conns.begin());
  GateConn c;
  c.ps = ps;
  c.id = ++last_id;
  c.idle = ps->idle != 0;
  c.ssl = static_cast<SSL*>(ps->ssl);
  c.handshaken = c.ssl != nullptr;
  ps->ssl = nullptr;
  if (ps->data != nullptr) {
    c.buf.assign(ps->data, static_cast<size_t>(ps->data_len));
    std::free(ps->data);
    ps->data = nullptr;
    ps->data_len = 0;
    c.idle = false;  // part of the next request is there
  }
  // A worker's answer the client did not take at once: the gate writes the
  // rest (the same deadline as for a request head), so that a client that
  // reads slowly or not at all does not hold the worker either.
  c.writing = ps->out_head_len > 0 || ps->out_body_len > 0;
  if (c.writing) c.idle = false;
  c.deadline = Clock::now() +
               std::chrono::milliseconds(c.idle ? options.keep_alive_timeout_ms
                                                : options.head_timeout_ms);
  if (c.deadline < next_deadline) next_deadline = c.deadline;
  conns.push_back(std::move(c));
  auto it = std::prev(conns.end());
  by_id.emplace(it->id, it);
  waiting.store(conns.size());
  peak = std::max(peak, conns.size());
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u64 = it->id;
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, ps->fd, &ev) != 0) {
    Close(it);
    return;
  }
  // Edge-triggered: read what is already there (a pipelined request, or
  // one decrypted into OpenSSL's buffer) now.
  Progress(it);
}

Gate::Impl::Readiness Gate::Impl::ClientHelloReady(int fd) {
  unsigned char header[5];
  ssize_t n = recv(fd, header, sizeof header, MSG_PEEK);
  if (n == 0) return Readiness::kClosed;
  if (n < 0) {
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
               ? Readiness::kWait
               : Readiness::kClosed;
  }
  if (header[0] != 0x16) return Readiness::kReady;  // OpenSSL refuses it
  if (n < 5) return Readiness::kWait;
  const size_t record = 5 + (size_t{header[3]} << 8 | header[4]);
  if (record > 5 + 16384 + 2048) return Readiness::kReady;  // refused too
  peek.resize(record);
  n = recv(fd, peek.data(), record, MSG_PEEK);
  if (n == 0) return Readiness::kClosed;
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
    return Readiness::kClosed;
  }
  return n == static_cast<ssize_t>(record) ? Readiness::kReady
                                           : Readiness::kWait;
}

Gate::Impl::Readiness Gate::Impl::WriteOut(GateConn& c) {
  mg_parked_socket* ps = c.ps;
  for (;;) {
    const char* p;
    size_t len;
    if (c.head_off < ps->out_head_len) {
      p = ps->out_head + c.head_off;
      len = ps->out_head_len - c.head_off;
    } else if (ps->out_body_len > 0) {
      p = ps->out_body;
      len = ps->out_body_len;
    } else {
      return Readiness::kReady;
    }
    len = std::min<size_t>(len, 1 << 30);
    ssize_t n;
    if (c.ssl != nullptr) {
      // A retry after WANT_WRITE passes the same bytes (OpenSSL requires
      // it; SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER lets them be our copy).
      Tls().ERR_clear_error();
      int r = Tls().SSL_write(c.ssl, p, static_cast<int>(len));
      if (r <= 0)
        return SslWouldBlock(c.ssl, r) ? Readiness::kWait : Readiness::kClosed;
      n = r;
    } else {
      n = send(ps->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        return errno == EAGAIN || errno == EWOULDBLOCK ? Readiness::kWait
                                                       : Readiness::kClosed;
      }
    }
    if (c.head_off < ps->out_head_len) {
      c.head_off += static_cast<size_t>(n);
    } else {
      ps->out_body += n;
      ps->out_body_len -= static_cast<size_t>(n);
    }
  }
}

std::optional<bool> Gate::Impl::Unless(Readiness r,
                                       std::list<GateConn>::iterator it) {
  switch (r) {
    case Readiness::kWait:
      return true;
    case Readiness::kClosed:
      Close(it);
      return false;
    case Readiness::kReady:
      break;
  }
  return std::nullopt;
}

bool Gate::Impl::Progress(std::list<GateConn>::iterator it) {
  GateConn& c = *it;
  const int fd = c.ps->fd;
  if (c.writing) {
    if (auto done = Unless(WriteOut(c), it)) return *done;
    c.writing = false;
    mg_parked_socket* ps = c.ps;
    std::free(ps->out_head);
    ps->out_head = nullptr;
    ps->out_head_len = 0;
    if (ps->out_release != nullptr) ps->out_release(ps->out_owner);
    ps->out_release = nullptr;
    ps->out_owner = nullptr;
    if (ps->close_after) {
      if (c.ssl != nullptr) Tls().SSL_shutdown(c.ssl);  // close_notify, no wait
      shutdown(fd, SHUT_WR);
      Close(it);
      return false;
    }
    // Kept alive: now waiting for the next request.
    c.idle = c.buf.empty();
    c.deadline = Clock::now() + std::chrono::milliseconds(
                                    c.idle ? options.keep_alive_timeout_ms
                                           : options.head_timeout_ms);
    if (c.deadline < next_deadline) next_deadline = c.deadline;
  }
  if (c.ps->is_ssl && !c.handshaken) {
    if (c.ssl == nullptr) {
      // No TLS state (tens of KB) before a whole ClientHello record is in
      // the socket: until then a client costs its fd and kernel buffer.
      if (auto done = Unless(ClientHelloReady(fd), it)) return *done;
      if (ssl_ctx == nullptr || (c.ssl = Tls().SSL_new(ssl_ctx)) == nullptr ||
          Tls().SSL_set_fd(c.ssl, fd) != 1) {
        Tls().ERR_clear_error();
        Close(it);
        return false;
      }
    }
    Tls().ERR_clear_error();
    int r = Tls().SSL_accept(c.ssl);
    if (r != 1) {
      if (SslWouldBlock(c.ssl, r)) return true;
      Close(it);  // a failed handshake: nothing to answer
      return false;
    }
    c.handshaken = true;
  }
  char tmp[4096];
  while (c.buf.size() < options.max_head) {
    size_t room = std::min(sizeof tmp, options.max_head - c.buf.size());
    ssize_t n;
    if (c.ssl != nullptr) {
      Tls().ERR_clear_error();
      int r = Tls().SSL_read(c.ssl, tmp, static_cast<int>(room));
      if (r <= 0) {
        if (SslWouldBlock(c.ssl, r)) break;
        Close(it);  // closed by the client, or a TLS error
        return false;
      }
      n = r;
    } else {
      n = recv(fd, tmp, room, 0);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        Close(it);
        return false;
      }
    }
    c.buf.append(tmp, static_cast<size_t>(n));
    if (RequestHeadComplete(c.buf)) break;
  }
  if (c.idle && !c.buf.empty()) {
    // The next request began: it gets the head timeout from now.
    c.idle = false;
    c.deadline =
        Clock::now() + std::chrono::milliseconds(options.head_timeout_ms);
  }
  if (c.buf.size() >= options.max_head || RequestHeadComplete(c.buf)) {
    Resume(it);  // CivetWeb answers it (413 when too large)
    return false;
  }
  return true;
}

void Gate::Impl::Resume(std::list<GateConn>::iterator it) {
  GateConn& c = *it;
  epoll_ctl(epfd, EPOLL_CTL_DEL, c.ps->fd, nullptr);
  mg_parked_socket* ps = c.ps;
  ps->ssl = c.ssl;
  if (!c.buf.empty()) {
    ps->data = static_cast<char*>(std::malloc(c.buf.size()));
    if (ps->data != nullptr) {
      std::memcpy(ps->data, c.buf.data(), c.buf.size());
      ps->data_len = static_cast<int>(c.buf.size());
    }
  }
  by_id.erase(c.id);
  conns.erase(it);
  waiting.store(conns.size());
  // Waits while CivetWeb's queue is full: workers only ever get requests
  // they can answer at once, so the wait is as short as an answer.
  mg_resume_socket(ctx, ps);
}

void Gate::Impl::Close(std::list<GateConn>::iterator it) {
  GateConn& c = *it;
  epoll_ctl(epfd, EPOLL_CTL_DEL, c.ps->fd, nullptr);
  c.ps->ssl = c.ssl;  // freed with the socket
  mg_close_parked_socket(c.ps);
  by_id.erase(c.id);
  conns.erase(it);
  waiting.store(conns.size());
}

void Gate::Impl::Expire(Clock::time_point now) {
  if (now < next_deadline) return;
  next_deadline = Clock::time_point::max();
  for (auto it = conns.begin(); it != conns.end();) {
    auto next = std::next(it);
    if (it->deadline <= now) {
      Close(it);
    } else if (it->deadline < next_deadline) {
      next_deadline = it->deadline;
    }
    it = next;
  }
}

}  // namespace host_exporter::http
