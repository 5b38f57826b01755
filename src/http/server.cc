#include <arpa/inet.h>
#include <civetweb.h>
#include <dirent.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>

#include "host_exporter/http_server.h"
#include "http/basic_auth.h"
#include "http/gate.h"
#include "http/openssl_api.h"
#include "http/request.h"
#include "http/web_config.h"
#include "parse/parse_util.h"

namespace host_exporter {

// (Outside the anonymous namespace: HttpServer::Impl holds them.)
// What a request needs from the web config; swapped whole on reload.
struct WebState {
  std::unique_ptr<http::BasicAuth> auth;
  std::vector<std::pair<std::string, std::string>> headers;
};

// OpenSSL's functions: loaded by LoadWebConfig() before anything here runs
// (a certificate exists and InitSsl() is called only with TLS configured).
const http::OpenSslApi& Tls() { return *http::OpenSsl(); }

// A certificate and key loaded from files, swapped whole on reload.
struct CertPair {
  X509* cert = nullptr;
  EVP_PKEY* key = nullptr;
  STACK_OF(X509) * chain = nullptr;
  ~CertPair() {
    Tls().X509_free(cert);
    Tls().EVP_PKEY_free(key);
    Tls().OPENSSL_sk_pop_free(
        reinterpret_cast<OPENSSL_STACK*>(chain),
        reinterpret_cast<OPENSSL_sk_freefunc>(Tls().X509_free));
  }
};

namespace {

std::string OpenSslError() {
  unsigned long e = Tls().ERR_get_error();
  char buf[256];
  Tls().ERR_error_string_n(e, buf, sizeof buf);
  return e ? buf : "unknown OpenSSL error";
}

// Loads a PEM certificate chain and key; false with *error naming the file.
std::shared_ptr<CertPair> LoadCertPair(const http::TlsConfig& tls,
                                       std::string* error) {
  auto pair = std::make_shared<CertPair>();
  FILE* f = std::fopen(tls.cert_file.c_str(), "r");
  if (f == nullptr) {
    *error = "cannot read " + tls.cert_file + ": " + std::strerror(errno);
    return nullptr;
  }
  pair->cert = Tls().PEM_read_X509(f, nullptr, nullptr, nullptr);
  pair->chain = reinterpret_cast<STACK_OF(X509)*>(Tls().OPENSSL_sk_new_null());
  while (X509* extra = Tls().PEM_read_X509(f, nullptr, nullptr, nullptr)) {
    Tls().OPENSSL_sk_push(reinterpret_cast<OPENSSL_STACK*>(pair->chain), extra);
  }
  Tls().ERR_clear_error();
  std::fclose(f);
  if (pair->cert == nullptr) {
    *error = tls.cert_file + ": no PEM certificate found";
    return nullptr;
  }
  f = std::fopen(tls.key_file.c_str(), "r");
  if (f == nullptr) {
    *error = "cannot read " + tls.key_file + ": " + std::strerror(errno);
    return nullptr;
  }
  pair->key = Tls().PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (pair->key == nullptr) {
    *error = tls.key_file + ": no PEM private key found: " + OpenSslError();
    return nullptr;
  }
  if (Tls().X509_check_private_key(pair->cert, pair->key) != 1) {
    *error = tls.key_file + ": private key does not match " + tls.cert_file;
    Tls().ERR_clear_error();
    return nullptr;
  }
  return pair;
}

int64_t MtimeNs(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
         st.st_mtim.tv_nsec;
}

}  // namespace

struct HttpServer::Impl {
  HttpOptions options;
  SnapshotStore* store;
  Logger* log;
  http::RouteConfig route;
  mg_context* ctx = nullptr;
  // Holds connections until their request is complete (see http/gate.h).
  std::unique_ptr<http::Gate> gate;
  std::atomic<int> in_flight{0};

  std::mutex web_mu;  // guards the fields below
  std::shared_ptr<const WebState> web = std::make_shared<WebState>();
  http::TlsConfig tls;
  std::shared_ptr<CertPair> cert;
  int64_t cert_mtime = 0, key_mtime = 0;
  std::chrono::steady_clock::time_point cert_checked;

  std::shared_ptr<const WebState> Web() {
    std::lock_guard<std::mutex> lock(web_mu);
    return web;
  }

