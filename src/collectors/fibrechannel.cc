// fibrechannel: node_fibrechannel_info and the node_fibrechannel_*_total
// counters per host from /sys/class/fc_host/<host>/ and its statistics/, as
// node_exporter 1.5 reads them (prometheus/procfs 0.8). Counters are hex
// ("0x1f"); one that reads all ones (0xffffffffffffffff) is not implemented
// by the HBA and is not exposed; one whose file is missing reads 0.
//
// No /sys/class/fc_host, or a host without statistics/: no families. A
// missing attribute file fails the scrape, as there. Where node_exporter
// crashes on a malformed counter, this collector fails the scrape.
#include <cerrno>
#include <limits>
#include <map>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::fibrechannel {
namespace {

// Counter files in statistics/, their family names (after
// "node_fibrechannel_") and help.
constexpr SourceFamily kCounters[] = {
    {"dumped_frames", "dumped_frames_total", "Number of dumped frames"},
    {"error_frames", "error_frames_total", "Number of errors in frames"},
    {"invalid_crc_count", "invalid_crc_total",
     "Invalid Cyclic Redundancy Check count"},
    {"rx_frames", "rx_frames_total", "Number of frames received"},
    {"rx_words", "rx_words_total", "Number of words received by host port"},
    {"tx_frames", "tx_frames_total",
     "Number of frames transmitted by host port"},
    {"tx_words", "tx_words_total", "Number of words transmitted by host port"},
    {"seconds_since_last_reset", "seconds_since_last_reset_total",
     "Number of seconds since last host port reset"},
    {"invalid_tx_word_count", "invalid_tx_words_total",
     "Number of invalid words transmitted by host port"},
    {"link_failure_count", "link_failure_total",
     "Number of times the host port link has failed"},
    {"loss_of_sync_count", "loss_of_sync_total",
     "Number of failures on either bit or transmission word boundaries"},
    {"loss_of_signal_count", "loss_of_signal_total",
     "Number of times signal has been lost"},
    {"nos_count", "nos_total",
     "Number Not_Operational Primitive Sequence received by host port"},
    {"fcp_packet_aborts", "fcp_packet_aborts_total",
     "Number of aborted packets"},
};

// Attribute files, in procfs' order; the *_name and port_id values lose
// their "0x".
constexpr const char* kAttributes[] = {
    "speed",         "port_state",        "port_type",        "node_name",
    "port_id",       "port_name",         "fabric_name",      "dev_loss_tmo",
    "symbolic_name", "supported_classes", "supported_speeds",
};

bool StripsHexPrefix(std::string_view attr) {
  return attr == "node_name" || attr == "port_id" || attr == "port_name" ||
         attr == "fabric_name";
}

class FibrechannelCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string root = paths.Sys("class/fc_host");
    const auto hosts = ListOrNoData(root);
    if (!hosts) return {};
    FamilySet out;
    for (const DirEntry& host : *hosts) {
      if (!CollectHost(root + "/" + host.name, host.name, &out)) return {};
    }
    return out.Take();
  }

 private:
  // False for no data (a host without statistics).
  static bool CollectHost(const std::string& dir, const std::string& host,
                          FamilySet* out) {
    std::map<std::string, std::string> attrs;
    for (const char* attr : kAttributes) {
      const std::string path = dir + "/" + attr;
      FileRead f = ReadAttr(path);
      if (!f.ok()) ThrowErrno(path, f.error);
      std::string value = std::move(f.data);
      if (StripsHexPrefix(attr) && value.size() > 2) value = value.substr(2);
      attrs[attr] = parse::ToValidUtf8(value);
    }

    const std::string stats_dir = dir + "/statistics";
    DirRead stats = ReadDir(stats_dir);
    if (stats.error == ENOENT) return false;
    if (!stats.ok()) ThrowErrno(stats_dir, stats.error);
    std::map<std::string, uint64_t> counters;
    for (const DirEntry& e : stats.entries) {
      if (e.kind != Kind::kRegular || e.name == "reset_statistics") {
        continue;
      }
      const std::string path = stats_dir + "/" + e.name;
      FileRead f = ReadAttr(path);
      if (f.error == ENOENT || f.error == EOPNOTSUPP || f.error == EINVAL) {
        continue;  // write-only or unsupported by the driver
      }
      if (!f.ok()) ThrowErrno(path, f.error);
      for (const SourceFamily& c : kCounters) {
        if (e.name == c.source) {
          counters[c.source] = Unwrap(parse::ParseUintAttr(f.data), path);
        }
      }
    }

    out->Gauge("node_fibrechannel_info",
               "Non-numeric data from /sys/class/fc_host/<host>, value is "
               "always 1.")
        .Add({{"fc_host", parse::ToValidUtf8(host)},
              {"speed", attrs["speed"]},
              {"port_state", attrs["port_state"]},
              {"port_type", attrs["port_type"]},
              {"port_id", attrs["port_id"]},
              {"port_name", attrs["port_name"]},
              {"fabric_name", attrs["fabric_name"]},
              {"symbolic_name", attrs["symbolic_name"]},
              {"supported_classes", attrs["supported_classes"]},
              {"supported_speeds", attrs["supported_speeds"]},
              {"dev_loss_tmo", attrs["dev_loss_tmo"]}},
             1);
    for (const SourceFamily& c : kCounters) {
      const uint64_t v = counters[c.source];  // a missing file reads 0
      if (v == std::numeric_limits<uint64_t>::max()) continue;
      out->Counter(std::string("node_fibrechannel_") + c.name, c.help)
          .Add({{"fc_host", parse::ToValidUtf8(host)}}, static_cast<double>(v));
    }
    return true;
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"fibrechannel",
          true,
          "Exposes Fibre Channel host information and statistics from "
          "/sys/class/fc_host.",
          {},
          &MakeCollector<FibrechannelCollector>};
}

}  // namespace host_exporter::collectors::fibrechannel
