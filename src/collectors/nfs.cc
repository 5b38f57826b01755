// nfs: node_nfs_* NFS client RPC statistics from /proc/net/rpc/nfs, as
// node_exporter 1.5.
#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/nfs_rpc.h"

namespace host_exporter::collectors::nfs {
namespace {

template <size_t N>
void AddProcedures(FamilyBuilder* f, const char* proto,
                   const std::array<std::string_view, N>& names,
                   const std::array<uint64_t, N>& values) {
  for (size_t i = 0; i < N; ++i) {
    f->Add({{"proto", proto}, {"method", std::string(names[i])}},
           static_cast<double>(values[i]));
  }
}

class NfsCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("net/rpc/nfs");
    auto text = ReadFileIfExists(path);
    if (!text) return {};  // no NFS client module loaded
    auto s = Unwrap(parse::ParseNfsClientStats(*text), path);

    FamilySet out;
    out.Counter("node_nfs_packets_total",
                "Total NFSd network packets (sent+received) by protocol type.")
        .Add({{"protocol", "udp"}}, static_cast<double>(s.network.udp_count))
        .Add({{"protocol", "tcp"}}, static_cast<double>(s.network.tcp_count));
    out.Counter("node_nfs_connections_total",
                "Total number of NFSd TCP connections.")
        .Add(static_cast<double>(s.network.tcp_connect));
    out.Counter("node_nfs_rpcs_total", "Total number of RPCs performed.")
        .Add(static_cast<double>(s.rpc_count));
    out.Counter("node_nfs_rpc_retransmissions_total",
                "Number of RPC transmissions performed.")
        .Add(static_cast<double>(s.retransmissions));
    out.Counter("node_nfs_rpc_authentication_refreshes_total",
                "Number of RPC authentication refreshes performed.")
        .Add(static_cast<double>(s.auth_refreshes));
    auto& requests = out.Counter("node_nfs_requests_total",
                                 "Number of NFS procedures invoked.");
    AddProcedures(&requests, "2", parse::kNfsV2ProcNames, s.v2);
    AddProcedures(&requests, "3", parse::kNfsV3ProcNames, s.v3);
    AddProcedures(&requests, "4", parse::kNfsClientV4ProcNames, s.v4);
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"nfs",
          true,
          "Exposes NFS client statistics from /proc/net/rpc/nfs.",
          {},
          &MakeCollector<NfsCollector>};
}

}  // namespace host_exporter::collectors::nfs
