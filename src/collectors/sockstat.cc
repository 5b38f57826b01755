// sockstat: node_sockstat_<PROTO>_<state> gauges from /proc/net/sockstat
// and /proc/net/sockstat6, plus node_sockstat_sockets_used and, for
// protocols that report memory in pages, <PROTO>_mem_bytes, as
// node_exporter 1.5 names them. Either file may be absent (IPv4 or IPv6
// disabled); that file then contributes nothing.
#include "parse/sockstat.h"

#include <unistd.h>

#include <string>
#include <string_view>
#include <vector>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::sockstat {
namespace {

class SockstatCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    next_name_ = 0;
    for (const char* file : {"net/sockstat", "net/sockstat6"}) {
      const std::string path = paths.Proc(file);
      auto text = ReadFileIfExists(path);
      if (!text) continue;
      Add(Unwrap(parse::ParseSockstat(*text), path),
          std::string_view(file) == "net/sockstat", &out);
    }
    return out.Take();
  }

 private:
  // The name and help of a protocol's state, kept between cycles by the
  // order they are asked for in (the same each cycle): built once, not two
  // strings a family each cycle.
  struct KeptName {
    std::string protocol;
    const char* state = nullptr;
    std::string name, help;
  };

  const KeptName& Name(const std::string& protocol, const char* state) {
    if (next_name_ == names_.size()) names_.emplace_back();
    KeptName& n = names_[next_name_++];
    if (n.state != state || n.protocol != protocol) {
      n.protocol = protocol;
      n.state = state;
      n.name = "node_sockstat_" + protocol + "_" + state;
      n.help = "Number of " + protocol + " sockets in state " + state + ".";
    }
    return n;
  }

  void Add(const parse::Sockstat& s, bool ipv4, FamilySet* out) {
    // Only the IPv4 file has a "sockets: used" line.
    if (ipv4 && s.used) {
      out->Gauge("node_sockstat_sockets_used", "Number of IPv4 sockets in use.")
          .Add(static_cast<double>(*s.used));
    }
    static const int64_t page_size = sysconf(_SC_PAGESIZE);
    for (const parse::SockstatProtocol& p : s.protocols) {
      std::optional<int64_t> mem_bytes;
      if (p.mem) mem_bytes = *p.mem * page_size;
      const std::pair<const char*, std::optional<int64_t>> states[] = {
          {"inuse", p.inuse},       {"orphan", p.orphan}, {"tw", p.tw},
          {"alloc", p.alloc},       {"mem", p.mem},       {"memory", p.memory},
          {"mem_bytes", mem_bytes},
      };
      for (const auto& [state, value] : states) {
        if (!value) continue;
        const KeptName& n = Name(p.protocol, state);
        out->Gauge(n.name, n.help).Add(static_cast<double>(*value));
      }
    }
  }

  std::vector<KeptName> names_;
  size_t next_name_ = 0;  // this cycle's next entry of names_
};

}  // namespace

CollectorSpec Spec() {
  return {"sockstat",
          true,
          "Exposes various statistics from /proc/net/sockstat.",
          {},
          &MakeCollector<SockstatCollector>};
}

}  // namespace host_exporter::collectors::sockstat