  // The certificate for a new handshake: re-read from disk when the files
  // changed (checked at most once a second), else the loaded one.
  std::shared_ptr<CertPair> CurrentCert() {
    std::lock_guard<std::mutex> lock(web_mu);
    auto now = std::chrono::steady_clock::now();
    if (now - cert_checked >= std::chrono::seconds(1)) {
      cert_checked = now;
      int64_t cm = MtimeNs(tls.cert_file), km = MtimeNs(tls.key_file);
      if (cm != cert_mtime || km != key_mtime) {
        std::string error;
        if (auto fresh = LoadCertPair(tls, &error)) {
          cert = fresh;
          log->Info("TLS certificate reloaded", {{"file", tls.cert_file}});
        } else {
          log->Error("TLS certificate not reloaded, keeping the old one",
                     {{"err", error}});
        }
        cert_mtime = cm;
        key_mtime = km;
      }
    }
    return cert;
  }
};

namespace {

int CertCallback(SSL* ssl, void* arg) {
  auto* impl = static_cast<HttpServer::Impl*>(arg);
  auto pair = impl->CurrentCert();
  if (!pair) return 0;
  if (Tls().SSL_use_certificate(ssl, pair->cert) != 1 ||
      Tls().SSL_use_PrivateKey(ssl, pair->key) != 1 ||
      Tls().SSL_ctrl(ssl, SSL_CTRL_CHAIN, 1, pair->chain) != 1) {
    return 0;
  }
  return 1;
}

// Accepts any client certificate (RequestClientCert, RequireAnyClientCert).
int AcceptAnyCert(int, X509_STORE_CTX*) { return 1; }

// Go's IANA cipher suite names → OpenSSL's names, from OpenSSL's own table.
bool CipherList(SSL_CTX* ctx, const std::vector<std::string>& iana,
                std::string* out, std::string* error) {
  STACK_OF(SSL_CIPHER)* all = Tls().SSL_CTX_get_ciphers(ctx);
  for (const auto& name : iana) {
    bool found = false;
    for (int i = 0;
         all != nullptr &&
         i < Tls().OPENSSL_sk_num(reinterpret_cast<const OPENSSL_STACK*>(all));
         ++i) {
      const auto* c = static_cast<const SSL_CIPHER*>(Tls().OPENSSL_sk_value(
          reinterpret_cast<const OPENSSL_STACK*>(all), i));
      const char* std_name = Tls().SSL_CIPHER_standard_name(c);
      if (std_name != nullptr && name == std_name) {
        if (!out->empty()) out->push_back(':');
        out->append(Tls().SSL_CIPHER_get_name(c));
        found = true;
        break;
      }
    }
    if (!found) {
      *error =
          "tls_server_config.cipher_suites: unknown or unsupported cipher "
          "suite \"" +
          name + "\"";
      return false;
    }
  }
  return true;
}

int InitSsl(void* ssl_ctx, void* user_data) {
  auto* ctx = static_cast<SSL_CTX*>(ssl_ctx);
  auto* impl = static_cast<HttpServer::Impl*>(user_data);
  std::lock_guard<std::mutex> lock(impl->web_mu);
  const http::TlsConfig& tls = impl->tls;
  // The versions come from min_version/max_version alone, not CivetWeb's
  // ssl_protocol_version options.
  Tls().SSL_CTX_clear_options(ctx, SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 |
                                       SSL_OP_NO_TLSv1_1 | SSL_OP_NO_TLSv1_2 |
                                       SSL_OP_NO_TLSv1_3);
  Tls().SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, tls.min_version,
                     nullptr);
  Tls().SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_PROTO_VERSION, tls.max_version,
                     nullptr);
  if (!tls.cipher_suites.empty()) {
    std::string list, error;
    if (!CipherList(ctx, tls.cipher_suites, &list, &error) ||
        Tls().SSL_CTX_set_cipher_list(ctx, list.c_str()) != 1) {
      impl->log->Error("TLS setup failed", {{"err", error}});
      return -1;
    }
  }
  if (tls.prefer_server_cipher_suites) {
    Tls().SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  } else {
    Tls().SSL_CTX_clear_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
  }
  if (!tls.client_ca_file.empty()) {
    if (Tls().SSL_CTX_load_verify_locations(ctx, tls.client_ca_file.c_str(),
                                            nullptr) != 1) {
      impl->log->Error("TLS setup failed",
                       {{"err", tls.client_ca_file + ": " + OpenSslError()}});
      return -1;
    }
    Tls().SSL_CTX_set_client_CA_list(
        ctx, Tls().SSL_load_client_CA_file(tls.client_ca_file.c_str()));
  }
  switch (tls.client_auth) {
    case http::ClientAuth::kNoClientCert:
      Tls().SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
      break;
    case http::ClientAuth::kRequestClientCert:
      Tls().SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, AcceptAnyCert);
      break;
    case http::ClientAuth::kRequireAnyClientCert:
      Tls().SSL_CTX_set_verify(
          ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
          AcceptAnyCert);
      break;
    case http::ClientAuth::kVerifyClientCertIfGiven:
      Tls().SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
      break;
    case http::ClientAuth::kRequireAndVerifyClientCert:
      Tls().SSL_CTX_set_verify(
          ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
      break;
  }
  // Session tickets would outlive a certificate reload; keep it simple. No
  // session cache either: it kept every scrape's session (up to 20,480 by
  // default, for 5 minutes each), memory that grew with each scrape. TLS
  // 1.3 still sends its (now useless) ticket message after the handshake:
  // that answer to the client's Finished is also what lets a client with
  // Nagle on send its request at once instead of after our delayed ACK
  // (40 ms; measured with SSL_CTX_set_num_tickets(ctx, 0)).
  Tls().SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  Tls().SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_MODE, SSL_SESS_CACHE_OFF,
                     nullptr);
  // Connections waiting in the gate keep no idle read/write buffers.
  Tls().SSL_CTX_ctrl(ctx, SSL_CTRL_MODE, SSL_MODE_RELEASE_BUFFERS, nullptr);
  // Answers are written without waiting and, when the client does not take
  // them at once, finished by the gate from a copy of the unwritten rest.
  Tls().SSL_CTX_ctrl(
      ctx, SSL_CTRL_MODE,
      SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER,
      nullptr);
  impl->gate->SetSslContext(ctx);
  Tls().SSL_CTX_set_cert_cb(ctx, CertCallback, impl);
  return 1;  // certificate handled by CertCallback
}

