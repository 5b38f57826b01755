// SNTP packets, the sanity rules and the ntp collector against an SNTP
// server on loopback (a thread of the test).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>

#include "parse/sntp.h"
#include "tests/unit/collector_test_util.h"

namespace host_exporter {
namespace {

using parse::SntpReply;
using parse::SntpResponse;

constexpr uint64_t kSec = 1ULL << 32;

// An NTP timestamp of Unix second `s` plus `frac` (in 2^-32 s).
uint64_t Ntp(uint64_t s, uint64_t frac = 0) {
  return (s + parse::kNtpUnixOffset) * kSec + frac;
}

void Put32(std::string* p, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i)
    (*p)[at + i] = static_cast<char>(v >> (24 - 8 * i));
}
void Put64(std::string* p, size_t at, uint64_t v) {
  Put32(p, at, static_cast<uint32_t>(v >> 32));
  Put32(p, at + 4, static_cast<uint32_t>(v));
}

// A server's reply packet.
std::string Reply(int leap, int stratum, uint32_t root_delay,
                  uint32_t root_disp, uint64_t ref, uint64_t org, uint64_t rec,
                  uint64_t xmt) {
  std::string p(48, '\0');
  p[0] = static_cast<char>(leap << 6 | 4 << 3 | 4);
  p[1] = static_cast<char>(stratum);
  Put32(&p, 4, root_delay);
  Put32(&p, 8, root_disp);
  Put32(&p, 12, 0x7f7f0101);
  Put64(&p, 16, ref);
  Put64(&p, 24, org);
  Put64(&p, 32, rec);
  Put64(&p, 40, xmt);
  return p;
}

TEST(SntpTest, RequestIsAClientPacketCarryingTheCookie) {
  const std::string p = parse::BuildSntpRequest(4, 0x0102030405060708ULL);
  ASSERT_EQ(p.size(), 48u);
  EXPECT_EQ(static_cast<uint8_t>(p[0]), 0x23);  // leap 0, version 4, mode 3
  EXPECT_EQ(static_cast<uint8_t>(parse::BuildSntpRequest(2, 0)[0]), 0x13);
  EXPECT_EQ(p.substr(1, 39), std::string(39, '\0'));
  EXPECT_EQ(p.substr(40), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
}

TEST(SntpTest, TimestampOfUnixNanos) {
  EXPECT_EQ(parse::NtpTimestampFromUnixNanos(0), Ntp(0));
  EXPECT_EQ(parse::NtpTimestampFromUnixNanos(1'500'000'000), Ntp(1, kSec / 2));
}

TEST(SntpTest, ParsesTheHeader) {
  auto r = parse::ParseSntpReply(
      Reply(2, 3, 0x00018000, 0x00004000, Ntp(100), 7, Ntp(200), Ntp(201)));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.value.leap, 2);
  EXPECT_EQ(r.value.version, 4);
  EXPECT_EQ(r.value.mode, 4);
  EXPECT_EQ(r.value.stratum, 3);
  EXPECT_EQ(r.value.root_delay, 0x00018000u);
  EXPECT_EQ(r.value.reference_id, 0x7f7f0101u);
  EXPECT_EQ(r.value.reference_time, Ntp(100));
  EXPECT_EQ(r.value.origin_time, 7u);
  EXPECT_EQ(r.value.transmit_time, Ntp(201));
  EXPECT_EQ(parse::ParseSntpReply(std::string(47, '\0')).error,
            "short NTP packet: 47 bytes, at least 48 expected");
}

SntpReply Parsed(const std::string& bytes) {
  auto r = parse::ParseSntpReply(bytes);
  EXPECT_TRUE(r.ok()) << r.error;
  return r.value;
}

TEST(SntpTest, OffsetRttAndDistance) {
  // Sent at 1000.0, the server received at 1000.3 and answered at 1000.4
  // (its clock), received back at 1000.2: offset ((0.3) + (0.2)) / 2 = 0.25,
  // rtt 0.2 - 0.1 = 0.1.
  const uint64_t tenth = kSec / 10;
  const SntpReply p =
      Parsed(Reply(0, 2, 0x00008000 /* 0.5 s */, 0x00004000 /* 0.25 s */,
                   Ntp(990), 42, Ntp(1000, 3 * tenth), Ntp(1000, 4 * tenth)));
  auto r = parse::InterpretSntpReply(p, 42, Ntp(1000), Ntp(1000, 2 * tenth));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_NEAR(r.value.clock_offset, 0.25, 1e-9);
  EXPECT_NEAR(r.value.rtt, 0.1, 1e-9);
  EXPECT_NEAR(r.value.time, 1000.4, 1e-6);
  EXPECT_NEAR(r.value.reference_time, 990, 1e-9);
  EXPECT_DOUBLE_EQ(r.value.root_delay, 0.5);
  EXPECT_DOUBLE_EQ(r.value.root_dispersion, 0.25);
  EXPECT_NEAR(r.value.root_distance, (0.1 + 0.5) / 2 + 0.25, 1e-9);
  // xmt (1000.4) after dst (1000.2): a causality violation of 0.2 s.
  EXPECT_NEAR(r.value.min_error, 0.2, 1e-9);
  EXPECT_EQ(r.value.stratum, 2);
}

TEST(SntpTest, CausalityViolationBeyond2p31SecondsIsPositive) {
  // The server's transmit time 2^32 - 1 s after the local receive time
  // (found by the fuzzer): min error is that, not a negative number.
  const uint64_t xmt = ~uint64_t{0};
  const SntpReply p = Parsed(Reply(0, 2, 0, 0, 0, 42, 0, xmt));
  auto r = parse::InterpretSntpReply(p, 42, 0, 0);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_GT(r.value.min_error, 4294967295.0 - 1);
}

TEST(SntpTest, RejectsRepliesThatAreNotTheAnswer) {
  const SntpReply ok =
      Parsed(Reply(0, 2, 0, 0, Ntp(990), 42, Ntp(1000), Ntp(1000)));
  EXPECT_EQ(parse::InterpretSntpReply(ok, 43, Ntp(1000), Ntp(1000)).error,
            "server response mismatch (origin time is not the request's)");
  SntpReply p = ok;
  p.mode = 3;
  EXPECT_EQ(parse::InterpretSntpReply(p, 42, Ntp(1000), Ntp(1000)).error,
            "invalid mode 3 in response (4, server, expected)");
  p = ok;
  p.transmit_time = 0;
  EXPECT_EQ(parse::InterpretSntpReply(p, 42, Ntp(1000), Ntp(1000)).error,
            "invalid transmit time in response");
  p = ok;
  p.receive_time = Ntp(1001);
  EXPECT_EQ(parse::InterpretSntpReply(p, 42, Ntp(1000), Ntp(1000)).error,
            "server clock ticked backwards");
}

SntpResponse Fit() {
  SntpResponse r;
  r.time = 1'000'000;
  r.reference_time = r.time - 64;
  r.stratum = 2;
  r.root_distance = 0.01;
  return r;
}

TEST(SntpTest, UnfitReasons) {
  EXPECT_EQ(parse::SntpUnfitReason(Fit()), "");
  SntpResponse r = Fit();
  r.stratum = 0;
  EXPECT_EQ(parse::SntpUnfitReason(r), "kiss of death (stratum 0)");
  r = Fit();
  r.stratum = 16;
  EXPECT_EQ(parse::SntpUnfitReason(r), "invalid stratum 16");
  r = Fit();
  r.reference_time = r.time - 131073;
  EXPECT_NE(parse::SntpUnfitReason(r), "");
  r = Fit();
  r.reference_time = r.time + 1;
  EXPECT_EQ(parse::SntpUnfitReason(r), "transmit time before reference time");
  r = Fit();
  r.root_delay = 2;
  r.root_dispersion = 15.5;
  EXPECT_EQ(parse::SntpUnfitReason(r), "root distance above 16 s");
  r = Fit();
  r.leap = 3;
  EXPECT_EQ(parse::SntpUnfitReason(r), "not synchronised (leap indicator 3)");
}

TEST(SntpTest, SanityLimitsAndLeapSmearing) {
  std::optional<int64_t> leap;
  EXPECT_TRUE(parse::SntpSane(Fit(), 3.46608, 0.001, &leap));
  SntpResponse r = Fit();
  r.root_distance = 3.5;
  EXPECT_FALSE(parse::SntpSane(r, 3.46608, 0.001, &leap));
  r = Fit();
  r.min_error = 0.5;
  EXPECT_FALSE(parse::SntpSane(r, 3.46608, 0.001, &leap));
  EXPECT_FALSE(leap.has_value());
  // A leap second announced: its midnight is remembered, and within a day
  // of it a second more of error is tolerated, also once the flag is gone.
  r.leap = 1;
  EXPECT_TRUE(parse::SntpSane(r, 3.46608, 0.001, &leap));
  ASSERT_TRUE(leap.has_value());
  EXPECT_EQ(*leap, 1'036'800);  // the next midnight after 1'000'000
  r.leap = 0;
  r.time = 1'036'800 + 3600;
  r.reference_time = r.time - 64;
  EXPECT_TRUE(parse::SntpSane(r, 3.46608, 0.001, &leap));
  r.time = 1'036'800 + 86400 + 1;
  r.reference_time = r.time - 64;
  EXPECT_FALSE(parse::SntpSane(r, 3.46608, 0.001, &leap));
}

}  // namespace

namespace testing {
namespace {

// A UDP socket on 127.0.0.1 whose thread answers one request with what
// `answer` makes of it (nothing: stays silent), for at most 5 s.
class FakeSntpServer {
 public:
  explicit FakeSntpServer(std::function<std::string(const std::string&)> answer)
      : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      throw std::runtime_error("cannot bind a UDP socket on 127.0.0.1");
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this, answer] {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 5000) != 1) return;
      char buf[512];
      sockaddr_in from{};
      socklen_t flen = sizeof from;
      const ssize_t n = ::recvfrom(fd_, buf, sizeof buf, 0,
                                   reinterpret_cast<sockaddr*>(&from), &flen);
      if (n <= 0) return;
      request_.assign(buf, static_cast<size_t>(n));
      const std::string reply = answer(request_);
      if (!reply.empty()) {
        ::sendto(fd_, reply.data(), reply.size(), 0,
                 reinterpret_cast<sockaddr*>(&from), flen);
      }
    });
  }
  ~FakeSntpServer() {
    thread_.join();
    ::close(fd_);
  }
  std::string port() const { return std::to_string(port_); }
  // The request received (read after the collector returned).
  const std::string& request() const { return request_; }

 private:
  int fd_;
  int port_ = 0;
  std::string request_;
  std::thread thread_;
};

