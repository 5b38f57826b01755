// Parser for the mount table in /proc/<pid>/mounts (same format as
// /proc/mounts and /etc/mtab).
#ifndef HOST_EXPORTER_PARSE_MOUNTS_H_
#define HOST_EXPORTER_PARSE_MOUNTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One mount, with the kernel's octal escapes decoded.
struct MountEntry {
  std::string device;       ///< "/dev/sda1", "tmpfs", "server:/export"
  std::string mount_point;  ///< as the reading process sees it
  std::string fs_type;      ///< "ext4", "nfs4"
  std::string options;      ///< "rw,relatime"
};

/// Parses "device mountpoint fstype options dump pass" lines. The first four
/// fields are required (a line with fewer is an error naming it, as in
/// node_exporter); later ones are ignored.
Result<std::vector<MountEntry>> ParseMounts(std::string_view text);

/// Decodes the kernel's escapes: a backslash followed by three octal digits
/// is that byte ("\040" space, "\011" tab, "\012" newline, "\134"
/// backslash). Any other backslash is kept as is.
std::string UnescapeMountField(std::string_view s);

/// True if the comma-separated `options` contain exactly `option`
/// (HasMountOption("rw,noatime", "ro") is false).
bool HasMountOption(std::string_view options, std::string_view option);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_MOUNTS_H_
