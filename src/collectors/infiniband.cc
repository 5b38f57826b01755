// infiniband: node_infiniband_info per device and the port state, rate and
// counters per port from /sys/class/infiniband/<device>/ports/<port>/
// (counters/ and the pre-4.5 counters_ext/), as node_exporter 1.5 reads
// them (prometheus/procfs 0.8). Data counters count 4-byte words, so they
// are multiplied by 4; a counter reading "N/A (no PMA)" is skipped.
//
// No /sys/class/infiniband, or any expected file or directory missing: no
// families (node_exporter's ErrNoData). A malformed file fails the scrape.
#include "parse/infiniband.h"

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

// Counter family name -> value, for one port.
using Counters = std::map<const IbCounterSpec*, uint64_t>;

struct Port {
  parse::IbState state;
  parse::IbState phys_state;
  uint64_t rate = 0;
  Counters counters;
};

// A file that must exist: nullopt (no data) if missing, other errors fail.
std::optional<std::string> ReadIbRequired(const std::string& path, bool trim) {
  return (trim ? ReadAttr(path) : ReadWhole(path)).OrNoData(path);
}

// Reads the counter files of one directory that `specs` names. False for
// no data: a `required` directory is missing.
template <size_t N>
bool ReadCounters(const std::string& dir, const IbCounterSpec (&specs)[N],
                  bool required, Counters* out) {
  DirRead list = ReadDir(dir);
  if (list.error == ENOENT) return !required;
  if (!list.ok()) ThrowErrno(dir, list.error);
  for (const DirEntry& e : list.entries) {
    if (e.kind != Kind::kRegular) continue;
    const std::string path = dir + "/" + e.name;
    FileRead f = ReadAttr(path);
    if (f.error == ENOENT || f.error == EACCES || f.error == EPERM ||
        f.error == EOPNOTSUPP || f.error == EINVAL) {
      continue;
    }
    if (!f.ok()) ThrowErrno(path, f.error);
    for (const IbCounterSpec& spec : specs) {
      if (e.name != spec.file) continue;
      auto v = parse::ParseUintAttr(f.data);
      if (!v.ok()) {
        // Older kernels print this for counters the port cannot read.
        if (f.data.find("N/A (no PMA)") != std::string::npos) break;
        throw CollectError(path + ": " + v.error);
      }
      (*out)[&spec] = spec.words ? v.value * 4 : v.value;
    }
  }
  return true;
}

// One port, or nullopt for no data (a required file missing).
std::optional<Port> ReadPort(const std::string& dir) {
  Port port;
  const std::string state = dir + "/state";
  const auto state_text = ReadIbRequired(state, false);
  if (!state_text) return std::nullopt;
  port.state = Unwrap(parse::ParseIbState(*state_text), state);
  const std::string phys = dir + "/phys_state";
  const auto phys_text = ReadIbRequired(phys, false);
  if (!phys_text) return std::nullopt;
  port.phys_state = Unwrap(parse::ParseIbState(*phys_text), phys);
  const std::string rate = dir + "/rate";
  const auto rate_text = ReadIbRequired(rate, false);
  if (!rate_text) return std::nullopt;
  port.rate = Unwrap(parse::ParseIbRate(*rate_text), rate);
  if (!ReadCounters(dir + "/counters", kIbCounters, true, &port.counters) ||
      !ReadCounters(dir + "/counters_ext", kLegacyCounters, false,
                    &port.counters)) {
    return std::nullopt;
  }
  return port;
}

class InfinibandCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string root = paths.Sys("class/infiniband");
    const auto devices = ListOrNoData(root);
    if (!devices) return {};
    FamilySet out;
    for (const DirEntry& d : *devices) {
      const std::string dir = root + "/" + d.name;
      const std::string device = parse::ToValidUtf8(d.name);
      const auto board_id = ReadIbRequired(dir + "/board_id", true);
      if (!board_id) return {};
      const auto fw_ver = ReadIbRequired(dir + "/fw_ver", true);
      if (!fw_ver) return {};
      const auto hca_type = ReadIbRequired(dir + "/hca_type", true);
      if (!hca_type) return {};
      const std::string ports_dir = dir + "/ports";
      DirRead port_list = ReadDir(ports_dir);
      if (port_list.error == ENOENT) return {};
      if (!port_list.ok()) ThrowErrno(ports_dir, port_list.error);
      // By number: "1" and "01" are the same port, the later one wins.
      std::map<uint32_t, Port> ports;
      for (const DirEntry& p : port_list.entries) {
        auto number = parse::ParseGoUint(p.name, 10);
        if (!number || *number > UINT32_MAX) {
          throw CollectError(ports_dir + "/" + p.name +
                             ": port is not a number");
        }
        std::optional<Port> port = ReadPort(ports_dir + "/" + p.name);
        if (!port) return {};
        ports[static_cast<uint32_t>(*number)] = std::move(*port);
      }

      out.Gauge("node_infiniband_info",
                "Non-numeric data from /sys/class/infiniband/<device>, value "
                "is always 1.")
          .Add({{"device", device},
                {"board_id", parse::ToValidUtf8(*board_id)},
                {"firmware_version", parse::ToValidUtf8(*fw_ver)},
                {"hca_type", parse::ToValidUtf8(*hca_type)}},
               1);
      for (const auto& [number, port] : ports) {
        const Labels labels = {{"device", device},
                               {"port", std::to_string(number)}};
        out.Gauge("node_infiniband_state_id",
                  "State of the InfiniBand port (0: no change, 1: down, 2: "
                  "init, 3: armed, 4: active, 5: act defer)")
            .Add(labels, port.state.id);
        out.Gauge("node_infiniband_physical_state_id",
                  "Physical state of the InfiniBand port (0: no change, 1: "
                  "sleep, 2: polling, 3: disable, 4: shift, 5: link up, 6: "
                  "link error recover, 7: phytest)")
            .Add(labels, port.phys_state.id);
        out.Gauge("node_infiniband_rate_bytes_per_second",
                  "Maximum signal transfer rate")
            .Add(labels, static_cast<double>(port.rate));
        for (const auto& [spec, value] : port.counters) {
          out.Counter(std::string("node_infiniband_") + spec->name, spec->help)
              .Add(labels, static_cast<double>(value));
        }
      }
    }
    return out.Take();
  }
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
