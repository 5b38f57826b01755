// selinux: node_selinux_enabled, and when enabled node_selinux_config_mode
// and node_selinux_current_mode.
//
// node_exporter 1.5 asks libselinux-compatible Go code, which always looks at
// the live /sys/fs/selinux, /proc/self/mountinfo and /etc/selinux/config.
// We read the same files under the injected roots instead, so that
// --path.sysfs/--path.rootfs are honoured and tests can use a fixture:
//   - selinuxfs is <sysfs>/fs/selinux when it is a writable selinuxfs mount
//     (checked with statfs; a read-only mount, as container runtimes use to
//     hide SELinux, means disabled), or -- for a plain directory such as a
//     fixture tree -- when it contains an "enforce" file; otherwise the first
//     writable selinuxfs mount listed in <procfs>/self/mounts (under rootfs);
//   - selinuxfs is looked for by a collector's first cycle only (as
//     node_exporter, whose libselinux-compatible code does it once per
//     process), so a host without SELinux is not probed every cycle; a
//     SIGHUP makes new collectors that look again;
//   - current mode: <selinuxfs>/enforce; configured mode:
//     <rootfs>/etc/selinux/config (SELINUX=enforcing|permissive; else -1).
#include "parse/selinux.h"

#include <linux/magic.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>

#include <optional>
#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/mounts.h"

namespace host_exporter::collectors::selinux {
namespace {

// The file's content, or nullopt if it cannot be read for any reason
// (libselinux treats an unreadable file as an absent one).
std::optional<std::string> ReadQuietly(const std::string& path) {
  try {
    return ReadFileIfExists(path);
  } catch (const CollectError&) {
    return std::nullopt;
  }
}

// Where selinuxfs is mounted, or nullopt if SELinux is disabled.
std::optional<std::string> FindSelinuxfs(const HostPaths& paths) {
  const std::string dir = paths.Sys("fs/selinux");
  struct statfs st;
  if (::statfs(dir.c_str(), &st) == 0) {
    if (static_cast<uint32_t>(st.f_type) == SELINUX_MAGIC) {
      if ((st.f_flags & ST_RDONLY) == 0) return dir;
    } else if (ReadQuietly(dir + "/enforce")) {
      return dir;  // not a mount: a copy of selinuxfs (a fixture tree)
    }
  }
  const std::string mounts_path = paths.Proc("self/mounts");
  auto text = ReadFileIfExists(mounts_path);
  if (!text) return std::nullopt;
  for (const parse::MountEntry& m :
       Unwrap(parse::ParseMounts(*text), mounts_path)) {
    if (m.fs_type == "selinuxfs" && !parse::HasMountOption(m.options, "ro")) {
      return paths.Root(m.mount_point);
    }
  }
  return std::nullopt;
}

class SelinuxCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    auto& enabled = out.Gauge("node_selinux_enabled",
                              "SELinux is enabled, 1 is true, 0 is false");
    // Looked for once, as node_exporter's libselinux-compatible code finds
    // its mount point once per process: SELinux is not enabled at run time,
    // and a host without it is not probed again each cycle.
    if (!selinuxfs_) selinuxfs_ = FindSelinuxfs(paths);
    const std::optional<std::string>& fs = *selinuxfs_;
    if (!fs) {
      enabled.Add(0);
      return out.Take();
    }
    enabled.Add(1);

    // Unreadable or absent files read as "disabled" (-1), as libselinux.
    int config_mode = parse::kSelinuxDisabled;
    if (auto text = ReadQuietly(paths.Root("/etc/selinux/config"))) {
      config_mode = parse::ParseSelinuxConfigMode(*text).value;
    }
    int current_mode = parse::kSelinuxDisabled;
    if (auto text = ReadQuietly(*fs + "/enforce")) {
      current_mode = parse::ParseSelinuxEnforce(*text).value;
    }
    out.Gauge("node_selinux_config_mode", "Configured SELinux enforcement mode")
        .Add(config_mode);
    out.Gauge("node_selinux_current_mode", "Current SELinux enforcement mode")
        .Add(current_mode);
    return out.Take();
  }

 private:
  // Where selinuxfs is (nullopt inside: disabled), once looked for.
  std::optional<std::optional<std::string>> selinuxfs_;
};

}  // namespace

CollectorSpec Spec() {
  return {"selinux",
          true,
          "Exposes SELinux statistics (selinuxfs under --path.sysfs, "
          "/etc/selinux/config under --path.rootfs).",
          {},
          &MakeCollector<SelinuxCollector>};
}

}  // namespace host_exporter::collectors::selinux