CollectorOptions NtpOptions(const std::string& port) {
  CollectorOptions o = Opt("collector.ntp.server-port", port);
  o.Set("collector.timeout", {"300ms"});
  return o;
}

TEST(NtpCollectorTest, ReportsTheServersAnswer) {
  FakeSntpServer server([](const std::string& req) {
    const std::string org = req.substr(40, 8);
    const uint64_t now = parse::NtpTimestampFromUnixNanos(
        std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::system_clock::now().time_since_epoch())
            .count());
    std::string p =
        Reply(0, 3, 0x00000800 /* 1/32 s */, 0x00000400 /* 1/64 s */,
              now - 64 * kSec, 0, now, now);
    p.replace(24, 8, org);
    return p;
  });
  const Families fams = RunCollector("ntp", NtpOptions(server.port()));
  ASSERT_EQ(server.request().size(), 48u);
  EXPECT_EQ(static_cast<uint8_t>(server.request()[0]), 0x23);
  EXPECT_EQ(FindValue(fams, "node_ntp_stratum"), 3);
  EXPECT_EQ(FindValue(fams, "node_ntp_leap"), 0);
  EXPECT_EQ(FindValue(fams, "node_ntp_root_delay_seconds"), 1.0 / 32);
  EXPECT_EQ(FindValue(fams, "node_ntp_root_dispersion_seconds"), 1.0 / 64);
  const double now = std::chrono::duration<double>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  const auto ref = FindValue(fams, "node_ntp_reference_timestamp_seconds");
  ASSERT_TRUE(ref.has_value());
  EXPECT_LT(std::fabs(*ref - (now - 64)), 30);
  ASSERT_TRUE(FindValue(fams, "node_ntp_rtt_seconds").has_value());
  ASSERT_TRUE(FindValue(fams, "node_ntp_offset_seconds").has_value());
  EXPECT_EQ(FindValue(fams, "node_ntp_sanity"), 1);
  EXPECT_EQ(Family(fams, "node_ntp_stratum").help, "NTPD stratum.");
  EXPECT_EQ(fams.size(), 8u);
}

