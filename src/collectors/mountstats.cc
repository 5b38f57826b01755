// mountstats: node_mountstats_nfs_* per NFS mount from
// <procfs>/self/mountstats, with the server address from
// <procfs>/self/mountinfo, as node_exporter 1.5. Off by default.
#include "parse/mountstats.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::mountstats {
namespace {

// node_exporter wraps some counters at 2^53 so that they stay exact in a
// float64.
constexpr uint64_t kFloat64Mantissa = 9007199254740992ULL;

// A per-mount family (labels export, protocol, mountaddr).
struct MountMetric {
  const char* name;
  const char* help;
  bool counter;
  double (*value)(const parse::NfsMountStats&);
};

#define NFS_EVENT(index) \
  [](const parse::NfsMountStats& s) { return ToDouble(s.events[index]); }
#define NFS_BYTES(index) \
  [](const parse::NfsMountStats& s) { return ToDouble(s.bytes[index]); }
#define NFS_XPRT(field) \
  [](const parse::NfsMountStats& s) { return ToDouble(s.transport.field); }

const MountMetric kMountMetrics[] = {
    {"node_mountstats_nfs_age_seconds_total",
     "The age of the NFS mount in seconds.", true,
     [](const parse::NfsMountStats& s) { return s.age_seconds; }},
    {"node_mountstats_nfs_read_bytes_total",
     "Number of bytes read using the read() syscall.", true, NFS_BYTES(0)},
    {"node_mountstats_nfs_write_bytes_total",
     "Number of bytes written using the write() syscall.", true, NFS_BYTES(1)},
    {"node_mountstats_nfs_direct_read_bytes_total",
     "Number of bytes read using the read() syscall in O_DIRECT mode.", true,
     NFS_BYTES(2)},
    {"node_mountstats_nfs_direct_write_bytes_total",
     "Number of bytes written using the write() syscall in O_DIRECT mode.",
     true, NFS_BYTES(3)},
    {"node_mountstats_nfs_total_read_bytes_total",
     "Number of bytes read from the NFS server, in total.", true, NFS_BYTES(4)},
    {"node_mountstats_nfs_total_write_bytes_total",
     "Number of bytes written to the NFS server, in total.", true,
     NFS_BYTES(5)},
    {"node_mountstats_nfs_read_pages_total",
     "Number of pages read directly via mmap()'d files.", true, NFS_BYTES(6)},
    {"node_mountstats_nfs_write_pages_total",
     "Number of pages written directly via mmap()'d files.", true,
     NFS_BYTES(7)},
    {"node_mountstats_nfs_transport_bind_total",
     "Number of times the client has had to establish a connection from "
     "scratch to the NFS server.",
     true, NFS_XPRT(bind)},
    {"node_mountstats_nfs_transport_connect_total",
     "Number of times the client has made a TCP connection to the NFS "
     "server.",
     true, NFS_XPRT(connect)},
    {"node_mountstats_nfs_transport_idle_time_seconds",
     "Duration since the NFS mount last saw any RPC traffic, in seconds.",
     false,
     [](const parse::NfsMountStats& s) {
       return ToDouble(s.transport.idle_time_seconds % kFloat64Mantissa);
     }},
    {"node_mountstats_nfs_transport_sends_total",
     "Number of RPC requests for this mount sent to the NFS server.", true,
     NFS_XPRT(sends)},
    {"node_mountstats_nfs_transport_receives_total",
     "Number of RPC responses for this mount received from the NFS server.",
     true, NFS_XPRT(receives)},
    {"node_mountstats_nfs_transport_bad_transaction_ids_total",
     "Number of times the NFS server sent a response with a transaction ID "
     "unknown to this client.",
     true, NFS_XPRT(bad_transaction_ids)},
    {"node_mountstats_nfs_transport_backlog_queue_total",
     "Total number of items added to the RPC backlog queue.", true,
     NFS_XPRT(cumulative_backlog)},
    {"node_mountstats_nfs_transport_maximum_rpc_slots",
     "Maximum number of simultaneously active RPC requests ever used.", false,
     NFS_XPRT(maximum_rpc_slots_used)},
    {"node_mountstats_nfs_transport_sending_queue_total",
     "Total number of items added to the RPC transmission sending queue.", true,
     NFS_XPRT(cumulative_sending_queue)},
    {"node_mountstats_nfs_transport_pending_queue_total",
     "Total number of items added to the RPC transmission pending queue.", true,
     NFS_XPRT(cumulative_pending_queue)},
    {"node_mountstats_nfs_event_inode_revalidate_total",
     "Number of times cached inode attributes are re-validated from the "
     "server.",
     true, NFS_EVENT(0)},
    {"node_mountstats_nfs_event_dnode_revalidate_total",
     "Number of times cached dentry nodes are re-validated from the server.",
     true, NFS_EVENT(1)},
    {"node_mountstats_nfs_event_data_invalidate_total",
     "Number of times an inode cache is cleared.", true, NFS_EVENT(2)},
    {"node_mountstats_nfs_event_attribute_invalidate_total",
     "Number of times cached inode attributes are invalidated.", true,
     NFS_EVENT(3)},
    // node_exporter 1.5 reuses the help text of the line above here.
    {"node_mountstats_nfs_event_vfs_open_total",
     "Number of times cached inode attributes are invalidated.", true,
     NFS_EVENT(4)},
    {"node_mountstats_nfs_event_vfs_lookup_total",
     "Number of times a directory lookup has occurred.", true, NFS_EVENT(5)},
    {"node_mountstats_nfs_event_vfs_access_total",
     "Number of times permissions have been checked.", true, NFS_EVENT(6)},
    {"node_mountstats_nfs_event_vfs_update_page_total",
     "Number of updates (and potential writes) to pages.", true, NFS_EVENT(7)},
    {"node_mountstats_nfs_event_vfs_read_page_total",
     "Number of pages read directly via mmap()'d files.", true, NFS_EVENT(8)},
    {"node_mountstats_nfs_event_vfs_read_pages_total",
     "Number of times a group of pages have been read.", true, NFS_EVENT(9)},
    {"node_mountstats_nfs_event_vfs_write_page_total",
     "Number of pages written directly via mmap()'d files.", true,
     NFS_EVENT(10)},
    {"node_mountstats_nfs_event_vfs_write_pages_total",
     "Number of times a group of pages have been written.", true,
     NFS_EVENT(11)},
    {"node_mountstats_nfs_event_vfs_getdents_total",
     "Number of times directory entries have been read with getdents().", true,
     NFS_EVENT(12)},
    // node_exporter 1.5 reuses the help text of the line above here.
    {"node_mountstats_nfs_event_vfs_setattr_total",
     "Number of times directory entries have been read with getdents().", true,
     NFS_EVENT(13)},
    {"node_mountstats_nfs_event_vfs_flush_total",
     "Number of pending writes that have been forcefully flushed to the "
     "server.",
     true, NFS_EVENT(14)},
    {"node_mountstats_nfs_event_vfs_fsync_total",
     "Number of times fsync() has been called on directories and files.", true,
     NFS_EVENT(15)},
    {"node_mountstats_nfs_event_vfs_lock_total",
     "Number of times locking has been attempted on a file.", true,
     NFS_EVENT(16)},
    {"node_mountstats_nfs_event_vfs_file_release_total",
     "Number of times files have been closed and released.", true,
     NFS_EVENT(17)},
    // Event 18 (congestion wait) is not exported.
    {"node_mountstats_nfs_event_truncation_total",
     "Number of times files have been truncated.", true, NFS_EVENT(19)},
    {"node_mountstats_nfs_event_write_extension_total",
     "Number of times a file has been grown due to writes beyond its existing "
     "end.",
     true, NFS_EVENT(20)},
    {"node_mountstats_nfs_event_silly_rename_total",
     "Number of times a file was removed while still open by another "
     "process.",
     true, NFS_EVENT(21)},
    {"node_mountstats_nfs_event_short_read_total",
     "Number of times the NFS server gave less data than expected while "
     "reading.",
     true, NFS_EVENT(22)},
    {"node_mountstats_nfs_event_short_write_total",
     "Number of times the NFS server wrote less data than expected while "
     "writing.",
     true, NFS_EVENT(23)},
    {"node_mountstats_nfs_event_jukebox_delay_total",
     "Number of times the NFS server indicated EJUKEBOX; retrieving data from "
     "offline storage.",
     true, NFS_EVENT(24)},
    {"node_mountstats_nfs_event_pnfs_read_total",
     "Number of NFS v4.1+ pNFS reads.", true, NFS_EVENT(25)},
    {"node_mountstats_nfs_event_pnfs_write_total",
     "Number of NFS v4.1+ pNFS writes.", true, NFS_EVENT(26)},
};

#undef NFS_EVENT
#undef NFS_BYTES
#undef NFS_XPRT

// A per-operation family (the mount's labels plus operation).
struct OperationMetric {
  const char* name;
  const char* help;
  double (*value)(const parse::NfsOperationStats&);
};

const OperationMetric kOperationMetrics[] = {
    {"node_mountstats_nfs_operations_requests_total",
     "Number of requests performed for a given operation.",
     [](const parse::NfsOperationStats& o) { return ToDouble(o.requests); }},
    {"node_mountstats_nfs_operations_transmissions_total",
     "Number of times an actual RPC request has been transmitted for a given "
     "operation.",
     [](const parse::NfsOperationStats& o) {
       return ToDouble(o.transmissions);
     }},
    {"node_mountstats_nfs_operations_major_timeouts_total",
     "Number of times a request has had a major timeout for a given "
     "operation.",
     [](const parse::NfsOperationStats& o) {
       return ToDouble(o.major_timeouts);
     }},
    {"node_mountstats_nfs_operations_sent_bytes_total",
     "Number of bytes sent for a given operation, including RPC headers and "
     "payload.",
     [](const parse::NfsOperationStats& o) { return ToDouble(o.bytes_sent); }},
    {"node_mountstats_nfs_operations_received_bytes_total",
     "Number of bytes received for a given operation, including RPC headers "
     "and payload.",
     [](const parse::NfsOperationStats& o) {
       return ToDouble(o.bytes_received);
     }},
    {"node_mountstats_nfs_operations_queue_time_seconds_total",
     "Duration all requests spent queued for transmission for a given "
     "operation before they were sent, in seconds.",
     [](const parse::NfsOperationStats& o) {
       return ToDouble(o.queue_ms % kFloat64Mantissa) / 1000.0;
     }},
    {"node_mountstats_nfs_operations_response_time_seconds_total",
     "Duration all requests took to get a reply back after a request for a "
     "given operation was transmitted, in seconds.",
     [](const parse::NfsOperationStats& o) {
       return ToDouble(o.response_ms % kFloat64Mantissa) / 1000.0;
     }},
    {"node_mountstats_nfs_operations_request_time_seconds_total",
     "Duration all requests took from when a request was enqueued to when it "
     "was completely handled for a given operation, in seconds.",
     [](const parse::NfsOperationStats& o) {
       return ToDouble(o.request_ms % kFloat64Mantissa) / 1000.0;
     }},
};

class MountstatsCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string stats_path = paths.Proc("self/mountstats");
    auto stats_text = ReadFileIfExists(stats_path);
    if (!stats_text) return {};
    auto mounts = Unwrap(parse::ParseMountStats(*stats_text), stats_path);
    // mountinfo lists the same mounts in the same order; it has the server
    // address ("addr=") that mountstats lacks.
    const std::string info_path = paths.Proc("self/mountinfo");
    std::vector<parse::MountInfoEntry> infos;  // views of info_text
    const std::optional<std::string> info_text = ReadFileIfExists(info_path);
    if (info_text) infos = Unwrap(parse::ParseMountInfo(*info_text), info_path);

