#include "collectors/netlink_dump.h"

#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "collectors/toolkit.h"
#include "host_exporter/collector.h"

namespace host_exporter {
namespace {

constexpr long kProcSuperMagic = 0x9fa0;  // PROC_SUPER_MAGIC, <linux/magic.h>

}  // namespace

bool IsProcfs(const std::string& path) {
  struct statfs s;
  return ::statfs(path.c_str(), &s) == 0 && s.f_type == kProcSuperMagic;
}

std::vector<parse::NetlinkMessage> NetlinkDump(int protocol,
                                               const std::string& request,
                                               const std::string& what) {
  auto fail = [&](const std::string& why) {
    return CollectError(what + ": " + why);
  };
  ScopedFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol));
  if (fd.get() < 0) throw fail(std::string("socket: ") + std::strerror(errno));
  // The kernel answers at once; the timeout only guards against a hang.
  struct timeval timeout = {10, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  struct sockaddr_nl kernel = {};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd.get(), request.data(), request.size(), 0,
               reinterpret_cast<struct sockaddr*>(&kernel),
               sizeof kernel) < 0) {
    throw fail(std::string("send: ") + std::strerror(errno));
  }
  std::vector<parse::NetlinkMessage> out;
  std::string buf(64 * 1024, '\0');
  while (true) {
    ssize_t n = ::recv(fd.get(), buf.data(), buf.size(), MSG_TRUNC);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw fail(std::string("recv: ") + std::strerror(errno));
    }
    if (static_cast<size_t>(n) > buf.size()) throw fail("answer truncated");
    auto msgs = parse::ParseNetlinkMessages(
        std::string_view(buf.data(), static_cast<size_t>(n)));
    if (!msgs.ok()) throw fail(msgs.error);
    for (parse::NetlinkMessage& m : msgs.value) {
      if (m.type == parse::kNlmsgDone) return out;
      if (m.type == parse::kNlmsgError) {
        int err = parse::NetlinkErrorCode(m.payload);
        if (err == 0) return out;
        throw fail(err > 0 ? std::strerror(err) : "short error message");
      }
      out.push_back(std::move(m));
    }
  }
}

}  // namespace host_exporter
