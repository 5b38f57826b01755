// supervisord's XML-RPC answer, the HTTP around it, and the supervisord
// collector against a fake supervisord on loopback and on a Unix socket.
#include "parse/supervisord.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

// A member of a process struct, as supervisord writes it.
std::string Member(const std::string& name, const std::string& value) {
  return "<member>\n<name>" + name + "</name>\n<value>" + value +
         "</value>\n</member>\n";
}
std::string Int(int64_t v) { return "<int>" + std::to_string(v) + "</int>"; }
std::string Str(const std::string& s) { return "<string>" + s + "</string>"; }

// supervisor.getAllProcessInfo's answer (abridged from supervisord 4.2's)
// for a running and an exited program.
const std::string kAnswer =
    "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n"
    "<value><array><data>\n<value><struct>\n" +
    Member("name", Str("oneshot")) + Member("group", Str("batch")) +
    Member("start", Int(1796553534)) + Member("stop", Int(1796553534)) +
    Member("state", Int(100)) + Member("statename", Str("EXITED")) +
    Member("spawnerr", Str("Bad exit code 3")) + Member("exitstatus", Int(3)) +
    Member("pid", Int(0)) + "</struct></value>\n<value><struct>\n" +
    Member("name", Str("sleeper")) + Member("group", Str("sleeper")) +
    Member("start", "<i4>1796553500</i4>") + Member("state", Int(20)) +
    Member("statename", "RUNNING") + Member("exitstatus", Int(0)) +
    Member("pid", Int(19586)) +
    "</struct></value>\n</data></array></value>\n</param>\n</params>\n"
    "</methodResponse>\n";

const std::string kFault =
    "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n" +
    Member("faultCode", Int(1)) + Member("faultString", Str("UNKNOWN_METHOD")) +
    "</struct></value>\n</fault>\n</methodResponse>\n";

std::string Http200(const std::string& body) {
  return "HTTP/1.0 200 OK\r\nServer: Medusa/1.12\r\nContent-Type: "
         "text/xml\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(SupervisordParseTest, ReadsEveryProcess) {
  auto r = parse::ParseProcessInfo(kAnswer);
  ASSERT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(r.value.size(), 2u);
  EXPECT_EQ(r.value[0].name, "oneshot");
  EXPECT_EQ(r.value[0].group, "batch");
  EXPECT_EQ(r.value[0].state, 100);
  EXPECT_EQ(r.value[0].statename, "EXITED");
  EXPECT_EQ(r.value[0].exitstatus, 3);
  EXPECT_EQ(r.value[0].start, 1796553534);
  EXPECT_EQ(r.value[1].name, "sleeper");
  EXPECT_EQ(r.value[1].state, 20);
  EXPECT_EQ(r.value[1].statename, "RUNNING");  // an untyped value: a string
  EXPECT_EQ(r.value[1].start, 1796553500);     // <i4>
  EXPECT_EQ(r.value[1].pid, 19586);
}

TEST(SupervisordParseTest, FaultsAndMalformedAnswersAreErrors) {
  EXPECT_EQ(parse::ParseProcessInfo(kFault).error, "fault 1: UNKNOWN_METHOD");
  EXPECT_EQ(parse::ParseProcessInfo("<methodResponse><params>").error,
            "XML line 1: no element found");
  EXPECT_EQ(parse::ParseProcessInfo("<html/>").error,
            "<html> instead of <methodResponse>");
  EXPECT_EQ(parse::ParseProcessInfo(
                "<methodResponse><params><param><value><string>x</string>"
                "</value></param></params></methodResponse>")
                .error,
            "the answer is not an array");
  EXPECT_EQ(parse::ParseProcessInfo(
                "<methodResponse><params><param><value><array><data><value>"
                "<struct><member><name>state</name><value><string>x</string>"
                "</value></member></struct></value></data></array></value>"
                "</param></params></methodResponse>")
                .error,
            "process 1: member 'state' has the wrong type");
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<a>";
  EXPECT_EQ(parse::ParseProcessInfo(deep).error,
            "XML line 1: elements nested deeper than 32");
}

TEST(SupervisordParseTest, HttpBody) {
  EXPECT_EQ(parse::HttpResponseBody(Http200("abc") + "trailing").value, "abc");
  EXPECT_EQ(parse::HttpResponseBody("HTTP/1.0 200 OK\r\n\r\nto the end").value,
            "to the end");
  EXPECT_EQ(parse::HttpResponseBody("HTTP/1.1 200 OK\r\nTransfer-Encoding: "
                                    "chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n"
                                    "0\r\n\r\n")
                .value,
            "abcde");
  EXPECT_EQ(parse::HttpResponseBody("HTTP/1.0 401 Unauthorized\r\n\r\n").error,
            "HTTP status 'HTTP/1.0 401 Unauthorized'");
  EXPECT_EQ(parse::HttpResponseBody("HTTP/1.0 200 OK\r\nContent-Length: "
                                    "10\r\n\r\nabc")
                .error,
            "truncated body: 3 of 10 bytes");
  EXPECT_EQ(parse::HttpResponseBody("HTTP/1.0 200 OK\r\n").error,
            "incomplete HTTP response (17 bytes, no header end)");
}

