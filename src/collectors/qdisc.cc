// qdisc: node_qdisc_*{device,kind} for the root queueing discipline of each
// interface, from an rtnetlink RTM_GETQDISC dump (node_exporter 1.9, default
// off; it uses github.com/ema/qdisc). --collector.qdisc.fixtures=DIR reads
// DIR/results.json instead (node_exporter's end-to-end fixture: Go's JSON of
// ema/qdisc's QdiscInfo list).
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "collectors/go_json.h"
#include "collectors/netlink_dump.h"
#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/netlink.h"
#include "parse/rtnetlink.h"

namespace host_exporter::collectors::qdisc {
namespace {

// One qdisc as ema/qdisc's QdiscInfo has it.
struct Qdisc {
  std::string device;
  std::string kind;
  uint32_t parent = 0;
  double bytes = 0, packets = 0, drops = 0, requeues = 0, overlimits = 0;
  double qlen = 0, backlog = 0;
};

constexpr FieldFamily<Qdisc> kFamilies[] = {
    {"node_qdisc_bytes_total", "Number of bytes sent.", kCounter,
     FieldOf<&Qdisc::bytes>},
    {"node_qdisc_packets_total", "Number of packets sent.", kCounter,
     FieldOf<&Qdisc::packets>},
    {"node_qdisc_drops_total", "Number of packets dropped.", kCounter,
     FieldOf<&Qdisc::drops>},
    {"node_qdisc_requeues_total",
     "Number of packets dequeued, not transmitted, and requeued.", kCounter,
     FieldOf<&Qdisc::requeues>},
    {"node_qdisc_overlimits_total", "Number of overlimit packets.", kCounter,
     FieldOf<&Qdisc::overlimits>},
    {"node_qdisc_current_queue_length",
     "Number of packets currently in queue to be sent.", kGauge,
     FieldOf<&Qdisc::qlen>},
    {"node_qdisc_backlog", "Number of bytes currently in queue to be sent.",
     kGauge, FieldOf<&Qdisc::backlog>},
};

// The kernel's qdiscs. One whose interface is gone by the time its name is
// asked for is left out (it was removed during the dump).
std::vector<Qdisc> FromNetlink() {
  const std::string what = "rtnetlink qdisc dump";
  std::vector<Qdisc> out;
  for (const parse::NetlinkMessage& m :
       NetlinkDump(NETLINK_ROUTE,
                   parse::NetlinkRequest(RTM_GETQDISC,
                                         parse::kNlmFRequest | parse::kNlmFDump,
                                         1, parse::QdiscDumpRequest()),
                   what)) {
    if (m.type != RTM_NEWQDISC) continue;
    auto parsed = parse::ParseQdiscMessage(m.payload);
    if (!parsed.ok()) throw CollectError(what + ": " + parsed.error);
    const parse::QdiscMessage& q = parsed.value;
    char name[IF_NAMESIZE] = {};
    if (::if_indextoname(static_cast<unsigned>(q.ifindex), name) == nullptr) {
      continue;
    }
    out.push_back({name, q.kind, q.parent, ToDouble(q.bytes),
                   ToDouble(q.packets), ToDouble(q.drops), ToDouble(q.requeues),
                   ToDouble(q.overlimits), ToDouble(q.qlen),
                   ToDouble(q.backlog)});
  }
  return out;
}

// An unsigned field of the fixture, at most `max` (Go refuses to unmarshal
// a negative number or one too large for the field).
double Unsigned(const nlohmann::json& j, const char* name,
                const std::string& path, uint64_t max = UINT32_MAX) {
  const int64_t v = gojson::Int(j, name, path);
  if (v < 0 || static_cast<uint64_t>(v) > max) {
    throw CollectError(path + ": field " + name + " is out of range");
  }
  return ToDouble(v);
}

std::vector<Qdisc> FromFixtures(const std::string& dir) {
  const std::string path = dir + "/results.json";
  std::vector<Qdisc> out;
  for (const auto& j :
       gojson::Array(gojson::Parse(ReadFile(path), path), path)) {
    Qdisc q;
    q.device = gojson::Str(j, "IfaceName", path);
    q.kind = gojson::Str(j, "Kind", path);
    q.parent = static_cast<uint32_t>(Unsigned(j, "Parent", path));
    q.bytes = Unsigned(j, "Bytes", path, UINT64_MAX);
    q.packets = Unsigned(j, "Packets", path);
    q.drops = Unsigned(j, "Drops", path);
    q.requeues = Unsigned(j, "Requeues", path);
    q.overlimits = Unsigned(j, "Overlimits", path);
    q.qlen = Unsigned(j, "Qlen", path);
    q.backlog = Unsigned(j, "Backlog", path);
    out.push_back(std::move(q));
  }
  return out;
}

class QdiscCollector : public Collector {
 public:
  // node_exporter 1.5's qdisk spellings stand in for the qdisc ones.
  explicit QdiscCollector(const CollectorOptions& o)
      : fixtures_(o.Get("collector.qdisc.fixtures")),
        devices_(o, "collector.qdisc.device-", NameFilter::Both::kRefused,
                 "collector.qdisk.device-") {}

  Families Collect(const HostPaths&) override {
    FamilySet out;
    const auto handles = out.Handles(kFamilies);
    for (const Qdisc& q :
         fixtures_.empty() ? FromNetlink() : FromFixtures(fixtures_)) {
      // Only the root qdisc of each interface, as node_exporter.
      if (q.parent != 0) continue;
      if (!devices_.Keeps(q.device)) continue;
      const Labels labels = {{"device", q.device}, {"kind", q.kind}};
      for (size_t i = 0; i < handles.size(); ++i) {
        handles[i]->Add(labels, kFamilies[i].value(q));
      }
    }
    return out.Take();
  }

 private:
  std::string fixtures_;
  NameFilter devices_;
};

}  // namespace

CollectorSpec Spec() {
  return {"qdisc",
          false,
          "Exposes queuing discipline statistics (rtnetlink).",
          {
              {"collector.qdisc.fixtures", "",
               "test fixtures to use for qdisc collector end-to-end testing"},
              {"collector.qdisc.device-include", "",
               "Regexp of qdisc devices to include (mutually exclusive to "
               "device-exclude)."},
              {"collector.qdisc.device-exclude", "",
               "Regexp of qdisc devices to exclude (mutually exclusive to "
               "device-include)."},
              {"collector.qdisk.device-include", "",
               "Old name of --collector.qdisc.device-include (node_exporter "
               "1.5)."},
              {"collector.qdisk.device-exclude", "",
               "Old name of --collector.qdisc.device-exclude (node_exporter "
               "1.5)."},
          },
          &MakeCollector<QdiscCollector>};
}

}  // namespace host_exporter::collectors::qdisc