// Whether CivetWeb will keep the connection open: the same rule as its
// should_keep_alive() (client's Connection header, else HTTP/1.1 default).
bool KeepAlive(mg_connection* conn, const mg_request_info* ri) {
  const char* c = mg_get_header(conn, "Connection");
  if (c != nullptr) {
    std::string v(c);
    for (char& ch : v) ch = static_cast<char>(std::tolower(ch));
    return v.find("keep-alive") != std::string::npos;
  }
  return ri->http_version != nullptr &&
         std::strcmp(ri->http_version, "1.1") == 0;
}

// What an answer's body lives in while the gate may still be writing it:
// the snapshot it comes from, or its own bytes.
struct BodyOwner {
  std::shared_ptr<const Snapshot> snapshot;
  std::string owned;
};

void ReleaseBody(void* owner) { delete static_cast<BodyOwner*>(owner); }

// Counts a request in flight while its answer is worked out (auth, routing,
// encoding). It is released before the answer is written: otherwise a client
// that sends its next request as soon as it has read an answer could find the
// previous one still counted and get a 503 with nothing else in flight.
struct InFlight {
  explicit InFlight(std::atomic<int>* c) : counter(c), n(c->fetch_add(1) + 1) {}
  ~InFlight() { Release(); }
  void Release() {
    if (counter) counter->fetch_sub(1);
    counter = nullptr;
  }
  std::atomic<int>* counter;
  int n;
};

http::Response Plain(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.owned = std::move(body);
  return r;
}

