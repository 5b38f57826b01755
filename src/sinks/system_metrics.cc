#include "sinks/system_metrics.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cmath>

#include "host_exporter/family.h"

namespace host_exporter::sinks {
namespace {

std::string_view Label(const prometheus::ClientMetric& m,
                       std::string_view name) {
  for (const auto& l : m.label)
    if (l.name == name) return l.value;
  return {};
}

// The value of the unlabelled series of a family, if there is one.
std::optional<double> Scalar(const Families& families, std::string_view name) {
  const auto* f = FindFamily(families, name);
  if (f == nullptr || f->metric.empty()) return std::nullopt;
  return SeriesValue(*f, f->metric.front());
}

// The sum over every series of a family.
std::optional<double> Sum(const Families& families, std::string_view name) {
  const auto* f = FindFamily(families, name);
  if (f == nullptr || f->metric.empty()) return std::nullopt;
  double sum = 0;
  for (const auto& m : f->metric) sum += SeriesValue(*f, m);
  return sum;
}

}  // namespace

std::optional<CpuTotals> SumCpuTimes(const Families& families) {
  const auto* f = FindFamily(families, "node_cpu_seconds_total");
  if (f == nullptr || f->metric.empty()) return std::nullopt;
  CpuTotals t;
  for (const auto& m : f->metric) {
    double v = SeriesValue(*f, m);
    // node_cpu_seconds_total leaves guest and guest_nice out (they are part
    // of user and nice), as psutil's total does.
    t.total += v;
    std::string_view mode = Label(m, "mode");
    if (mode != "idle" && mode != "iowait") t.busy += v;
  }
  return t;
}

double RoundPercent(double v) { return std::round(v * 10) / 10; }

std::optional<double> CpuBusyPercent(const CpuTotals& before,
                                     const CpuTotals& after) {
  double total = after.total - before.total;
  double busy = after.busy - before.busy;
  if (!(total > 0) || busy < 0) return std::nullopt;
  return RoundPercent(std::clamp(busy / total * 100, 0.0, 100.0));
}

std::optional<double> DiskUsedPercent(const std::string& path) {
  struct statvfs st {};
  if (statvfs(path.c_str(), &st) != 0) return std::nullopt;
  double frsize = static_cast<double>(st.f_frsize);
  double used = static_cast<double>(st.f_blocks - st.f_bfree) * frsize;
  double avail = static_cast<double>(st.f_bavail) * frsize;
  if (!(used + avail > 0)) return 0.0;
  return RoundPercent(used / (used + avail) * 100);
}

SystemMetricsEncoder::SystemMetricsEncoder(SystemMetricsOptions options)
    : options_(std::move(options)) {}

void SystemMetricsEncoder::Encode(const Families& families, double unix_seconds,
                                  std::vector<std::string>* lines) {
  const int64_t ts = ToPrecision(unix_seconds, options_.precision);
  auto point = [&](const char* metric, const KeyValues& fields) {
    KeyValues tags = options_.extra_tags;
    tags.erase(
        std::remove_if(tags.begin(), tags.end(),
                       [](const auto& kv) { return kv.first == "metric"; }),
        tags.end());
    tags.emplace_back("metric", metric);
    std::sort(tags.begin(), tags.end());
    lines->push_back(FormatLine("system_metrics", tags, fields, ts));
  };
  auto value = [](double v) {
    return KeyValues{{"value", FormatFloatField(v)}};
  };

  if (options_.cpu) {
    std::optional<CpuTotals> now = SumCpuTimes(families);
    if (now && last_cpu_) {
      if (auto pct = CpuBusyPercent(*last_cpu_, *now))
        point("cpu", value(*pct));
    }
    if (now) last_cpu_ = now;
  }
  if (options_.memory) {
    auto total = Scalar(families, "node_memory_MemTotal_bytes");
    auto avail = Scalar(families, "node_memory_MemAvailable_bytes");
    if (total && avail && *total > 0) {
      point("memory", value(RoundPercent((*total - *avail) / *total * 100)));
    }
  }
  if (options_.disk) {
    if (auto pct = DiskUsedPercent(options_.root_path))
      point("disk", value(*pct));
  }
  if (options_.network) {
    auto sent = Sum(families, "node_network_transmit_bytes_total");
    auto recv = Sum(families, "node_network_receive_bytes_total");
    if (sent && recv) {
      point("network", {{"bytes_recv", FormatFloatField(*recv)},
                        {"bytes_sent", FormatFloatField(*sent)}});
    }
  }
}

}  // namespace host_exporter::sinks
