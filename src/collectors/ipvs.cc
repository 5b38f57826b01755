// ipvs: node_ipvs_* IP Virtual Server totals from /proc/net/ip_vs_stats and
// per real server connection counts and weights from /proc/net/ip_vs, as
// node_exporter 1.5 (with its --collector.ipvs.backend-labels).
#include "parse/ipvs.h"

#include <array>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::ipvs {
namespace {

constexpr char kLabelsFlag[] = "collector.ipvs.backend-labels";

// Every backend label, in node_exporter's order (also the flag's default).
constexpr std::array<std::string_view, 6> kAllLabels = {
    "local_address", "local_port", "remote_address",
    "remote_port",   "proto",      "local_mark"};

std::string DefaultLabels() {
  std::string s;
  for (std::string_view l : kAllLabels) {
    if (!s.empty()) s += ',';
    s += l;
  }
  return s;
}

// The chosen labels in node_exporter's order; unknown names are an error at
// start-up.
std::vector<std::string_view> ParseLabelFlag(const std::string& value) {
  std::set<std::string, std::less<>> wanted;
  for (std::string_view l : parse::Split(value, ',')) {
    if (!l.empty()) wanted.emplace(l);
  }
  std::vector<std::string_view> out;
  for (std::string_view l : kAllLabels) {
    auto it = wanted.find(l);
    if (it == wanted.end()) continue;
    wanted.erase(it);
    out.push_back(l);
  }
  if (!wanted.empty()) {
    std::string unknown;
    for (const std::string& l : wanted) {
      if (!unknown.empty()) unknown += ", ";
      unknown += l;
    }
    throw std::invalid_argument(std::string("--") + kLabelsFlag +
                                ": unknown IPVS backend labels: \"" + unknown +
                                "\"");
  }
  return out;
}

std::string LabelValue(std::string_view label, const parse::IpvsBackend& b) {
  if (label == "local_address") return b.local_address;
  if (label == "local_port") return std::to_string(b.local_port);
  if (label == "remote_address") return b.remote_address;
  if (label == "remote_port") return std::to_string(b.remote_port);
  if (label == "proto") return b.proto;
  return b.local_mark;
}

class IpvsCollector : public Collector {
 public:
  explicit IpvsCollector(std::vector<std::string_view> labels)
      : labels_(std::move(labels)) {}

  Families Collect(const HostPaths& paths) override {
    const std::string stats_path = paths.Proc("net/ip_vs_stats");
    auto stats_text = ReadFileIfExists(stats_path);
    if (!stats_text) return {};  // no ip_vs module loaded
    auto stats = Unwrap(parse::ParseIpvsStats(*stats_text), stats_path);
    const std::string backends_path = paths.Proc("net/ip_vs");
    auto backends_text = ReadFileIfExists(backends_path);
    std::vector<parse::IpvsBackend> backends;
    if (backends_text) {
      backends =
          Unwrap(parse::ParseIpvsBackends(*backends_text), backends_path);
    }

    FamilySet out;
    auto total = [&out](const char* name, const char* help, uint64_t v) {
      out.Counter(name, help).Add(static_cast<double>(v));
    };
    total("node_ipvs_connections_total",
          "The total number of connections made.", stats.connections);
    total("node_ipvs_incoming_packets_total",
          "The total number of incoming packets.", stats.incoming_packets);
    total("node_ipvs_outgoing_packets_total",
          "The total number of outgoing packets.", stats.outgoing_packets);
    total("node_ipvs_incoming_bytes_total",
          "The total amount of incoming data.", stats.incoming_bytes);
    total("node_ipvs_outgoing_bytes_total",
          "The total amount of outgoing data.", stats.outgoing_bytes);

    // With fewer labels several real servers can share a label set: their
    // values are summed, as node_exporter does.
    struct Sums {
      uint64_t active = 0, inactive = 0, weight = 0;
    };
    std::map<std::vector<std::string>, Sums> sums;
    for (const parse::IpvsBackend& b : backends) {
      std::vector<std::string> key;
      for (std::string_view l : labels_) key.push_back(LabelValue(l, b));
      Sums& s = sums[key];
      s.active += b.active_conn;
      s.inactive += b.inactive_conn;
      s.weight += b.weight;
    }
    auto& active = out.Gauge(
        "node_ipvs_backend_connections_active",
        "The current active connections by local and remote address.");
    auto& inactive = out.Gauge(
        "node_ipvs_backend_connections_inactive",
        "The current inactive connections by local and remote address.");
    auto& weight =
        out.Gauge("node_ipvs_backend_weight",
                  "The current backend weight by local and remote address.");
    for (const auto& [key, s] : sums) {
      Labels labels;
      for (size_t i = 0; i < labels_.size(); ++i) {
        labels.emplace_back(std::string(labels_[i]), key[i]);
      }
      active.Add(labels, static_cast<double>(s.active));
      inactive.Add(labels, static_cast<double>(s.inactive));
      weight.Add(labels, static_cast<double>(s.weight));
    }
    return out.Take();
  }

 private:
  std::vector<std::string_view> labels_;
};

}  // namespace

CollectorSpec Spec() {
  return {"ipvs",
          true,
          "Exposes IPVS status from /proc/net/ip_vs and stats from "
          "/proc/net/ip_vs_stats.",
          {{kLabelsFlag, DefaultLabels(),
            "Comma separated list for IPVS backend stats labels."}},
          [](const CollectorOptions& o) -> std::unique_ptr<Collector> {
            return std::make_unique<IpvsCollector>(
                ParseLabelFlag(o.Get(kLabelsFlag)));
          }};
}

}  // namespace host_exporter::collectors::ipvs