TEST(NtpCollectorTest, UnsynchronisedServerIsNotSane) {
  FakeSntpServer server([](const std::string& req) {
    const uint64_t now = parse::NtpTimestampFromUnixNanos(
        std::chrono::duration_cast<std::chrono::nanoseconds>(
            std::chrono::system_clock::now().time_since_epoch())
            .count());
    std::string p = Reply(3, 16, 0, 0, 0, 0, now, now);
    p.replace(24, 8, req.substr(40, 8));
    return p;
  });
  const Families fams = RunCollector("ntp", NtpOptions(server.port()));
  EXPECT_EQ(FindValue(fams, "node_ntp_leap"), 3);
  EXPECT_EQ(FindValue(fams, "node_ntp_stratum"), 16);
  EXPECT_EQ(FindValue(fams, "node_ntp_reference_timestamp_seconds"), 0);
  EXPECT_EQ(FindValue(fams, "node_ntp_sanity"), 0);
}

TEST(NtpCollectorTest, SilentServerIsAnErrorAfterTheTimeout) {
  FakeSntpServer server([](const std::string&) { return std::string(); });
  try {
    RunCollector("ntp", NtpOptions(server.port()));
    ADD_FAILURE() << "no error";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()), "NTP server 127.0.0.1:" + server.port() +
                                         ": no reply: timed out");
  }
}

