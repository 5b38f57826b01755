// drbd: node_drbd_*{device} from /proc/drbd (DRBD 8 format, to version 8.4;
// node_exporter 1.9, default off). No /proc/drbd (no drbd module loaded) is
// no data.
#include "parse/drbd.h"

#include <string>
#include <string_view>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::drbd {
namespace {

// A numeric key and its family; the value is multiplied by `scale` (the
// kibibyte counts become bytes; "nr" stays as it is, as in node_exporter).
struct NumericKey {
  const char* key;
  FamilyDef family;
  double scale;
};

constexpr NumericKey kNumeric[] = {
    {"ns",
     {"node_drbd_network_sent_bytes_total",
      "Total number of bytes sent via the network.", kCounter},
     1024},
    {"nr",
     {"node_drbd_network_received_bytes_total",
      "Total number of bytes received via the network.", kCounter},
     1},
    {"dw",
     {"node_drbd_disk_written_bytes_total",
      "Net data written on local hard disk; in bytes.", kCounter},
     1024},
    {"dr",
     {"node_drbd_disk_read_bytes_total",
      "Net data read from local hard disk; in bytes.", kCounter},
     1024},
    {"al",
     {"node_drbd_activitylog_writes_total",
      "Number of updates of the activity log area of the meta data.", kCounter},
     1},
    {"bm",
     {"node_drbd_bitmap_writes_total",
      "Number of updates of the bitmap area of the meta data.", kCounter},
     1},
    {"lo",
     {"node_drbd_local_pending",
      "Number of open requests to the local I/O sub-system.", kGauge},
     1},
    {"pe",
     {"node_drbd_remote_pending",
      "Number of requests sent to the peer, but that have not yet been "
      "answered by the latter.",
      kGauge},
     1},
    {"ua",
     {"node_drbd_remote_unacknowledged",
      "Number of requests received by the peer via the network connection, "
      "but that have not yet been answered.",
      kGauge},
     1},
    {"ap",
     {"node_drbd_application_pending",
      "Number of block I/O requests forwarded to DRBD, but not yet answered "
      "by DRBD.",
      kGauge},
     1},
    {"ep",
     {"node_drbd_epochs", "Number of Epochs currently on the fly.", kGauge},
     1},
    {"oos",
     {"node_drbd_out_of_sync_bytes",
      "Amount of data known to be out of sync; in bytes.", kGauge},
     1024},
};

// A "local/remote" pair of states and the state that counts as 1.
struct PairKey {
  const char* key;
  FamilyDef family;
  const char* ok;
};

constexpr PairKey kPairs[] = {
    {"ro",
     {"node_drbd_node_role_is_primary",
      "Whether the role of the node is in the primary state.", kGauge},
     "Primary"},
    {"ds",
     {"node_drbd_disk_state_is_up_to_date",
      "Whether the disk of the node is up to date.", kGauge},
     "UpToDate"},
};

template <typename T, size_t N>
const T* FindKey(const T (&table)[N], std::string_view key) {
  for (const T& e : table) {
    if (key == e.key) return &e;
  }
  return nullptr;
}

class DrbdCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("drbd");
    const std::optional<std::string> text = ReadWhole(path).OrNoData(path);
    if (!text) return {};
    FamilySet out;
    for (const parse::DrbdDevice& dev : parse::ParseDrbd(*text)) {
      const Labels device = {{"device", dev.name}};
      for (const parse::DrbdField& f : dev.fields) {
        auto fail = [&](const std::string& why) {
          throw CollectError(path + ": " + parse::LineError(f.line, why));
        };
        if (const NumericKey* k = FindKey(kNumeric, f.key)) {
          const std::optional<double> v = parse::ParseGoFloat(f.value);
          if (!v) fail(f.key + " is not a number: '" + f.value + "'");
          out.Family(k->family.name, k->family.help, k->family.type)
              .Add(device, *v * k->scale);
        } else if (const PairKey* k = FindKey(kPairs, f.key)) {
          const size_t slash = f.value.find('/');
          if (slash == std::string::npos) {
            fail(f.key + " is not a local/remote pair: '" + f.value + "'");
          }
          const std::string_view v = f.value;
          auto& fam = out.Gauge(k->family.name, k->family.help);
          fam.Add({{"device", dev.name}, {"node", "local"}},
                  v.substr(0, slash) == k->ok ? 1 : 0);
          const std::string_view remote = v.substr(slash + 1);
          fam.Add({{"device", dev.name}, {"node", "remote"}},
                  remote.substr(0, remote.find('/')) == k->ok ? 1 : 0);
        } else if (f.key == "cs") {
          out.Gauge("node_drbd_connected",
                    "Whether DRBD is connected to the peer.")
              .Add(device, f.value == "Connected" ? 1 : 0);
        }
      }
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"drbd",
          false,
          "Exposes Distributed Replicated Block Device statistics from "
          "/proc/drbd (to version 8.4).",
          {},
          &MakeCollector<DrbdCollector>};
}

}  // namespace host_exporter::collectors::drbd
