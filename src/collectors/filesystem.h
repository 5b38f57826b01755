// Internal interface of the filesystem collector, so tests can replace
// statfs(2) with a fake (one that blocks, as on a dead NFS server).
#ifndef HOST_EXPORTER_COLLECTORS_FILESYSTEM_H_
#define HOST_EXPORTER_COLLECTORS_FILESYSTEM_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "host_exporter/collector.h"

namespace host_exporter {

/// What statfs(2) reports about one mounted filesystem.
struct FsUsage {
  uint64_t blocks = 0;  ///< total blocks of `block_size` bytes
  uint64_t bfree = 0;   ///< free blocks
  uint64_t bavail = 0;  ///< free blocks available to unprivileged users
  uint64_t block_size = 0;
  uint64_t files = 0;  ///< total inodes
  uint64_t ffree = 0;  ///< free inodes
};

/// Stats the filesystem at `path`: returns 0 and fills *out, or returns an
/// errno value. May block for as long as the filesystem does; it is called
/// on a helper thread, possibly after the collector that started it is gone.
using StatfsFunc = std::function<int(const std::string& path, FsUsage* out)>;

/// The real statfs(2) (f_bsize as the block size, as node_exporter).
int SystemStatfs(const std::string& path, FsUsage* out);

/// Creates the filesystem collector with its options and `statfs`. Throws
/// std::invalid_argument naming the flag for a bad option.
std::unique_ptr<Collector> NewFilesystemCollector(
    const CollectorOptions& options, StatfsFunc statfs);

}  // namespace host_exporter

#endif  // HOST_EXPORTER_COLLECTORS_FILESYSTEM_H_
