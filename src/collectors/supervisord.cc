// supervisord: node_supervisord_* per process from supervisord's XML-RPC
// supervisor.getAllProcessInfo (node_exporter 1.9's names, default off), at
// --collector.supervisord.url: http://host[:port]/path, or unix:///path of
// supervisord's unix_http_server socket. The call waits at most
// --collector.timeout; an unreachable supervisord or a fault is an error
// naming the URL.
#include "parse/supervisord.h"

#include <sys/socket.h>

#include <chrono>
#include <stdexcept>
#include <string>

#include "collectors/deadline_socket.h"
#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::supervisord {
namespace {

constexpr char kUrlFlag[] = "collector.supervisord.url";
// Larger answers (thousands of processes) are refused.
constexpr size_t kMaxAnswer = 16 << 20;
// node_exporter's dial timeout (for a Unix socket); --collector.timeout
// (4 s by default) bounds the whole call when it is shorter.
constexpr std::chrono::seconds kMaxWait{10};

// Where the XML-RPC endpoint is.
struct Endpoint {
  std::string unix_path;  // non-empty: a Unix socket
  std::string host;       // else host (no brackets) and port
  std::string port;
  std::string host_header;
  std::string path = "/RPC2";
};

[[noreturn]] void Invalid(const std::string& url, const std::string& why) {
  throw std::invalid_argument(std::string("--") + kUrlFlag + ": '" + url +
                              "': " + why);
}

Endpoint ParseUrl(const std::string& url) {
  Endpoint e;
  if (url.starts_with("unix:")) {
    // Go's url.Parse: unix:///run/supervisor.sock or unix:/run/...
    std::string rest = url.substr(5);
    if (rest.starts_with("//")) {
      rest = rest.substr(2);
      if (!rest.starts_with("/")) Invalid(url, "expected unix:///<path>");
    }
    if (rest.empty()) Invalid(url, "no socket path");
    e.unix_path = rest;
    e.host_header = "unix";
    return e;
  }
  if (!url.starts_with("http://")) {
    Invalid(url, "only http:// and unix:// URLs are supported");
  }
  std::string rest = url.substr(7);
  const size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  e.path = slash == std::string::npos ? "/" : rest.substr(slash);
  if (authority.find('@') != std::string::npos) {
    Invalid(url, "a user name or password in the URL is not supported");
  }
  if (authority.empty()) Invalid(url, "no host");
  e.host_header = authority;
  e.port = "80";
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string::npos) Invalid(url, "unclosed '['");
    e.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') Invalid(url, "bad host");
      e.port = authority.substr(close + 2);
    }
  } else if (const size_t colon = authority.rfind(':');
             colon != std::string::npos) {
    e.host = authority.substr(0, colon);
    e.port = authority.substr(colon + 1);
  } else {
    e.host = authority;
  }
  const auto port = parse::ParseU64(e.port);
  if (!port || *port < 1 || *port > 65535) Invalid(url, "bad port");
  return e;
}

// supervisord's STARTING, RUNNING and STOPPING: a process is up.
bool IsRunning(int64_t state) {
  return state == 10 || state == 20 || state == 40;
}

class SupervisordCollector : public Collector {
 public:
  explicit SupervisordCollector(const CollectorOptions& o)
      : url_(o.Get(kUrlFlag)),
        endpoint_(ParseUrl(url_)),
        timeout_(WaitBudget(o, kMaxWait)) {}

  Families Collect(const HostPaths&) override {
    DeadlineSocket sock(DeadlineSocket::Clock::now() + timeout_,
                        "supervisord at " + url_);
    if (!endpoint_.unix_path.empty()) {
      sock.ConnectUnix(endpoint_.unix_path);
    } else {
      sock.ConnectInet(endpoint_.host, endpoint_.port, SOCK_STREAM);
    }
    sock.Send(parse::BuildXmlRpcRequest(endpoint_.host_header, endpoint_.path,
                                        "supervisor.getAllProcessInfo"));
    const std::string answer = sock.ReceiveAll(kMaxAnswer);
    auto body = parse::HttpResponseBody(answer);
    if (!body.ok()) Fail(body.error);
    auto processes = parse::ParseProcessInfo(body.value);
    if (!processes.ok()) Fail(processes.error);

    FamilySet out;
    auto& up = out.Gauge("node_supervisord_up", "Process Up");
    auto& state = out.Gauge("node_supervisord_state", "Process State");
    auto& exit_status =
        out.Gauge("node_supervisord_exit_status", "Process Exit Status");
    auto& start = out.Counter("node_supervisord_start_time_seconds",
                              "Process start time");
    for (const parse::SupervisordProcess& p : processes.value) {
      const Labels labels = {{"group", p.group}, {"name", p.name}};
      state.Add(labels, ToDouble(p.state));
      exit_status.Add(labels, ToDouble(p.exitstatus));
      const bool running = IsRunning(p.state);
      up.Add(labels, running ? 1 : 0);
      if (running) start.Add(labels, ToDouble(p.start));
    }
    return out.Take();
  }

 private:
  [[noreturn]] void Fail(const std::string& why) const {
    throw CollectError("unable to call supervisord at " + url_ + ": " + why);
  }

  const std::string url_;
  const Endpoint endpoint_;
  const std::chrono::nanoseconds timeout_;
};

}  // namespace

CollectorSpec Spec() {
  return {"supervisord",
          false,
          "Exposes service status from supervisord.",
          {{kUrlFlag, "http://localhost:9001/RPC2", "XML RPC endpoint."}},
          &MakeCollector<SupervisordCollector>};
}

}  // namespace host_exporter::collectors::supervisord
