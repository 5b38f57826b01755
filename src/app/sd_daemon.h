// systemd's service protocols, spoken without libsystemd: readiness and
// watchdog notifications (sd_notify(3): a datagram to $NOTIFY_SOCKET),
// socket activation (sd_listen_fds(3): $LISTEN_PID, $LISTEN_FDS, descriptors
// from 3) and the watchdog's period ($WATCHDOG_USEC, $WATCHDOG_PID).
//
// Written here instead of linking libsystemd, the library that implements
// them, because linking it maps libsystemd, libgcrypt, libgpg-error,
// liblzma, libzstd and liblz4 into every exporter: about 1 MB of its 10 MB
// resident, for four environment variables and one sendto(2). The protocols
// are documented as stable interfaces for other implementations
// (systemd's sd_notify(3) and "Interface Portability and Stability").
// libsystemd itself is still used for D-Bus, loaded only by the collectors
// that need it (collectors/sdbus.h).
#ifndef HOST_EXPORTER_APP_SD_DAEMON_H_
#define HOST_EXPORTER_APP_SD_DAEMON_H_

#include <cstdint>
#include <string_view>

namespace host_exporter::app::sd {

/// The first descriptor systemd passes (SD_LISTEN_FDS_START).
inline constexpr int kListenFdsStart = 3;

/// Sends `state` ("READY=1", "WATCHDOG=1", ...) to the service manager at
/// $NOTIFY_SOCKET (a path, or an abstract name after '@'); false if there is
/// none or it cannot be reached. Like sd_notify(0, state).
bool Notify(std::string_view state);

/// The watchdog period asked by $WATCHDOG_USEC if $WATCHDOG_PID is unset or
/// this process; 0 if none. Like sd_watchdog_enabled(0, &usec).
uint64_t WatchdogUsec();

/// The number of descriptors passed by socket activation ($LISTEN_FDS, for
/// this process by $LISTEN_PID), starting at kListenFdsStart, each made
/// close-on-exec; 0 if none (or one of them is not open). LISTEN_PID,
/// LISTEN_FDS and LISTEN_FDNAMES are removed from the environment on every
/// path, so no child process inherits them. Like sd_listen_fds(1).
int ListenFds();

/// True if `fd` is a stream socket in the listening state. Like
/// sd_is_socket(fd, AF_UNSPEC, SOCK_STREAM, 1) > 0.
bool IsListeningStreamSocket(int fd);

}  // namespace host_exporter::app::sd

#endif  // HOST_EXPORTER_APP_SD_DAEMON_H_
