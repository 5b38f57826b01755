// infiniband: node_infiniband_info per device and the port state, rate and
// counters per port from /sys/class/infiniband/<device>/ports/<port>/
// (counters/ and the pre-4.5 counters_ext/), as node_exporter 1.5 reads
// them (prometheus/procfs 0.8). Data counters count 4-byte words, so they
// are multiplied by 4; a counter reading "N/A (no PMA)" is skipped.
//
// No /sys/class/infiniband, or any expected file or directory missing: no
// families (node_exporter's ErrNoData). A malformed file fails the scrape.
#include "parse/infiniband.h"

#include <algorithm>
#include <cerrno>
#include <map>
#include <optional>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::infiniband {
namespace {

// A counter file, its family (without node_infiniband_), help, and whether
// the file counts 4-byte words.
struct IbCounterSpec {
  const char* file;
  const char* name;
  const char* help;
  bool words = false;
};

constexpr IbCounterSpec kIbCounters[] = {
    {"excessive_buffer_overrun_errors", "excessive_buffer_overrun_errors_total",
     "Number of times that OverrunErrors consecutive flow control update "
     "periods occurred, each having at least one overrun error."},
    {"link_downed", "link_downed_total",
     "Number of times the link failed to recover from an error state and "
     "went down"},
    {"link_error_recovery", "link_error_recovery_total",
     "Number of times the link successfully recovered from an error state"},
    {"local_link_integrity_errors", "local_link_integrity_errors_total",
     "Number of times that the count of local physical errors exceeded the "
     "threshold specified by LocalPhyErrors."},
    {"multicast_rcv_packets", "multicast_packets_received_total",
     "Number of multicast packets received (including errors)"},
    {"multicast_xmit_packets", "multicast_packets_transmitted_total",
     "Number of multicast packets transmitted (including errors)"},
    {"port_rcv_constraint_errors", "port_constraint_errors_received_total",
     "Number of packets received on the switch physical port that are "
     "discarded"},
    {"port_rcv_data", "port_data_received_bytes_total",
     "Number of data octets received on all links", true},
    {"port_rcv_discards", "port_discards_received_total",
     "Number of inbound packets discarded by the port because the port is "
     "down or congested"},
    {"port_rcv_errors", "port_errors_received_total",
     "Number of packets containing an error that were received on this "
     "port"},
    {"port_rcv_packets", "port_packets_received_total",
     "Number of packets received on all VLs by this port (including "
     "errors)"},
    {"port_rcv_remote_physical_errors",
     "port_receive_remote_physical_errors_total",
     "Number of packets marked with the EBP (End of Bad Packet) delimiter "
     "received on the port."},
    {"port_rcv_switch_relay_errors", "port_receive_switch_relay_errors_total",
     "Number of packets that could not be forwarded by the switch."},
    {"port_xmit_constraint_errors", "port_constraint_errors_transmitted_total",
     "Number of packets not transmitted from the switch physical port"},
    {"port_xmit_data", "port_data_transmitted_bytes_total",
     "Number of data octets transmitted on all links", true},
    {"port_xmit_discards", "port_discards_transmitted_total",
     "Number of outbound packets discarded by the port because the port is "
     "down or congested"},
    {"port_xmit_packets", "port_packets_transmitted_total",
     "Number of packets transmitted on all VLs from this port (including "
     "errors)"},
    {"port_xmit_wait", "port_transmit_wait_total",
     "Number of ticks during which the port had data to transmit but no data "
     "was sent during the entire tick"},
    {"symbol_error", "symbol_error_total",
     "Number of minor link errors detected on one or more physical lanes."},
    {"unicast_rcv_packets", "unicast_packets_received_total",
     "Number of unicast packets received (including errors)"},
    {"unicast_xmit_packets", "unicast_packets_transmitted_total",
     "Number of unicast packets transmitted (including errors)"},
    {"VL15_dropped", "vl15_dropped_total",
     "Number of incoming VL15 packets dropped due to resource limitations."},
};

constexpr IbCounterSpec kLegacyCounters[] = {
    {"port_multicast_rcv_packets", "legacy_multicast_packets_received_total",
     "Number of multicast packets received"},
    {"port_multicast_xmit_packets",
     "legacy_multicast_packets_transmitted_total",
     "Number of multicast packets transmitted"},
    {"port_rcv_data_64", "legacy_data_received_bytes_total",
     "Number of data octets received on all links", true},
    {"port_rcv_packets_64", "legacy_packets_received_total",
     "Number of data packets received on all links"},
    {"port_unicast_rcv_packets", "legacy_unicast_packets_received_total",
     "Number of unicast packets received"},
    {"port_unicast_xmit_packets", "legacy_unicast_packets_transmitted_total",
     "Number of unicast packets transmitted"},
    {"port_xmit_data_64", "legacy_data_transmitted_bytes_total",
     "Number of data octets transmitted on all links", true},
    // node_exporter 1.5's help, copied as it is.
    {"port_xmit_packets_64", "legacy_packets_transmitted_total",
     "Number of data packets received on all links"},
};

// A file that must exist: nullopt (no data) if missing, other errors fail.
std::optional<std::string> ReadIbRequired(const std::string& path, bool trim) {
  return (trim ? ReadAttr(path) : ReadWhole(path)).OrNoData(path);
}

// "node_infiniband_" and each counter's name, made once.
const std::string& FullName(const IbCounterSpec& spec) {
  static const auto* names = [] {
    auto* out = new std::map<const IbCounterSpec*, std::string>;
    for (const IbCounterSpec& s : kIbCounters)
      (*out)[&s] = std::string("node_infiniband_") + s.name;
    for (const IbCounterSpec& s : kLegacyCounters)
      (*out)[&s] = std::string("node_infiniband_") + s.name;
    return out;
  }();
  return names->at(&spec);
}

// A device as listed when first seen (or when one of its stamps changed):
// its ports, their files' paths and which counter each counter file is.
// The verbs core registers a device's ports and counters with the device,
// so they stay while it lives: on sysfs its class symlink's stamp is fixed
// for that life (KeptDir::Stamp), elsewhere (a fixture tree) the change
// times of the directories listed tell a file added or removed. A cycle
// reads the values only.
struct Device {
  struct CounterFile {
    std::string path;
    const IbCounterSpec* spec;  // nullptr: read, not exposed
  };
  struct PortPlan {
    std::string number;  // its label: the number, not the name ("01": "1")
    std::string state, phys_state, rate;  // paths
    std::vector<CounterFile> counters;    // counters/, then counters_ext/
    bool counters_missing = false;        // counters/ absent: no data
  };
  EntryStamps stamps;  // of the device and the directories listed
  bool seen = false;
  bool ports_missing = false;              // ports/ absent: no data
  std::string label;                       // the device's name, valid UTF-8
  std::string board_id, fw_ver, hca_type;  // paths
  std::vector<PortPlan> ports;             // by number (the later "01" wins)
  // This cycle's values of ports[i]'s counters (parallel).
  std::vector<std::vector<std::pair<const IbCounterSpec*, uint64_t>>> values;
};

// The counter files of one directory that `specs` may name. False if the
// directory is missing.
template <size_t N>
bool ListCounters(const std::string& dir, const IbCounterSpec (&specs)[N],
                  std::vector<Device::CounterFile>* out) {
  DirRead list = ReadDir(dir);
  if (list.error == ENOENT) return false;
  if (!list.ok()) ThrowErrno(dir, list.error);
  for (const DirEntry& e : list.entries) {
    if (e.kind != Kind::kRegular) continue;
    const IbCounterSpec* found = nullptr;
    for (const IbCounterSpec& spec : specs) {
      if (e.name == spec.file) found = &spec;
    }
    out->push_back({dir + "/" + e.name, found});
  }
  return true;
}

// Lists device `name` (throws CollectError as the listings fail).
void Plan(const KeptDir& kept, const std::string& root, const std::string& name,
          Device* d) {
  const std::string dir = root + "/" + name;
  d->stamps.Take(kept, name, {"", "ports"});
  d->label = parse::ToValidUtf8(name);
  d->board_id = dir + "/board_id";
  d->fw_ver = dir + "/fw_ver";
  d->hca_type = dir + "/hca_type";
  d->ports.clear();
  const std::string ports_dir = dir + "/ports";
  DirRead port_list = ReadDir(ports_dir);
  d->ports_missing = port_list.error == ENOENT;
  if (d->ports_missing) return;
  if (!port_list.ok()) ThrowErrno(ports_dir, port_list.error);
  // By number: "1" and "01" are the same port, the later one wins.
  std::map<uint32_t, Device::PortPlan> ports;
  for (const DirEntry& p : port_list.entries) {
    auto number = parse::ParseGoUint(p.name, 10);
    if (!number || *number > UINT32_MAX) {
      throw CollectError(ports_dir + "/" + p.name + ": port is not a number");
    }
    const std::string port_dir = ports_dir + "/" + p.name;
    Device::PortPlan port;
    port.number = std::to_string(*number);
    port.state = port_dir + "/state";
    port.phys_state = port_dir + "/phys_state";
    port.rate = port_dir + "/rate";
    d->stamps.Add(kept, name, "ports/" + p.name + "/counters");
    d->stamps.Add(kept, name, "ports/" + p.name + "/counters_ext");
    port.counters_missing =
        !ListCounters(port_dir + "/counters", kIbCounters, &port.counters);
    if (!port.counters_missing) {
      ListCounters(port_dir + "/counters_ext", kLegacyCounters, &port.counters);
    }
    ports[static_cast<uint32_t>(*number)] = std::move(port);
  }
  for (auto& [number, port] : ports) d->ports.push_back(std::move(port));
  d->values.resize(d->ports.size());
}

// Reads one port's state, rate and counters into `values`; false for no
// data (a required file missing).
bool ReadPort(const Device::PortPlan& port, parse::IbState* state,
              parse::IbState* phys_state, uint64_t* rate,
              std::vector<std::pair<const IbCounterSpec*, uint64_t>>* values) {
  const auto state_text = ReadIbRequired(port.state, false);
  if (!state_text) return false;
  *state = Unwrap(parse::ParseIbState(*state_text), port.state);
  const auto phys_text = ReadIbRequired(port.phys_state, false);
  if (!phys_text) return false;
  *phys_state = Unwrap(parse::ParseIbState(*phys_text), port.phys_state);
  const auto rate_text = ReadIbRequired(port.rate, false);
  if (!rate_text) return false;
  *rate = Unwrap(parse::ParseIbRate(*rate_text), port.rate);
  if (port.counters_missing) return false;
  values->clear();
  for (const Device::CounterFile& c : port.counters) {
    FileRead f = ReadAttr(c.path);
    if (f.error == ENOENT || f.error == EACCES || f.error == EPERM ||
        f.error == EOPNOTSUPP || f.error == EINVAL) {
      continue;
    }
    if (!f.ok()) ThrowErrno(c.path, f.error);
    if (!c.spec) continue;
    auto v = parse::ParseUintAttr(f.data);
    if (!v.ok()) {
      // Older kernels print this for counters the port cannot read.
      if (f.data.find("N/A (no PMA)") != std::string::npos) continue;
      throw CollectError(c.path + ": " + v.error);
    }
    // A counter read twice (counters/ and counters_ext/ name none twice)
    // keeps its last value.
    const uint64_t value = c.spec->words ? v.value * 4 : v.value;
    auto it = std::find_if(values->begin(), values->end(),
                           [&](const auto& kv) { return kv.first == c.spec; });
    if (it != values->end()) {
      it->second = value;
    } else {
      values->emplace_back(c.spec, value);
    }
  }
  // In the order of the specs' addresses, as node_exporter's map.
  std::sort(values->begin(), values->end());
  return true;
}

class InfinibandCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string root = paths.Sys("class/infiniband");
    const auto devices = root_dir_.ListOrNoData(root);
    if (!devices) {
      devices_.clear();
      return {};
    }
    FamilySet out;
    for (auto& [name, d] : devices_) d.seen = false;
    for (const DirEntry& entry : *devices) {
      auto [it, added] = devices_.try_emplace(entry.name);
      Device& d = it->second;
      d.seen = true;
      if (added || !d.stamps.Same(root_dir_, entry.name)) {
        try {
          Plan(root_dir_, root, entry.name, &d);
        } catch (...) {
          devices_.erase(it);  // listed again next cycle
          throw;
        }
      }
      if (!CollectDevice(d, &out)) return {};
    }
    std::erase_if(devices_, [](const auto& kv) { return !kv.second.seen; });
    return out.Take();
  }

 private:
  // False for no data (a required file or directory missing).
  static bool CollectDevice(Device& d, FamilySet* out) {
    const auto board_id = ReadIbRequired(d.board_id, true);
    if (!board_id) return false;
    const auto fw_ver = ReadIbRequired(d.fw_ver, true);
    if (!fw_ver) return false;
    const auto hca_type = ReadIbRequired(d.hca_type, true);
    if (!hca_type) return false;
    if (d.ports_missing) return false;
    struct PortRead {
      parse::IbState state, phys_state;
      uint64_t rate = 0;
    };
    std::vector<PortRead> reads(d.ports.size());
    for (size_t i = 0; i < d.ports.size(); ++i) {
      if (!ReadPort(d.ports[i], &reads[i].state, &reads[i].phys_state,
                    &reads[i].rate, &d.values[i])) {
        return false;
      }
    }
    out->Gauge("node_infiniband_info",
               "Non-numeric data from /sys/class/infiniband/<device>, value "
               "is always 1.")
        .Add({{"device", d.label},
              {"board_id", parse::ToValidUtf8(*board_id)},
              {"firmware_version", parse::ToValidUtf8(*fw_ver)},
              {"hca_type", parse::ToValidUtf8(*hca_type)}},
             1);
    for (size_t i = 0; i < d.ports.size(); ++i) {
      const std::string& port = d.ports[i].number;
      out->Gauge("node_infiniband_state_id",
                 "State of the InfiniBand port (0: no change, 1: down, 2: "
                 "init, 3: armed, 4: active, 5: act defer)")
          .Add({{"device", d.label}, {"port", port}}, reads[i].state.id);
      out->Gauge("node_infiniband_physical_state_id",
                 "Physical state of the InfiniBand port (0: no change, 1: "
                 "sleep, 2: polling, 3: disable, 4: shift, 5: link up, 6: "
                 "link error recover, 7: phytest)")
          .Add({{"device", d.label}, {"port", port}}, reads[i].phys_state.id);
      out->Gauge("node_infiniband_rate_bytes_per_second",
                 "Maximum signal transfer rate")
          .Add({{"device", d.label}, {"port", port}},
               static_cast<double>(reads[i].rate));
      for (const auto& [spec, value] : d.values[i]) {
        out->Counter(FullName(*spec), spec->help)
            .Add({{"device", d.label}, {"port", port}},
                 static_cast<double>(value));
      }
    }
    return true;
  }

  KeptDir root_dir_;  // class/infiniband, the devices stamped in it
  std::map<std::string, Device> devices_;
};

}  // namespace

CollectorSpec Spec() {
  return {"infiniband",
          true,
          "Exposes network statistics specific to InfiniBand and Intel "
          "OmniPath configurations.",
          {},
          &MakeCollector<InfinibandCollector>};
}

}  // namespace host_exporter::collectors::infiniband
