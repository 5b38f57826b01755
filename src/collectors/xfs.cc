// xfs: node_xfs_* per mounted XFS filesystem from
// /sys/fs/xfs/<device>/stats/stats, as node_exporter 1.5. Like 1.5 it reads
// only the per-device files (kernel 4.4+), not the host-wide
// /sys/fs/xfs/stats/stats or /proc/fs/xfs/stat, which would count every
// device again under no device name.
//
// The devices are kept by name between cycles, each with its stats file's
// path: a steady cycle lists fs/xfs without making a string of an entry
// (ForEachDirEntry), reads each device's file into a kept buffer
// (ReadPathInto, whose descriptor the toolkit keeps by its rules), and
// parses it where it is.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/xfs_stats.h"

namespace host_exporter::collectors::xfs {
namespace {

// One node_xfs_* family: a counter read from the parsed stats.
struct XfsMetric {
  const char* name;
  const char* help;
  uint64_t (*value)(const parse::XfsStats&);
};

// Names and help texts from node_exporter 1.5 (which took them from the
// XFS wiki's "Runtime Stats" page).
const XfsMetric kXfsMetrics[] = {
    {"node_xfs_extent_allocation_extents_allocated_total",
     "Number of extents allocated for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.extent_alloc[0]; }},
    {"node_xfs_extent_allocation_blocks_allocated_total",
     "Number of blocks allocated for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.extent_alloc[1]; }},
    {"node_xfs_extent_allocation_extents_freed_total",
     "Number of extents freed for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.extent_alloc[2]; }},
    {"node_xfs_extent_allocation_blocks_freed_total",
     "Number of blocks freed for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.extent_alloc[3]; }},
    {"node_xfs_allocation_btree_lookups_total",
     "Number of allocation B-tree lookups for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.alloc_btree[0]; }},
    {"node_xfs_allocation_btree_compares_total",
     "Number of allocation B-tree compares for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.alloc_btree[1]; }},
    {"node_xfs_allocation_btree_records_inserted_total",
     "Number of allocation B-tree records inserted for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.alloc_btree[2]; }},
    {"node_xfs_allocation_btree_records_deleted_total",
     "Number of allocation B-tree records deleted for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.alloc_btree[3]; }},
    {"node_xfs_block_mapping_reads_total",
     "Number of block map for read operations for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.block_map[0]; }},
    {"node_xfs_block_mapping_writes_total",
     "Number of block map for write operations for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.block_map[1]; }},
    {"node_xfs_block_mapping_unmaps_total",
     "Number of block unmaps (deletes) for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.block_map[2]; }},
    {"node_xfs_block_mapping_extent_list_insertions_total",
     "Number of extent list insertions for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.block_map[3]; }},
    {"node_xfs_block_mapping_extent_list_deletions_total",
     "Number of extent list deletions for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.block_map[4]; }},
    {"node_xfs_block_mapping_extent_list_lookups_total",
     "Number of extent list lookups for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.block_map[5]; }},
    {"node_xfs_block_mapping_extent_list_compares_total",
     "Number of extent list compares for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.block_map[6]; }},
    {"node_xfs_block_map_btree_lookups_total",
     "Number of block map B-tree lookups for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.block_map_btree[0]; }},
    {"node_xfs_block_map_btree_compares_total",
     "Number of block map B-tree compares for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.block_map_btree[1]; }},
    {"node_xfs_block_map_btree_records_inserted_total",
     "Number of block map B-tree records inserted for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.block_map_btree[2]; }},
    {"node_xfs_block_map_btree_records_deleted_total",
     "Number of block map B-tree records deleted for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.block_map_btree[3]; }},
    {"node_xfs_directory_operation_lookup_total",
     "Number of file name directory lookups which miss the operating systems "
     "directory name lookup cache.",
     [](const parse::XfsStats& s) -> uint64_t { return s.dir[0]; }},
    {"node_xfs_directory_operation_create_total",
     "Number of times a new directory entry was created for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.dir[1]; }},
    {"node_xfs_directory_operation_remove_total",
     "Number of times an existing directory entry was created for a "
     "filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.dir[2]; }},
    {"node_xfs_directory_operation_getdents_total",
     "Number of times the directory getdents operation was performed for a "
     "filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.dir[3]; }},
    {"node_xfs_inode_operation_attempts_total",
     "Number of times the OS looked for an XFS inode in the inode cache.",
     [](const parse::XfsStats& s) -> uint64_t { return s.inode_get[0]; }},
    {"node_xfs_inode_operation_found_total",
     "Number of times the OS looked for and found an XFS inode in the inode "
     "cache.",
     [](const parse::XfsStats& s) -> uint64_t { return s.inode_get[1]; }},
    {"node_xfs_inode_operation_recycled_total",
     "Number of times the OS found an XFS inode in the cache, but could not "
     "use it as it was being recycled.",
     [](const parse::XfsStats& s) -> uint64_t { return s.inode_get[2]; }},
    {"node_xfs_inode_operation_missed_total",
     "Number of times the OS looked for an XFS inode in the cache, but did "
     "not find it.",
     [](const parse::XfsStats& s) -> uint64_t { return s.inode_get[3]; }},
    {"node_xfs_inode_operation_duplicates_total",
     "Number of times the OS tried to add a missing XFS inode to the inode "
     "cache, but found it had already been added by another process.",
     [](const parse::XfsStats& s) -> uint64_t { return s.inode_get[4]; }},
    {"node_xfs_inode_operation_reclaims_total",
     "Number of times the OS reclaimed an XFS inode from the inode cache to "
     "free memory for another purpose.",
     [](const parse::XfsStats& s) -> uint64_t { return s.inode_get[5]; }},
    {"node_xfs_inode_operation_attribute_changes_total",
     "Number of times the OS explicitly changed the attributes of an XFS "
     "inode.",
     [](const parse::XfsStats& s) -> uint64_t { return s.inode_get[6]; }},
    // The kernel prints write calls before read calls on the "rw" line.
    {"node_xfs_read_calls_total",
     "Number of read(2) system calls made to files in a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.rw[1]; }},
    {"node_xfs_write_calls_total",
     "Number of write(2) system calls made to files in a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.rw[0]; }},
    {"node_xfs_vnode_active_total",
     "Number of vnodes not on free lists for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.vnodes[0]; }},
    {"node_xfs_vnode_allocate_total",
     "Number of times vn_alloc called for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.vnodes[1]; }},
    {"node_xfs_vnode_get_total",
     "Number of times vn_get called for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.vnodes[2]; }},
    {"node_xfs_vnode_hold_total",
     "Number of times vn_hold called for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.vnodes[3]; }},
    {"node_xfs_vnode_release_total",
     "Number of times vn_rele called for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.vnodes[4]; }},
    {"node_xfs_vnode_reclaim_total",
     "Number of times vn_reclaim called for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.vnodes[5]; }},
    {"node_xfs_vnode_remove_total",
     "Number of times vn_remove called for a filesystem.",
     [](const parse::XfsStats& s) -> uint64_t { return s.vnodes[6]; }},
};

class XfsCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    if (paths.sysfs != sysfs_ || root_.empty()) {
      devices_.clear();
      sysfs_ = paths.sysfs;
      root_ = paths.Sys("fs/xfs");
    }
    // node_exporter globs fs/xfs/*/stats/stats: every directory with a
    // stats/stats file is a device. The host-wide "stats" directory holds
    // the file stats (/sys/fs/xfs/stats/stats), so it is no device and its
    // stats/stats/stats, which cannot exist, is not looked for.
    for (auto& [name, d] : devices_) d.listed = false;
    const int err = ForEachDirEntry(root_, [this](std::string_view name, Kind) {
      if (name == "stats") return;
      auto it = devices_.find(name);
      if (it == devices_.end()) {
        it = devices_.try_emplace(std::string(name)).first;
        it->second.path = root_ + "/" + it->first + "/stats/stats";
      }
      it->second.listed = true;
    });
    if (err == ENOENT || err == ENOTDIR) {
      devices_.clear();
      return {};
    }
    if (err != 0) ThrowErrno(root_, err);
    std::erase_if(devices_, [](const auto& kv) { return !kv.second.listed; });

    // In name order, as the listing was sorted.
    bool any = false;
    for (auto& [name, d] : devices_) {
      d.present = false;
      const int read = ReadPathInto(d.path, &text_);
      if (read == ENOENT || read == ENOTDIR) continue;
      if (read != 0) ThrowErrno(d.path, read);
      d.stats = Unwrap(parse::ParseXfsStats(text_), d.path);
      d.present = any = true;
    }
    FamilySet out;
    if (!any) return out.Take();
    for (const XfsMetric& m : kXfsMetrics) {
      auto& f = out.Counter(m.name, m.help);
      for (const auto& [name, d] : devices_) {
        if (!d.present) continue;
        f.Add({{"device", name}}, static_cast<double>(m.value(d.stats)));
      }
    }
    return out.Take();
  }

 private:
  // A directory of fs/xfs, by name: a device if it has a stats/stats file.
  struct Device {
    std::string path;  // <root>/<name>/stats/stats
    parse::XfsStats stats;
    bool listed = false;   // listed this cycle
    bool present = false;  // its stats read this cycle
  };
  std::string sysfs_;  // the paths the devices were kept under
  std::string root_;   // <sysfs>/fs/xfs
  std::map<std::string, Device, std::less<>> devices_;
  std::string text_;  // the stats file read last
};

}  // namespace

CollectorSpec Spec() {
  return {"xfs",
          true,
          "Exposes XFS runtime statistics per filesystem from "
          "/sys/fs/xfs/<device>/stats/stats.",
          {},
          &MakeCollector<XfsCollector>};
}

}  // namespace host_exporter::collectors::xfs
