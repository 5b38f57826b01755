#include "app/sd_daemon.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <optional>

namespace host_exporter::app::sd {
namespace {

// A decimal variable of the environment, or nullopt if unset or not a
// number.
std::optional<uint64_t> EnvNumber(const char* name) {
  const char* s = std::getenv(name);
  if (s == nullptr || *s == '\0') return std::nullopt;
  uint64_t v = 0;
  const char* end = s + std::strlen(s);
  auto [p, ec] = std::from_chars(s, end, v);
  if (ec != std::errc() || p != end) return std::nullopt;
  return v;
}

bool ForThisProcess(const char* pid_variable, bool required) {
  const auto pid = EnvNumber(pid_variable);
  if (!pid) return !required && std::getenv(pid_variable) == nullptr;
  return *pid == static_cast<uint64_t>(::getpid());
}

// The count ListenFds() returns, read from the environment.
int TakeListenFds() {
  const auto fds = EnvNumber("LISTEN_FDS");
  if (!fds || *fds == 0 || *fds >= 4096 || !ForThisProcess("LISTEN_PID", true))
    return 0;
  const int n = static_cast<int>(*fds);
  for (int fd = kListenFdsStart; fd < kListenFdsStart + n; ++fd) {
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags < 0) return 0;  // not open: not ours after all
    ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
  return n;
}

}  // namespace

bool Notify(std::string_view state) {
  const char* e = std::getenv("NOTIFY_SOCKET");
  if (e == nullptr || (e[0] != '/' && e[0] != '@')) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const size_t len = std::strlen(e);
  if (len < 2 || len > sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, e, len);
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // abstract
  // A path is terminated by its NUL; an abstract name is exactly its bytes.
  const socklen_t addr_len = static_cast<socklen_t>(
      offsetof(sockaddr_un, sun_path) + len + (e[0] == '/' ? 1 : 0));
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const ssize_t n =
      ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
               reinterpret_cast<const sockaddr*>(&addr), addr_len);
  ::close(fd);
  return n == static_cast<ssize_t>(state.size());
}

uint64_t WatchdogUsec() {
  const auto usec = EnvNumber("WATCHDOG_USEC");
  if (!usec || *usec == 0 || !ForThisProcess("WATCHDOG_PID", false)) return 0;
  return *usec;
}

int ListenFds() {
  const int n = TakeListenFds();
  // Once read, gone whatever the outcome: no child process inherits them.
  ::unsetenv("LISTEN_PID");
  ::unsetenv("LISTEN_FDS");
  ::unsetenv("LISTEN_FDNAMES");
  return n;
}

bool IsListeningStreamSocket(int fd) {
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return false;
  int type = 0, listening = 0;
  socklen_t l = sizeof type;
  if (::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) != 0 ||
      type != SOCK_STREAM) {
    return false;
  }
  l = sizeof listening;
  return ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &l) == 0 &&
         listening != 0;
}

}  // namespace host_exporter::app::sd
