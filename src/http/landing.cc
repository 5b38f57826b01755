#include "http/landing.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include "host_exporter/family.h"
#include "landing_html.h"  // generated from landing.html: kLandingHtml

namespace host_exporter::http {
namespace {

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// The family `name` of the snapshot if it has series, else nullptr.
const prometheus::MetricFamily* Find(const Snapshot* s, std::string_view name) {
  if (!s) return nullptr;
  const prometheus::MetricFamily* f = FindFamily(s->families, name);
  return f && !f->metric.empty() ? f : nullptr;
}

double FirstValue(const Snapshot* s, std::string_view name) {
  const prometheus::MetricFamily* f = Find(s, name);
  return f ? SeriesValue(*f, f->metric.front()) : NAN;
}

// The host name as the uname collector saw it (so --path.procfs is
// honoured), else the kernel's.
std::string HostName(const Snapshot* s) {
  if (const prometheus::MetricFamily* f = Find(s, "node_uname_info")) {
    for (const auto& l : f->metric.front().label) {
      if (l.name == "nodename" && !l.value.empty()) return l.value;
    }
  }
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) == 0 && buf[0] != '\0') return buf;
  return "unknown host";
}

std::string Duration(double seconds) {
  if (!(seconds >= 0)) return "?";
  auto s = static_cast<long long>(seconds);
  char buf[64];
  if (s >= 86400) {
    std::snprintf(buf, sizeof buf, "%lld d %lld h", s / 86400,
                  s % 86400 / 3600);
  } else if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld h %lld min", s / 3600, s % 3600 / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld min %lld s", s / 60, s % 60);
  }
  return buf;
}

std::string CollectorRows(const Snapshot* s) {
  if (!s) {
    return "<tr><td colspan=\"3\">No collection has finished yet.</td></tr>";
  }
  std::string out;
  for (const auto& c : s->collectors) {
    std::string name = HtmlEscape(c.name);
    out += "<tr data-c=\"" + name + "\"><td>" + name + "</td>";
    if (c.success) {
      out += "<td class=\"ok\">ok</td>";
    } else {
      out += "<td class=\"bad\">failed: " + HtmlEscape(c.error) + "</td>";
    }
    char ms[32];
    const double v = c.duration_seconds * 1000;  // as the page's JS shows it
    std::snprintf(ms, sizeof ms, v >= 100 ? "%.0f ms" : "%.3g ms", v);
    out += "<td class=\"n\">" + std::string(ms) + "</td></tr>\n";
  }
  return out;
}

// Replaces each @NAME@ marker of `tmpl` by values[NAME] in one pass, so a
// value is never scanned for markers.
std::string Fill(
    std::string_view tmpl,
    const std::vector<std::pair<std::string_view, std::string>>& values) {
  std::string out;
  out.reserve(tmpl.size() + 4096);
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t at = tmpl.find('@', i);
    if (at == std::string_view::npos) break;
    out.append(tmpl.substr(i, at - i));
    size_t end = tmpl.find('@', at + 1);
    bool replaced = false;
    if (end != std::string_view::npos) {
      std::string_view key = tmpl.substr(at + 1, end - at - 1);
      for (const auto& [k, v] : values) {
        if (k == key) {
          out.append(v);
          i = end + 1;
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) {
      out.push_back('@');
      i = at + 1;
    }
  }
  out.append(tmpl.substr(std::min(i, tmpl.size())));
  return out;
}

}  // namespace

std::string RelativeLink(std::string_view request_path,
                         std::string_view target) {
  std::string base = "./";
  if (!request_path.empty() && request_path.back() != '/') {
    base += std::string(request_path.substr(request_path.rfind('/') + 1)) + "/";
  }
  while (!target.empty() && target.front() == '/') target.remove_prefix(1);
  return base + std::string(target);
}

std::string RenderLandingPage(const RouteConfig& config,
                              const Snapshot* snapshot,
                              std::string_view request_path) {
  const double now = std::chrono::duration<double>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  const double at = snapshot ? snapshot->timestamp : now;
  return Fill(
      kLandingHtml,
      {{"HOST", HtmlEscape(HostName(snapshot))},
       {"VERSION", HtmlEscape(config.version)},
       {"UPTIME",
        Duration(at - FirstValue(snapshot, "node_boot_time_seconds"))},
       {"XUPTIME",
        Duration(now - FirstValue(snapshot, "process_start_time_seconds"))},
       {"METRICS_URL",
        HtmlEscape(RelativeLink(request_path, config.telemetry_path))},
       {"METRICS_PATH", HtmlEscape(config.telemetry_path)},
       {"BASE", HtmlEscape(RelativeLink(request_path, ""))},
       {"COLLECTORS", CollectorRows(snapshot)}});
}

}  // namespace host_exporter::http
