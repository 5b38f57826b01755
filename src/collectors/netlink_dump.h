// Netlink dumps for the collectors that ask the kernel (tcpstat over
// sock_diag, network_route over rtnetlink). The parsing is in
// src/parse/netlink.h; this is the socket I/O.
#ifndef HOST_EXPORTER_COLLECTORS_NETLINK_DUMP_H_
#define HOST_EXPORTER_COLLECTORS_NETLINK_DUMP_H_

#include <string>
#include <vector>

#include "parse/netlink.h"

namespace host_exporter {

/// True if `path` is a mounted procfs (as opposed to a copy on disk, such as
/// the test fixtures): only then is there a kernel to ask over netlink.
bool IsProcfs(const std::string& path);

/// Sends one dump request on a new netlink socket of `protocol` and returns
/// the messages of the answer, up to NLMSG_DONE. Throws CollectError naming
/// `what` on failure.
std::vector<parse::NetlinkMessage> NetlinkDump(int protocol,
                                               const std::string& request,
                                               const std::string& what);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_COLLECTORS_NETLINK_DUMP_H_
