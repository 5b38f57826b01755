// Root paths of the host being observed. Injected everywhere so tests can
// point the collectors at a fixture tree instead of the live /proc and /sys.
#ifndef HOST_EXPORTER_PATHS_H_
#define HOST_EXPORTER_PATHS_H_

#include <string>
#include <string_view>

namespace host_exporter {

/// Where procfs, sysfs, the root filesystem and the udev database are
/// (node_exporter's --path.procfs, --path.sysfs, --path.rootfs,
/// --path.udev.data).
struct HostPaths {
  std::string procfs = "/proc";
  std::string sysfs = "/sys";
  std::string rootfs = "/";
  /// The udev database (--path.udev.data); "" is /run/udev/data under
  /// rootfs.
  std::string udev_data;

  /// procfs joined with a relative path, e.g. Proc("stat") -> "/proc/stat".
  std::string Proc(std::string_view rel) const { return Join(procfs, rel); }
  /// sysfs joined with a relative path.
  std::string Sys(std::string_view rel) const { return Join(sysfs, rel); }
  /// rootfs joined with an absolute host path ("/" maps to rootfs itself).
  std::string Root(std::string_view abs) const { return Join(rootfs, abs); }

  /// The udev database directory (files b<major>:<minor>).
  std::string UdevData() const {
    return udev_data.empty() ? Root("/run/udev/data") : udev_data;
  }

  /// Joins two path pieces with exactly one '/' between them.
  static std::string Join(std::string_view a, std::string_view b) {
    while (!b.empty() && b.front() == '/') b.remove_prefix(1);
    std::string out(a);
    if (b.empty()) return out.empty() ? "/" : out;
    if (out.empty() || out.back() != '/') out.push_back('/');
    out.append(b);
    return out;
  }
};

}  // namespace host_exporter

#endif  // HOST_EXPORTER_PATHS_H_
