#include "host_exporter/http_server.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <netdb.h>

#include <cstring>
#include <mutex>

#include "http/request.h"
#include "parse/parse_util.h"

namespace host_exporter {

struct HttpServer::Impl {
  HttpOptions options;
  SnapshotStore* store;
  Logger* log;
  http::RouteConfig route;
  mg_context* ctx = nullptr;
  std::once_flag init_once;
};

namespace {

// Whether CivetWeb will keep the connection open: the same rule as its
// should_keep_alive() (client's Connection header, else HTTP/1.1 default).
bool KeepAlive(mg_connection* conn, const mg_request_info* ri) {
  const char* c = mg_get_header(conn, "Connection");
  if (c != nullptr) {
    std::string v(c);
    for (char& ch : v) ch = static_cast<char>(std::tolower(ch));
    return v.find("keep-alive") != std::string::npos;
  }
  return ri->http_version != nullptr && std::strcmp(ri->http_version, "1.1") == 0;
}

bool WriteAll(mg_connection* conn, std::string_view data) {
  while (!data.empty()) {
    int n = mg_write(conn, data.data(), data.size());
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

int Handle(mg_connection* conn, void* cbdata) {
  auto* impl = static_cast<HttpServer::Impl*>(cbdata);
  const mg_request_info* ri = mg_get_request_info(conn);
  http::Request req;
  req.method = ri->request_method ? ri->request_method : "";
  req.path = ri->local_uri ? ri->local_uri : "";
  const char* ae = mg_get_header(conn, "Accept-Encoding");
  req.accept_encoding = ae ? ae : "";
  http::Response resp = http::Route(req, impl->store->Get(), impl->route);
  bool keep_alive = KeepAlive(conn, ri) && resp.status != 405;
  if (!keep_alive) mg_disable_keep_alive(conn);
  std::string head = http::ResponseHead(resp, keep_alive);
  std::string_view body = resp.head ? std::string_view() : resp.Body();
  if (body.size() < 16384) {
    head.append(body);  // one send for small responses
    WriteAll(conn, head);
  } else if (WriteAll(conn, head)) {
    WriteAll(conn, body);
  }
  return resp.status;
}

// CivetWeb's own error pages (bad request line, oversized headers, …) go
// through here; keep them short and log at debug level.
int LogMessage(const mg_connection* conn, const char* message) {
  const mg_context* ctx = mg_get_context(conn);
  auto* impl = static_cast<HttpServer::Impl*>(mg_get_user_data(ctx));
  if (impl) impl->log->Debug("http server", {{"msg", message}});
  return 1;
}

}  // namespace

bool ToCivetwebPorts(const std::string& address, std::string* out,
                     std::string* error) {
  auto bad = [&](const std::string& why) {
    *error = "invalid listen address \"" + address + "\": " + why;
    return false;
  };
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return bad("expected host:port or :port");
  std::string host = address.substr(0, colon);
  std::string port = address.substr(colon + 1);
  auto p = parse::ParseU64(port);
  if (!p || *p > 65535) return bad("port must be a number from 0 to 65535");
  if (host.empty()) {
    *out = "+" + port;  // all IPv4 and IPv6 addresses, one dual-stack socket
    return true;
  }
  if (host.front() == '[') {
    if (host.back() != ']') return bad("unbalanced '[' in IPv6 address");
    std::string ip = host.substr(1, host.size() - 2);
    in6_addr a6;
    if (inet_pton(AF_INET6, ip.c_str(), &a6) != 1) return bad("not an IPv6 address");
    *out = host + ":" + port;
    return true;
  }
  in_addr a4;
  if (inet_pton(AF_INET, host.c_str(), &a4) == 1) {
    *out = host + ":" + port;
    return true;
  }
  // A host name: listen on each address it resolves to.
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res); rc != 0) {
    return bad(std::string("cannot resolve host: ") + gai_strerror(rc));
  }
  std::string ports;
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    char buf[INET6_ADDRSTRLEN];
    std::string entry;
    if (ai->ai_family == AF_INET) {
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr,
                buf, sizeof buf);
      entry = std::string(buf) + ":" + port;
    } else if (ai->ai_family == AF_INET6) {
      inet_ntop(AF_INET6,
                &reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr, buf,
                sizeof buf);
      entry = "[" + std::string(buf) + "]:" + port;
    } else {
      continue;
    }
    if (ports.find(entry) != std::string::npos) continue;
    if (!ports.empty()) ports += ",";
    ports += entry;
  }
  freeaddrinfo(res);
  if (ports.empty()) return bad("host resolves to no IPv4 or IPv6 address");
  *out = ports;
  return true;
}