// The percent-decoded path, every byte kept. CivetWeb's own decoding
// (decode_url, off) writes a C string: "/metrics%00.html" became /metrics.
// Its dot-segment removal still applies, to the undecoded path, so an
// encoded "." ("/metrics%2e") stays part of the name as in Go.
std::string DecodedPath(const char* local_uri) {
  if (local_uri == nullptr) return "";
  const int len = static_cast<int>(std::strlen(local_uri));
  std::string out(static_cast<size_t>(len) + 1, '\0');
  int n = mg_url_decode(local_uri, len, out.data(), len + 1, 0);
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

int Handle(mg_connection* conn, void* cbdata) {
  auto* impl = static_cast<HttpServer::Impl*>(cbdata);
  InFlight guard(&impl->in_flight);
  const mg_request_info* ri = mg_get_request_info(conn);
  auto web = impl->Web();
  http::Response resp;
  const int limit = impl->options.max_requests;
  if (limit > 0 && guard.n > limit) {
    resp = Plain(503, "too many concurrent requests, limit is " +
                          std::to_string(limit) + "\n");
    resp.headers.emplace_back("Retry-After", "1");
  } else if (!web->auth->disabled() &&
             !web->auth->Check(mg_get_header(conn, "Authorization")
                                   ? mg_get_header(conn, "Authorization")
                                   : "")) {
    resp = Plain(401, "Unauthorized\n");
    resp.headers.emplace_back("WWW-Authenticate",
                              "Basic realm=\"host_exporter\"");
  } else {
    http::Request req;
    req.method = ri->request_method ? ri->request_method : "";
    const std::string path = DecodedPath(ri->local_uri);  // req.path views it
    req.path = path;
    const char* ae = mg_get_header(conn, "Accept-Encoding");
    req.accept_encoding = ae ? ae : "";
    const char* accept = mg_get_header(conn, "Accept");
    req.accept = accept ? accept : "";
    resp = http::Route(req, impl->store->Get(), impl->route);
    if (impl->options.on_scrape && resp.status == 200 &&
        req.path == impl->route.route_prefix + impl->route.telemetry_path)
      impl->options.on_scrape(std::chrono::steady_clock::now());
  }
  if (ri->request_method && std::strcmp(ri->request_method, "HEAD") == 0)
    resp.head = true;
  for (const auto& h : web->headers) resp.headers.push_back(h);
  bool keep_alive =
      KeepAlive(conn, ri) && resp.status != 405 && resp.status != 401;
  if (!keep_alive) mg_disable_keep_alive(conn);
  std::string head = http::ResponseHead(resp, keep_alive);
  std::string_view body = resp.head ? std::string_view() : resp.Body();
  guard.Release();
  if (body.size() < 16384) {
    head.append(body);  // one send for small responses
    body = {};
  }
  // Written as far as the socket takes it now; a client that does not read
  // leaves the rest to the gate (our CivetWeb patch), not to this worker.
  auto* owner = new BodyOwner;
  if (!body.empty()) {
    if (resp.snapshot) {
      owner->snapshot = resp.snapshot;  // body points into it
    } else {
      owner->owned = std::move(resp.owned);
      body = owner->owned;
    }
  }
  mg_write_or_hand_off(conn, head.data(), head.size(), body.data(), body.size(),
                       owner, ReleaseBody);
  return resp.status;
}

// CivetWeb's park_socket callback (our patch): a connection just accepted,
// or kept alive between two requests, waits in the gate, not in a worker.
int ParkSocket(mg_context* ctx, mg_parked_socket* ps) {
  auto* impl = static_cast<HttpServer::Impl*>(mg_get_user_data(ctx));
  return impl != nullptr && impl->gate && impl->gate->Park(ctx, ps) ? 1 : 0;
}

// CivetWeb's own error pages (bad request line, oversized headers, …) go
// through here; keep them short and log at debug level.
int LogMessage(const mg_connection* conn, const char* message) {
  const mg_context* ctx = mg_get_context(conn);
  auto* impl = static_cast<HttpServer::Impl*>(mg_get_user_data(ctx));
  if (impl) impl->log->Debug("http server", {{"msg", message}});
  return 1;
}

// Puts the inherited (systemd) listening sockets in place of the loopback
// placeholders CivetWeb bound (CivetWeb 1.15 cannot adopt a socket): each
// placeholder's descriptor becomes a copy of an inherited socket (dup3), so
// CivetWeb's accept loop serves it from its next poll on. False with *error
// if a placeholder is not found.
bool AdoptInheritedSockets(mg_context* ctx, const std::vector<int>& inherited,
                           std::string* error) {
  mg_server_port ports[16];
  const int n = mg_get_server_ports(ctx, 16, ports);
  std::vector<int> placeholder_ports;
  for (int i = 0; i < n; ++i) placeholder_ports.push_back(ports[i].port);
  std::vector<int> placeholders;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (dirent* e = readdir(d)) {
      auto fd = parse::ParseU64(e->d_name);
      if (!fd || static_cast<int>(*fd) == dirfd(d)) continue;
      const int f = static_cast<int>(*fd);
      if (std::find(inherited.begin(), inherited.end(), f) != inherited.end())
        continue;
      int listening = 0;
      socklen_t len = sizeof listening;
      sockaddr_in sa{};
      socklen_t salen = sizeof sa;
      if (getsockopt(f, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 ||
          !listening ||
          getsockname(f, reinterpret_cast<sockaddr*>(&sa), &salen) != 0 ||
          sa.sin_family != AF_INET ||
          sa.sin_addr.s_addr != htonl(INADDR_LOOPBACK))
        continue;
      if (std::find(placeholder_ports.begin(), placeholder_ports.end(),
                    ntohs(sa.sin_port)) != placeholder_ports.end())
        placeholders.push_back(f);
    }
    closedir(d);
  }
  if (placeholders.size() != inherited.size()) {
    *error = "--web.systemd-socket: cannot put the inherited sockets in place";
    return false;
  }
  for (size_t i = 0; i < inherited.size(); ++i) {
    if (dup3(inherited[i], placeholders[i], O_CLOEXEC) < 0) {
      *error = std::string("--web.systemd-socket: dup3: ") + strerror(errno);
      return false;
    }
    ::close(inherited[i]);
  }
  // The listener may already wait in poll() on the placeholders: without a
  // timeout it would never see the sockets now in their place.
  mg_wake_listener(ctx);
  return true;
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
    // "[::1]:9100", and as Go's net.SplitHostPort also "[127.0.0.1]:9100"
    // and "[localhost]:9100" (the Helm chart's "[$(HOST_IP)]:9100").
    if (host.back() != ']') return bad("unbalanced '[' in address");
    host = host.substr(1, host.size() - 2);
    if (host.empty()) {
      *out = "+" + port;
      return true;
    }
    in6_addr a6;
    if (inet_pton(AF_INET6, host.c_str(), &a6) == 1) {
      *out = "[" + host + "]:" + port;
      return true;
    }
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
  static std::once_flag init_once;
  std::call_once(init_once, [] { mg_init_library(MG_FEATURES_IPV6); });
  if (!impl_->options.web_config_file.empty()) {
    http::WebConfig wc;
    if (!http::LoadWebConfig(impl_->options.web_config_file, &wc, error))
      return false;
    auto state = std::make_shared<WebState>();
    state->auth = std::make_unique<http::BasicAuth>(wc.basic_auth_users);
    state->headers = wc.headers;
    impl_->web = state;
    impl_->tls = wc.tls;
    if (wc.tls.enabled) {
      impl_->cert = LoadCertPair(wc.tls, error);
      if (!impl_->cert) return false;
      impl_->cert_mtime = MtimeNs(wc.tls.cert_file);
      impl_->key_mtime = MtimeNs(wc.tls.key_file);
      impl_->cert_checked = std::chrono::steady_clock::now();
    }
  } else {
    auto state = std::make_shared<WebState>();
    state->auth =
        std::make_unique<http::BasicAuth>(std::map<std::string, std::string>{});
    impl_->web = state;
  }
  const bool tls = impl_->tls.enabled;
  if (tls) {
    // OpenSSL only when serving TLS (a reload cannot turn it on): its
    // initialisation alone adds 3 MB of resident memory. LoadWebConfig()
    // loaded it for our own calls (http/openssl_api.h); CivetWeb dlopen()s
    // the same libraries here for its own.
    static std::once_flag ssl_once;
    std::call_once(ssl_once, [] { mg_init_library(MG_FEATURES_SSL); });
  }
  std::string ports;
  // Sockets from systemd: one loopback placeholder each, replaced below.
  const auto& inherited = impl_->options.inherited_fds;
  std::vector<std::string> addresses = impl_->options.listen_addresses;
  if (!inherited.empty()) addresses.assign(inherited.size(), "127.0.0.1:0");
  for (const auto& a : addresses) {
    std::string p;
    if (!ToCivetwebPorts(a, &p, error)) return false;
    if (tls) {
      // Every entry of a comma-separated list gets CivetWeb's "s" (TLS).
      std::string with_s;
      for (auto part : parse::Split(p, ',')) {
        if (!with_s.empty()) with_s += ",";
        with_s += std::string(part) + "s";
      }
      p = with_s;
    }
    if (!ports.empty()) ports += ",";
    ports += p;
  }
  const std::string threads = std::to_string(impl_->options.threads);
  const std::string request_timeout =
      std::to_string(impl_->options.request_timeout_ms);
  const std::string max_request =
      std::to_string(impl_->options.max_request_size);
  // A worker only reads a next request already complete (the gate waits
  // for the others), so CivetWeb's own keep-alive wait stays the request
  // timeout.
  const char* opts[] = {"listening_ports",
                        ports.c_str(),
                        "num_threads",
                        threads.c_str(),
                        "request_timeout_ms",
                        request_timeout.c_str(),
                        "keep_alive_timeout_ms",
                        request_timeout.c_str(),
                        "enable_keep_alive",
                        "yes",
                        "tcp_nodelay",
                        "1",
                        "max_request_size",
                        max_request.c_str(),
                        "decode_url",
                        "no",  // DecodedPath() does it
                        nullptr};
  http::GateOptions gate_options;
  gate_options.head_timeout_ms = impl_->options.request_timeout_ms;
  gate_options.keep_alive_timeout_ms = impl_->options.keep_alive_timeout_ms;
  gate_options.max_head = static_cast<size_t>(impl_->options.max_request_size);
  gate_options.max_connections =
      static_cast<size_t>(std::max(1, impl_->options.max_waiting_connections));
  // Half the open-files limit at most: the rest is for the collectors'
  // kept descriptors, the workers' connections and accept() itself.
  rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    gate_options.max_connections = std::min<size_t>(
        gate_options.max_connections, std::max<rlim_t>(rl.rlim_cur / 2, 16));
  }
  impl_->gate = std::make_unique<http::Gate>(gate_options);
  if (!impl_->gate->Start(error)) return false;
  mg_callbacks callbacks{};
  callbacks.log_message = LogMessage;
  callbacks.park_socket = ParkSocket;
  if (tls) callbacks.init_ssl = InitSsl;
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
  if (impl_->ctx == nullptr && ports.starts_with('+') &&
      ports.find(',') == std::string::npos && !std::strstr(text, "SSL")) {
    // No IPv6 on this host: "+port" needs a dual-stack socket.
    std::string v4 = ports.substr(1);
    opts[1] = v4.c_str();
    text[0] = 0;
    impl_->ctx = mg_start2(&init, &err);
  }
  if (impl_->ctx == nullptr) {
    impl_->gate->Stop();
    std::string addrs;
    for (const auto& a : impl_->options.listen_addresses) {
      addrs += (addrs.empty() ? "" : ", ") + a;
    }
    *error = "cannot listen on " + addrs + ": " +
             (text[0] ? std::string(text) : "unknown error");
    return false;
  }
  if (!inherited.empty() &&
      !AdoptInheritedSockets(impl_->ctx, inherited, error)) {
    impl_->gate->Stop();
    mg_stop(impl_->ctx);
    impl_->ctx = nullptr;
    return false;
  }
  mg_set_request_handler(impl_->ctx, "/", Handle, impl_.get());
  return true;
}

