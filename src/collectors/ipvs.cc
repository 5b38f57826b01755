// ipvs: node_ipvs_* IP Virtual Server totals from /proc/net/ip_vs_stats and
// per real server connection counts and weights from /proc/net/ip_vs, as
// node_exporter 1.5 (with its --collector.ipvs.backend-labels).
#include "parse/ipvs.h"

#include <algorithm>
#include <array>
#include <charconv>
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

// Backend `b`'s value of `label`, into *out (a kept string).
void AssignLabelValue(std::string* out, std::string_view label,
                      const parse::IpvsBackend& b) {
  auto port = [out](uint16_t p) {
    char buf[8];
    auto r = std::to_chars(buf, buf + sizeof buf, p);
    out->assign(buf, r.ptr);
  };
  if (label == "local_address") {
    out->assign(b.local_address);
  } else if (label == "local_port") {
    port(b.local_port);
  } else if (label == "remote_address") {
    out->assign(b.remote_address);
  } else if (label == "remote_port") {
    port(b.remote_port);
  } else if (label == "proto") {
    out->assign(b.proto);
  } else {
    out->assign(b.local_mark);
  }
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
    // values are summed, as node_exporter does. Each backend's label values
    // and their key (joined by NULs) go into kept entries, sorted by key
    // and summed run by run: a kube-proxy node's thousands of backends make
    // no string, vector or map node each cycle (the snapshot sorts the
    // series anyway).
    const size_t n = backends.size();
    if (entries_.size() < n) entries_.resize(n);
    order_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const parse::IpvsBackend& b = backends[i];
      Entry& e = entries_[i];
      e.key.clear();
      for (size_t j = 0; j < labels_.size(); ++j) {
        AssignLabelValue(&e.values[j], labels_[j], b);
        e.key.append(e.values[j]).push_back('\0');
      }
      e.active = b.active_conn;
      e.inactive = b.inactive_conn;
      e.weight = b.weight;
      order_[i] = static_cast<uint32_t>(i);
    }
    std::sort(order_.begin(), order_.end(), [&](uint32_t x, uint32_t y) {
      return entries_[x].key < entries_[y].key;
    });
    auto& active = out.Gauge(
        "node_ipvs_backend_connections_active",
        "The current active connections by local and remote address.");
    auto& inactive = out.Gauge(
        "node_ipvs_backend_connections_inactive",
        "The current inactive connections by local and remote address.");
    auto& weight =
        out.Gauge("node_ipvs_backend_weight",
                  "The current backend weight by local and remote address.");
    if (labels_buf_.size() != labels_.size()) {
      labels_buf_.clear();
      for (std::string_view l : labels_) labels_buf_.emplace_back(l, "");
    }
    for (size_t i = 0; i < n;) {
      const Entry& first = entries_[order_[i]];
      uint64_t a = 0, in = 0, w = 0;
      size_t j = i;
      for (; j < n && entries_[order_[j]].key == first.key; ++j) {
        const Entry& e = entries_[order_[j]];
        a += e.active;
        in += e.inactive;
        w += e.weight;
      }
      for (size_t k = 0; k < labels_.size(); ++k) {
        labels_buf_[k].second.assign(first.values[k]);
      }
      active.Add(labels_buf_, static_cast<double>(a));
      inactive.Add(labels_buf_, static_cast<double>(in));
      weight.Add(labels_buf_, static_cast<double>(w));
      i = j;
    }
    return out.Take();
  }

 private:
  struct Entry {
    std::array<std::string, kAllLabels.size()> values;  // labels_'s order
    std::string key;
    uint64_t active = 0, inactive = 0, weight = 0;
  };
  std::vector<std::string_view> labels_;
  std::vector<Entry> entries_;  // kept: the first backends.size() used
  std::vector<uint32_t> order_;
  Labels labels_buf_;
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