HttpServer::HttpServer(const HttpOptions& options, SnapshotStore* store,
                       Logger* log)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  impl_->store = store;
  impl_->log = log;
  impl_->route.telemetry_path = options.telemetry_path;
  impl_->route.route_prefix = options.route_prefix;
  impl_->route.version = options.version;
}

HttpServer::~HttpServer() { Stop(); }

bool HttpServer::Start(std::string* error) {
  std::call_once(impl_->init_once, [] { mg_init_library(MG_FEATURES_SSL | MG_FEATURES_IPV6); });
  std::string ports;
  for (const auto& a : impl_->options.listen_addresses) {
    std::string p;
    if (!ToCivetwebPorts(a, &p, error)) return false;
    if (!ports.empty()) ports += ",";
    ports += p;
  }
  const std::string threads = std::to_string(impl_->options.threads);
  const std::string request_timeout =
      std::to_string(impl_->options.request_timeout_ms);
  const std::string keep_alive_timeout =
      std::to_string(impl_->options.keep_alive_timeout_ms);
  const std::string max_request = std::to_string(impl_->options.max_request_size);
  const char* opts[] = {"listening_ports", ports.c_str(),
                        "num_threads", threads.c_str(),
                        "request_timeout_ms", request_timeout.c_str(),
                        "keep_alive_timeout_ms", keep_alive_timeout.c_str(),
                        "enable_keep_alive", "yes",
                        "tcp_nodelay", "1",
                        "max_request_size", max_request.c_str(),
                        "decode_url", "yes",
                        nullptr};
  mg_callbacks callbacks{};
  callbacks.log_message = LogMessage;
  mg_init_data init{};
  init.callbacks = &callbacks;
  init.user_data = impl_.get();
  init.configuration_options = opts;
  char text[256] = {0};
  unsigned code = 0;
  mg_error_data err{};
  err.code = &code;
  err.text = text;
  err.text_buffer_size = sizeof text;
  impl_->ctx = mg_start2(&init, &err);
  if (impl_->ctx == nullptr && ports.rfind('+', 0) == 0 &&
      ports.find(',') == std::string::npos) {
    // No IPv6 on this host: "+port" needs a dual-stack socket.
    std::string v4 = ports.substr(1);
    opts[1] = v4.c_str();
    text[0] = 0;
    impl_->ctx = mg_start2(&init, &err);
  }
  if (impl_->ctx == nullptr) {
    std::string addrs;
    for (const auto& a : impl_->options.listen_addresses) {
      addrs += (addrs.empty() ? "" : ", ") + a;
    }
    *error = "cannot listen on " + addrs + ": " +
             (text[0] ? std::string(text) : "unknown error");
    return false;
  }
  mg_set_request_handler(impl_->ctx, "/", Handle, impl_.get());
  return true;
}

void HttpServer::Stop() {
  if (impl_->ctx != nullptr) {
    mg_stop(impl_->ctx);
    impl_->ctx = nullptr;
  }
}

std::vector<std::string> HttpServer::BoundAddresses() const {
  std::vector<std::string> out;
  if (impl_->ctx == nullptr) return out;
  mg_server_port ports[16];
  int n = mg_get_server_ports(impl_->ctx, 16, ports);
  for (int i = 0; i < n; ++i) {
    std::string proto = ports[i].protocol == 3   ? "ipv4+ipv6"
                        : ports[i].protocol == 2 ? "ipv6"
                                                 : "ipv4";
    out.push_back(proto + ":" + std::to_string(ports[i].port));
  }
  return out;
}

}  // namespace host_exporter