bool HttpServer::ReloadWebConfig(std::string* error) {
  if (impl_->options.web_config_file.empty()) return true;
  http::WebConfig wc;
  if (!http::LoadWebConfig(impl_->options.web_config_file, &wc, error))
    return false;
  std::lock_guard<std::mutex> lock(impl_->web_mu);
  if (wc.tls.enabled != impl_->tls.enabled) {
    *error = impl_->options.web_config_file +
             ": switching TLS on or off needs a restart; keeping the running "
             "web config";
    return false;
  }
  if (wc.tls.enabled) {
    auto cert = LoadCertPair(wc.tls, error);
    if (!cert) return false;
    impl_->cert = cert;
    impl_->tls.cert_file = wc.tls.cert_file;
    impl_->tls.key_file = wc.tls.key_file;
    impl_->cert_mtime = MtimeNs(wc.tls.cert_file);
    impl_->key_mtime = MtimeNs(wc.tls.key_file);
  }
  auto state = std::make_shared<WebState>();
  state->auth = std::make_unique<http::BasicAuth>(wc.basic_auth_users);
  state->headers = wc.headers;
  impl_->web = state;
  return true;
}

void HttpServer::Stop() {
  // The gate first: its thread queues sockets into CivetWeb's context.
  if (impl_->gate) impl_->gate->Stop();
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