TEST(SupervisordParseTest, Request) {
  const std::string req = parse::BuildXmlRpcRequest(
      "127.0.0.1:9001", "/RPC2", "supervisor.getAllProcessInfo");
  const std::string body =
      "<?xml version=\"1.0\"?>\n<methodCall><methodName>"
      "supervisor.getAllProcessInfo</methodName><params></params>"
      "</methodCall>\n";
  EXPECT_EQ(req,
            "POST /RPC2 HTTP/1.0\r\nHost: 127.0.0.1:9001\r\nUser-Agent: "
            "host_exporter\r\nContent-Type: text/xml\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body);
}

}  // namespace

namespace testing {
namespace {

// A listening socket (TCP on 127.0.0.1, or Unix at `unix_path`) whose
// thread answers one connection with `answer` once the request's head has
// come, then closes it; gives up after 5 s.
class FakeSupervisord {
 public:
  FakeSupervisord(std::string answer, const std::string& unix_path = "")
      : answer_(std::move(answer)) {
    if (unix_path.empty()) {
      fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      socklen_t len = sizeof a;
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 ||
          ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        throw std::runtime_error("bind 127.0.0.1");
      }
      url_ = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + "/RPC2";
    } else {
      fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_un a{};
      a.sun_family = AF_UNIX;
      std::strncpy(a.sun_path, unix_path.c_str(), sizeof a.sun_path - 1);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        throw std::runtime_error("bind " + unix_path);
      }
      url_ = "unix://" + unix_path;
    }
    ::listen(fd_, 1);
    thread_ = std::thread([this] {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 5000) != 1) return;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) return;
      char buf[4096];
      pollfd q{c, POLLIN, 0};
      while (request_.find("</methodCall>") == std::string::npos &&
             ::poll(&q, 1, 5000) == 1) {
        const ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        request_.append(buf, static_cast<size_t>(n));
      }
      if (!answer_.empty()) ::send(c, answer_.data(), answer_.size(), 0);
      ::close(c);
    });
  }
  ~FakeSupervisord() {
    thread_.join();
    ::close(fd_);
  }
  const std::string& url() const { return url_; }
  const std::string& request() const { return request_; }

 private:
  std::string answer_;
  int fd_ = -1;
  std::string url_;
  std::string request_;
  std::thread thread_;
};

CollectorOptions UrlOptions(const std::string& url) {
  CollectorOptions o = Opt("collector.supervisord.url", url);
  o.Set("collector.timeout", {"2s"});
  return o;
}

void ExpectProcesses(const Families& fams) {
  const Labels oneshot = {{"group", "batch"}, {"name", "oneshot"}};
  const Labels sleeper = {{"group", "sleeper"}, {"name", "sleeper"}};
  EXPECT_EQ(FindValue(fams, "node_supervisord_state", oneshot), 100);
  EXPECT_EQ(FindValue(fams, "node_supervisord_exit_status", oneshot), 3);
  EXPECT_EQ(FindValue(fams, "node_supervisord_up", oneshot), 0);
  EXPECT_EQ(FindValue(fams, "node_supervisord_start_time_seconds", oneshot),
            std::nullopt);  // only for a running process
  EXPECT_EQ(FindValue(fams, "node_supervisord_state", sleeper), 20);
  EXPECT_EQ(FindValue(fams, "node_supervisord_up", sleeper), 1);
  EXPECT_EQ(FindValue(fams, "node_supervisord_start_time_seconds", sleeper),
            1796553500);
  EXPECT_EQ(Family(fams, "node_supervisord_start_time_seconds").type,
            prometheus::MetricType::Counter);
  EXPECT_EQ(Family(fams, "node_supervisord_up").help, "Process Up");
}

TEST(SupervisordCollectorTest, OverHttp) {
  FakeSupervisord fake(Http200(kAnswer));
  const Families fams = RunCollector("supervisord", UrlOptions(fake.url()));
  ExpectProcesses(fams);
  EXPECT_TRUE(fake.request().starts_with("POST /RPC2 HTTP/1.0\r\n"));
}

TEST(SupervisordCollectorTest, OverAUnixSocket) {
  TempRoot root;
  FakeSupervisord fake(Http200(kAnswer), root.dir() + "/supervisor.sock");
  ExpectProcesses(RunCollector("supervisord", UrlOptions(fake.url())));
}

TEST(SupervisordCollectorTest, FaultIsAnErrorNamingTheUrl) {
  FakeSupervisord fake(Http200(kFault));
  try {
    RunCollector("supervisord", UrlOptions(fake.url()));
    ADD_FAILURE() << "no error";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()), "unable to call supervisord at " +
                                         fake.url() +
                                         ": fault 1: UNKNOWN_METHOD");
  }
}

TEST(SupervisordCollectorTest, ClosedWithoutAnAnswerIsAnError) {
  FakeSupervisord fake("");  // reads the request, closes without answering
  CollectorOptions o = UrlOptions(fake.url());
  try {
    RunCollector("supervisord", o);
    ADD_FAILURE() << "no error";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              "unable to call supervisord at " + fake.url() +
                  ": incomplete HTTP response (0 bytes, no header end)");
  }
}

TEST(SupervisordCollectorTest, BadUrlsAreRefusedAtStart) {
  for (const char* url :
       {"https://localhost:9001/RPC2", "http://user:pw@localhost:9001/RPC2",
        "http://localhost:0/RPC2", "http:///RPC2", "unix://"}) {
    EXPECT_THROW(
        MakeCollector("supervisord", Opt("collector.supervisord.url", url)),
        std::invalid_argument)
        << url;
  }
  EXPECT_NE(MakeCollector("supervisord", Opt("collector.supervisord.url",
                                             "http://[::1]:9001/RPC2")),
            nullptr);
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
