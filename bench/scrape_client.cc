// Sequential keep-alive scrapes over one connection, timed per request.
//
//   scrape_client HOST PORT PATH COUNT [gzip|plain] [ACCEPT]
//
// ACCEPT, if given, is sent as the Accept header (the exposition format).
// Prints one latency per line (microseconds), then "bytes N" for the last
// body. Minimal HTTP/1.1: Content-Length framed responses only. Loopback use
// in bench/ only.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

// Reads until `pred` holds on the buffer (more data arrives with recv).
template <typename Pred>
bool Fill(int fd, std::string* buf, Pred pred) {
  char tmp[65536];
  while (!pred()) {
    ssize_t n = recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf->append(tmp, static_cast<size_t>(n));
  }
  return true;
}

// One response, framed by Content-Length or chunked transfer encoding (Go's
// server chunks large bodies). Leaves nothing of it in *buf.
bool ReadResponse(int fd, std::string* buf, size_t* body_len) {
  if (!Fill(fd, buf,
            [&] { return buf->find("\r\n\r\n") != std::string::npos; })) {
    return false;
  }
  size_t header_end = buf->find("\r\n\r\n") + 4;
  std::string head = buf->substr(0, header_end);
  for (char& c : head) c = static_cast<char>(std::tolower(c));
  size_t pos = head.find("content-length: ");
  if (pos != std::string::npos) {
    size_t len = std::strtoul(head.c_str() + pos + 16, nullptr, 10);
    if (!Fill(fd, buf, [&] { return buf->size() >= header_end + len; }))
      return false;
    buf->erase(0, header_end + len);
    *body_len = len;
    return true;
  }
  if (head.find("transfer-encoding: chunked") == std::string::npos)
    return false;
  size_t at = header_end;
  *body_len = 0;
  while (true) {
    if (!Fill(fd, buf,
              [&] { return buf->find("\r\n", at) != std::string::npos; })) {
      return false;
    }
    size_t eol = buf->find("\r\n", at);
    size_t chunk = std::strtoul(buf->c_str() + at, nullptr, 16);
    at = eol + 2;
    if (!Fill(fd, buf, [&] { return buf->size() >= at + chunk + 2; }))
      return false;
    at += chunk + 2;
    *body_len += chunk;
    if (chunk == 0) {
      buf->erase(0, at);
      return true;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr,
                 "usage: %s HOST PORT PATH COUNT [gzip|plain] [ACCEPT]\n",
                 argv[0]);
    return 2;
  }
  const char* host = argv[1];
  const char* port = argv[2];
  const std::string path = argv[3];
  const int count = std::atoi(argv[4]);
  const bool gzip = argc > 5 && std::strcmp(argv[5], "gzip") == 0;
  const std::string accept = argc > 6 ? argv[6] : "";
  addrinfo hints{}, *res = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host, port, &hints, &res) != 0) return 1;
  int fd = socket(res->ai_family, SOCK_STREAM, 0);
  if (connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
    std::perror("connect");
    return 1;
  }
  freeaddrinfo(res);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" +
                    (gzip ? "Accept-Encoding: gzip\r\n" : "") +
                    (accept.empty() ? "" : "Accept: " + accept + "\r\n") +
                    "\r\n";
  std::string buf;
  size_t body = 0;
  for (int i = 0; i < count; ++i) {
    auto start = std::chrono::steady_clock::now();
    if (send(fd, req.data(), req.size(), 0) !=
            static_cast<ssize_t>(req.size()) ||
        !ReadResponse(fd, &buf, &body)) {
      std::fprintf(stderr, "request %d failed\n", i);
      return 1;
    }
    auto us = std::chrono::duration<double, std::micro>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    std::printf("%.1f\n", us);
  }
  std::printf("bytes %zu\n", body);
  close(fd);
  return 0;
}
