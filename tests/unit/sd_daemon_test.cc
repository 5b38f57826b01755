// systemd's notify, watchdog and socket-activation protocols as
// app/sd_daemon.h speaks them, against sockets and environments of the test.
#include "app/sd_daemon.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "temp_dir.h"

namespace host_exporter::app::sd {
namespace {

// A datagram socket bound at `name` (a path, or an abstract name after '@'),
// as the service manager listens.
int BindNotifySocket(const std::string& name) {
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, name.data(), name.size());
  socklen_t len = offsetof(sockaddr_un, sun_path) + name.size();
  if (name[0] == '@') {
    addr.sun_path[0] = '\0';
  } else {
    ++len;
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string Receive(int fd) {
  char buf[256];
  const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  return n < 0 ? std::string("(nothing)") : std::string(buf, size_t(n));
}

TEST(SdDaemonTest, NotifiesAPathSocket) {
  testing::TempDir dir;
  const std::string path = dir.dir() + "/notify";
  const int fd = BindNotifySocket(path);
  ASSERT_GE(fd, 0) << path;
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  EXPECT_TRUE(Notify("READY=1"));
  EXPECT_EQ(Receive(fd), "READY=1");
  EXPECT_TRUE(Notify("READY=1\nWATCHDOG=1"));
  EXPECT_EQ(Receive(fd), "READY=1\nWATCHDOG=1");
  ::unsetenv("NOTIFY_SOCKET");
  ::close(fd);
}

TEST(SdDaemonTest, NotifiesAnAbstractSocket) {
  const std::string name =
      "@host_exporter_sd_daemon_test." + std::to_string(::getpid());
  const int fd = BindNotifySocket(name);
  ASSERT_GE(fd, 0);
  ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  EXPECT_TRUE(Notify("STOPPING=1"));
  EXPECT_EQ(Receive(fd), "STOPPING=1");
  ::unsetenv("NOTIFY_SOCKET");
  ::close(fd);
}

TEST(SdDaemonTest, NoNotifySocketNoNotification) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(Notify("READY=1"));
  ::setenv("NOTIFY_SOCKET", "relative/path", 1);
  EXPECT_FALSE(Notify("READY=1"));
  ::setenv("NOTIFY_SOCKET", "/nonexistent/host_exporter/notify", 1);
  EXPECT_FALSE(Notify("READY=1"));
  ::unsetenv("NOTIFY_SOCKET");
}

TEST(SdDaemonTest, WatchdogForThisProcessOnly) {
  const std::string me = std::to_string(::getpid());
  ::unsetenv("WATCHDOG_PID");
  ::unsetenv("WATCHDOG_USEC");
  EXPECT_EQ(WatchdogUsec(), 0u);
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  EXPECT_EQ(WatchdogUsec(), 30000000u);  // no WATCHDOG_PID: for us
  ::setenv("WATCHDOG_PID", me.c_str(), 1);
  EXPECT_EQ(WatchdogUsec(), 30000000u);
  ::setenv("WATCHDOG_PID", "1", 1);
  EXPECT_EQ(WatchdogUsec(), 0u);  // another process's
  ::setenv("WATCHDOG_PID", me.c_str(), 1);
  ::setenv("WATCHDOG_USEC", "30s", 1);
  EXPECT_EQ(WatchdogUsec(), 0u);  // not a number
  ::unsetenv("WATCHDOG_PID");
  ::unsetenv("WATCHDOG_USEC");
}

int ListeningTcpSocket() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(fd, 1) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

TEST(SdDaemonTest, KnowsAListeningStreamSocket) {
  const int listening = ListeningTcpSocket();
  ASSERT_GE(listening, 0);
  EXPECT_TRUE(IsListeningStreamSocket(listening));
  const int stream = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_FALSE(IsListeningStreamSocket(stream));  // not listening
  const int dgram = ::socket(AF_INET, SOCK_DGRAM, 0);
  EXPECT_FALSE(IsListeningStreamSocket(dgram));
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  EXPECT_FALSE(IsListeningStreamSocket(pipe_fds[0]));
  for (int fd : {listening, stream, dgram, pipe_fds[0], pipe_fds[1]})
    ::close(fd);
}

TEST(SdDaemonTest, TakesTheDescriptorsPassedToThisProcess) {
  // Descriptor 3 as systemd passes it, whatever it held before restored.
  const int saved = ::dup(kListenFdsStart);
  const int listening = ListeningTcpSocket();
  ASSERT_GE(listening, 0);
  ASSERT_EQ(::dup2(listening, kListenFdsStart), kListenFdsStart);
  const std::string me = std::to_string(::getpid());

  ::setenv("LISTEN_FDS", "1", 1);
  ::setenv("LISTEN_PID", "1", 1);  // another process's
  EXPECT_EQ(ListenFds(), 0);
  EXPECT_EQ(std::getenv("LISTEN_FDS"), nullptr);  // removed all the same

  ::setenv("LISTEN_FDS", "1", 1);
  ::setenv("LISTEN_PID", me.c_str(), 1);
  ::setenv("LISTEN_FDNAMES", "web", 1);
  EXPECT_EQ(ListenFds(), 1);
  EXPECT_EQ(std::getenv("LISTEN_FDS"), nullptr);
  EXPECT_EQ(std::getenv("LISTEN_PID"), nullptr);
  EXPECT_EQ(std::getenv("LISTEN_FDNAMES"), nullptr);
  EXPECT_TRUE(::fcntl(kListenFdsStart, F_GETFD) & FD_CLOEXEC);
  EXPECT_TRUE(IsListeningStreamSocket(kListenFdsStart));

  ::setenv("LISTEN_FDS", "1", 1);  // LISTEN_PID is required
  EXPECT_EQ(ListenFds(), 0);

  ::close(listening);
  if (saved >= 0) {
    ::dup2(saved, kListenFdsStart);
    ::close(saved);
  } else {
    ::close(kListenFdsStart);
  }
}

TEST(SdDaemonTest, RemovesTheVariablesOnEveryPath) {
  // sd_listen_fds(1): once read, LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES
  // are gone whatever the outcome, so no child process inherits them.
  const std::string me = std::to_string(::getpid());
  const int saved = ::dup(kListenFdsStart);
  ::close(kListenFdsStart);  // passed but not open: not ours after all
  struct Case {
    const char* fds;
    const char* pid;
  };
  for (const Case& c :
       {Case{"1", me.c_str()}, Case{"0", me.c_str()}, Case{"x", me.c_str()},
        Case{"5000", me.c_str()}, Case{"1", "x"}, Case{"", me.c_str()}}) {
    ::setenv("LISTEN_FDS", c.fds, 1);
    ::setenv("LISTEN_PID", c.pid, 1);
    ::setenv("LISTEN_FDNAMES", "web", 1);
    EXPECT_EQ(ListenFds(), 0) << c.fds << " " << c.pid;
    EXPECT_EQ(std::getenv("LISTEN_FDS"), nullptr) << c.fds << " " << c.pid;
    EXPECT_EQ(std::getenv("LISTEN_PID"), nullptr) << c.fds << " " << c.pid;
    EXPECT_EQ(std::getenv("LISTEN_FDNAMES"), nullptr) << c.fds << " " << c.pid;
  }
  if (saved >= 0) {
    ::dup2(saved, kListenFdsStart);
    ::close(saved);
  }
}

}  // namespace
}  // namespace host_exporter::app::sd