    FamilySet out;
    std::vector<FamilyBuilder*> per_mount;
    for (const MountMetric& m : kMountMetrics) {
      per_mount.push_back(&out.Family(m.name, m.help,
                                      m.counter
                                          ? prometheus::MetricType::Counter
                                          : prometheus::MetricType::Gauge));
    }
    std::vector<FamilyBuilder*> per_op;
    for (const OperationMetric& m : kOperationMetrics) {
      per_op.push_back(&out.Counter(m.name, m.help));
    }
    // A filesystem mounted several times is reported once.
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    for (size_t i = 0; i < mounts.size(); ++i) {
      const parse::MountStatsEntry& m = mounts[i];
      if (!m.has_nfs_stats) continue;
      std::string addr;
      if (i < infos.size()) {
        addr = parse::MountOptionValue(infos[i].super_options, "addr")
                   .value_or("");
      }
      const std::string& protocol = m.nfs.transport.protocol;
      if (!seen.emplace(m.device, protocol, addr).second) continue;
      const Labels labels = {
          {"export", m.device}, {"protocol", protocol}, {"mountaddr", addr}};
      for (size_t k = 0; k < per_mount.size(); ++k) {
        per_mount[k]->Add(labels, kMountMetrics[k].value(m.nfs));
      }
      for (const parse::NfsOperationStats& op : m.nfs.operations) {
        Labels op_labels = labels;
        op_labels.emplace_back("operation", op.operation);
        for (size_t k = 0; k < per_op.size(); ++k) {
          per_op[k]->Add(op_labels, kOperationMetrics[k].value(op));
        }
      }
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"mountstats",
          false,
          "Exposes filesystem statistics from /proc/self/mountstats. Exposes "
          "detailed NFS client statistics.",
          {},
          &MakeCollector<MountstatsCollector>};
}

}  // namespace host_exporter::collectors::mountstats
