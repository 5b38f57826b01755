// nfsd: node_nfsd_* NFS server statistics from /proc/net/rpc/nfsd, as
// node_exporter 1.9 (v4 operations in the kernel's order, WdelegGetattr),
// or 1.5 with --compat.node-exporter=1.5.
#include <initializer_list>
#include <string>
#include <string_view>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/nfs_rpc.h"

namespace host_exporter::collectors::nfsd {
namespace {

// Adds the procedures of one protocol version, leaving out `skip` (the
// entries node_exporter does not export). `values` may hold more.
template <size_t N, size_t M>
void AddRequests(FamilyBuilder* f, const char* proto,
                 const std::array<std::string_view, N>& names,
                 const std::array<uint64_t, M>& values,
                 std::initializer_list<std::string_view> skip) {
  for (size_t i = 0; i < N; ++i) {
    bool skipped = false;
    for (std::string_view s : skip) skipped = skipped || s == names[i];
    if (skipped) continue;
    f->Add({{"proto", proto}, {"method", names[i]}}, ToDouble(values[i]));
  }
}

class NfsdCollector : public Collector {
 public:
  explicit NfsdCollector(const CollectorOptions& o)
      : ne15_(o.NodeExporter15()) {}

  Families Collect(const HostPaths& paths) override {
    if (path_.empty() || procfs_ != paths.procfs) {
      procfs_ = paths.procfs;
      path_ = paths.Proc("net/rpc/nfsd");
    }
    const std::string& path = path_;
    auto text = ReadFileIfExists(path);
    if (!text) return {};  // no NFS server running
    auto s = Unwrap(parse::ParseNfsServerStats(*text), path);

    FamilySet out;
    auto counter = [&out](const char* name, const char* help, uint64_t v) {
      out.Counter(name, help).Add(ToDouble(v));
    };
    counter("node_nfsd_reply_cache_hits_total",
            "Total number of NFSd Reply Cache hits (client lost server "
            "response).",
            s.rc_hits);
    counter("node_nfsd_reply_cache_misses_total",
            "Total number of NFSd Reply Cache an operation that requires "
            "caching (idempotent).",
            s.rc_misses);
    counter("node_nfsd_reply_cache_nocache_total",
            "Total number of NFSd Reply Cache non-idempotent operations "
            "(rename/delete/\xE2\x80\xA6).",
            s.rc_nocache);
    counter("node_nfsd_file_handles_stale_total",
            "Total number of NFSd stale file handles", s.fh_stale);
    counter("node_nfsd_disk_bytes_read_total", "Total NFSd bytes read.",
            s.io_read);
    counter("node_nfsd_disk_bytes_written_total", "Total NFSd bytes written.",
            s.io_write);
    out.Gauge("node_nfsd_server_threads",
              "Total number of NFSd kernel threads that are running.")
        .Add(ToDouble(s.threads));
    out.Gauge("node_nfsd_read_ahead_cache_size_blocks",
              "How large the read ahead cache is in blocks.")
        .Add(ToDouble(s.ra_cache_size));
    counter("node_nfsd_read_ahead_cache_not_found_total",
            "Total number of NFSd read ahead cache not found.", s.ra_not_found);
    out.Counter("node_nfsd_packets_total",
                "Total NFSd network packets (sent+received) by protocol type.")
        .Add({{"proto", "udp"}}, ToDouble(s.network.udp_count))
        .Add({{"proto", "tcp"}}, ToDouble(s.network.tcp_count));
    counter("node_nfsd_connections_total",
            "Total number of NFSd TCP connections.", s.network.tcp_connect);
    out.Counter("node_nfsd_rpc_errors_total",
                "Total number of NFSd RPC errors by error type.")
        .Add({{"error", "fmt"}}, ToDouble(s.rpc_bad_fmt))
        .Add({{"error", "auth"}}, ToDouble(s.rpc_bad_auth))
        .Add({{"error", "cInt"}}, ToDouble(s.rpc_bad_client));
    counter("node_nfsd_server_rpcs_total", "Total number of NFSd RPCs.",
            s.rpc_count);

    auto& requests =
        out.Counter("node_nfsd_requests_total",
                    "Total number NFSd Requests by method and protocol.");
    AddRequests(&requests, "2", parse::kNfsV2ProcNames, s.v2, {"Null"});
    AddRequests(&requests, "3", parse::kNfsV3ProcNames, s.v3, {"Null"});
    const std::initializer_list<std::string_view> kNotV4 = {
        "Op0Unused", "Op1Unused", "Op2Future", "PutPubFH", "PutRootFH"};
    if (ne15_) {
      AddRequests(&requests, "4", parse::kNfsdV4OpNames, s.v4_ops, kNotV4);
    } else {
      AddRequests(&requests, "4", parse::kNfsdV4OpNames19, s.v4_ops, kNotV4);
      requests.Add({{"proto", "4"}, {"method", "WdelegGetattr"}},
                   ToDouble(s.wdeleg_getattr));
    }
    return out.Take();
  }

 private:
  // --compat.node-exporter=1.5: procfs 0.8's v4 operation names.
  bool ne15_;
  // The file's path, made for procfs_.
  std::string procfs_, path_;
};

}  // namespace

CollectorSpec Spec() {
  return {"nfsd",
          true,
          "Exposes NFS kernel server statistics from /proc/net/rpc/nfsd.",
          {},
          &MakeCollector<NfsdCollector>};
}

}  // namespace host_exporter::collectors::nfsd