TEST(NtpCollectorTest, ReplyToAnotherRequestIsAnError) {
  FakeSntpServer server([](const std::string&) {
    return Reply(0, 2, 0, 0, Ntp(1), 12345, Ntp(2), Ntp(2));
  });
  try {
    RunCollector("ntp", NtpOptions(server.port()));
    ADD_FAILURE() << "no error";
  } catch (const CollectError& e) {
    EXPECT_EQ(std::string(e.what()),
              "couldn't get SNTP reply from 127.0.0.1:" + server.port() +
                  ": server response mismatch (origin time is not the "
                  "request's)");
  }
}

TEST(NtpCollectorTest, OnlyALoopbackServerUnlessCertifiedLocal) {
  EXPECT_THROW(MakeCollector("ntp", Opt("collector.ntp.server", "192.0.2.1")),
               std::invalid_argument);
  EXPECT_THROW(MakeCollector("ntp", Opt("collector.ntp.server", "localhost")),
               std::invalid_argument);
  EXPECT_NE(MakeCollector("ntp", Opt("collector.ntp.server", "::1")), nullptr);
  CollectorOptions o = Opt("collector.ntp.server", "192.0.2.1");
  o.Set("collector.ntp.server-is-local", {"true"});
  EXPECT_NE(MakeCollector("ntp", o), nullptr);
  EXPECT_THROW(MakeCollector("ntp", Opt("collector.ntp.protocol-version", "5")),
               std::invalid_argument);
  EXPECT_THROW(MakeCollector("ntp", Opt("collector.ntp.server-port", "0")),
               std::invalid_argument);
  EXPECT_THROW(MakeCollector("ntp", Opt("collector.ntp.max-distance", "3")),
               std::invalid_argument);
}

}  // namespace
}  // namespace testing
}  // namespace host_exporter
