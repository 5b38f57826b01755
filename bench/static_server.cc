// The limit: a minimal CivetWeb server that serves a fixed body from memory
// with the same server settings as host_exporter (threads, keep-alive,
// TCP_NODELAY, one write for headers and one for the body).
//
//   static_server PORT BODY_FILE
#include <civetweb.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string body;

int Handle(mg_connection* conn, void*) {
  std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; "
      "charset=utf-8\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\nConnection: keep-alive\r\n\r\n";
  mg_write(conn, head.data(), head.size());
  mg_write(conn, body.data(), body.size());
  return 200;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s PORT BODY_FILE\n", argv[0]);
    return 2;
  }
  std::ifstream f(argv[2]);
  std::stringstream ss;
  ss << f.rdbuf();
  body = ss.str();
  std::string ports = std::string("127.0.0.1:") + argv[1];
  const char* opts[] = {"listening_ports", ports.c_str(), "num_threads", "64",
                        "request_timeout_ms", "5000", "keep_alive_timeout_ms", "5000",
                        "enable_keep_alive", "yes", "tcp_nodelay", "1",
                        "max_request_size", "8192", nullptr};
  mg_init_library(0);
  mg_callbacks cb{};
  mg_context* ctx = mg_start(&cb, nullptr, opts);
  if (ctx == nullptr) return 1;
  mg_set_request_handler(ctx, "/", Handle, nullptr);
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGTERM);
  sigaddset(&s, SIGINT);
  pthread_sigmask(SIG_BLOCK, &s, nullptr);
  int sig;
  sigwait(&s, &sig);
  mg_stop(ctx);
  return 0;
}
