// fibrechannel: node_fibrechannel_info and the node_fibrechannel_*_total
// counters per host from /sys/class/fc_host/<host>/ and its statistics/, as
// node_exporter 1.5 reads them (prometheus/procfs 0.8). Counters are hex
// ("0x1f"); one that reads all ones (0xffffffffffffffff) is not implemented
// by the HBA and is not exposed; one whose file is missing reads 0.
//
// No /sys/class/fc_host, or a host without statistics/: no families. A
// missing attribute file fails the scrape, as there. Where node_exporter
// crashes on a malformed counter, this collector fails the scrape.
#include <array>
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

constexpr size_t kAttributeCount = std::size(kAttributes);
constexpr size_t kCounterCount = std::size(kCounters);

// "node_fibrechannel_" and each counter's name, made once.
const std::array<std::string, kCounterCount>& CounterNames() {
  static const auto* names = [] {
    auto* out = new std::array<std::string, kCounterCount>;
    for (size_t i = 0; i < kCounterCount; ++i) {
      (*out)[i] = std::string("node_fibrechannel_") + kCounters[i].name;
    }
    return out;
  }();
  return *names;
}

// A host as listed when first seen (or when its stamps changed): its
// files' paths and which counter each statistics file is. The transport
// class registers a host's attributes and statistics with the host, so
// they stay while it lives: on sysfs its class symlink's stamp is fixed for
// that life (KeptDir::Stamp), elsewhere (a fixture tree) the directories'
// change times tell a file added or removed. A cycle reads the values only.
struct Host {
  EntryStamps stamps;  // of the host and its statistics/
  bool seen = false;
  std::string label;  // the host's name, valid UTF-8
  std::array<std::string, kAttributeCount> attr_paths;
  std::array<std::string, kAttributeCount> attrs;  // this cycle's
  bool has_stats = false;                          // statistics/ exists
  struct Stat {
    std::string path;
    int counter;  // index in kCounters, or -1
  };
  std::vector<Stat> stats;  // regular files but reset_statistics
  std::array<uint64_t, kCounterCount> counters{};
};

class FibrechannelCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string root = paths.Sys("class/fc_host");
    const auto hosts = root_dir_.ListOrNoData(root);
    if (!hosts) {
      hosts_.clear();
      return {};
    }
    FamilySet out;
    for (auto& [name, h] : hosts_) h.seen = false;
    for (const DirEntry& entry : *hosts) {
      Host& h = Plan(root, entry.name);
      if (!CollectHost(h, &out)) return {};
    }
    std::erase_if(hosts_, [](const auto& kv) { return !kv.second.seen; });
    return out.Take();
  }

 private:
  // Host `name`, listed again if its stamps changed.
  Host& Plan(const std::string& root, const std::string& name) {
    auto [it, added] = hosts_.try_emplace(name);
    Host& h = it->second;
    h.seen = true;
    if (!added && h.stamps.Same(root_dir_, name)) return h;
    h.stamps.Take(root_dir_, name, {"", "statistics"});
    const std::string dir = root + "/" + name;
    h.label = parse::ToValidUtf8(name);
    for (size_t i = 0; i < kAttributeCount; ++i) {
      h.attr_paths[i] = dir + "/" + kAttributes[i];
    }
    h.stats.clear();
    const std::string stats_dir = dir + "/statistics";
    DirRead stats = ReadDir(stats_dir);
    h.has_stats = stats.error != ENOENT;
    if (h.has_stats && !stats.ok()) {
      hosts_.erase(it);
      ThrowErrno(stats_dir, stats.error);
    }
    for (const DirEntry& e : stats.entries) {
      if (e.kind != Kind::kRegular || e.name == "reset_statistics") {
        continue;
      }
      int counter = -1;
      for (size_t i = 0; i < kCounterCount; ++i) {
        if (e.name == kCounters[i].source) counter = static_cast<int>(i);
      }
      h.stats.push_back({stats_dir + "/" + e.name, counter});
    }
    return h;
  }

  // False for no data (a host without statistics).
  static bool CollectHost(Host& h, FamilySet* out) {
    for (size_t i = 0; i < kAttributeCount; ++i) {
      FileRead f = ReadAttr(h.attr_paths[i]);
      if (!f.ok()) ThrowErrno(h.attr_paths[i], f.error);
      std::string_view value = f.data;
      if (StripsHexPrefix(kAttributes[i]) && value.size() > 2) {
        value.remove_prefix(2);
      }
      if (parse::IsValidUtf8(value)) {
        h.attrs[i].assign(value);
      } else {
        h.attrs[i] = parse::ToValidUtf8(value);
      }
    }
    if (!h.has_stats) return false;
    h.counters.fill(0);  // a missing file reads 0
    for (const Host::Stat& st : h.stats) {
      FileRead f = ReadAttr(st.path);
      if (f.error == ENOENT || f.error == EOPNOTSUPP || f.error == EINVAL) {
        continue;  // write-only or unsupported by the driver
      }
      if (!f.ok()) ThrowErrno(st.path, f.error);
      if (st.counter >= 0) {
        h.counters[static_cast<size_t>(st.counter)] =
            Unwrap(parse::ParseUintAttr(f.data), st.path);
      }
    }

    auto attr = [&](std::string_view name) -> std::string_view {
      for (size_t i = 0; i < kAttributeCount; ++i) {
        if (name == kAttributes[i]) return h.attrs[i];
      }
      return {};
    };
    out->Gauge("node_fibrechannel_info",
               "Non-numeric data from /sys/class/fc_host/<host>, value is "
               "always 1.")
        .Add({{"fc_host", h.label},
              {"speed", attr("speed")},
              {"port_state", attr("port_state")},
              {"port_type", attr("port_type")},
              {"port_id", attr("port_id")},
              {"port_name", attr("port_name")},
              {"fabric_name", attr("fabric_name")},
              {"symbolic_name", attr("symbolic_name")},
              {"supported_classes", attr("supported_classes")},
              {"supported_speeds", attr("supported_speeds")},
              {"dev_loss_tmo", attr("dev_loss_tmo")}},
             1);
    for (size_t i = 0; i < kCounterCount; ++i) {
      const uint64_t v = h.counters[i];
      if (v == std::numeric_limits<uint64_t>::max()) continue;
      out->Counter(CounterNames()[i], kCounters[i].help)
          .Add({{"fc_host", h.label}}, static_cast<double>(v));
    }
    return true;
  }

  KeptDir root_dir_;  // class/fc_host, the hosts stamped in it
  std::map<std::string, Host> hosts_;
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
