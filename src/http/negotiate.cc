#include "http/negotiate.h"

#include <charconv>
#include <map>
#include <utility>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::http {
namespace {

// One media range of an Accept header (goautoneg.Accept).
struct Accept {
  std::string_view type, subtype;
  double q = 1;
  std::vector<std::pair<std::string_view, std::string_view>> params;

  std::string_view Param(std::string_view key) const {
    for (const auto& [k, v] : params) {
      if (k == key) return v;  // goautoneg keeps the last; see Parse
    }
    return {};
  }
};

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// strconv.ParseFloat(s, 32) as goautoneg uses it: 0 on any error.
double ParseQ(std::string_view s) {
  auto v = parse::ParseDouble(s);
  return v ? static_cast<float>(*v) : 0.0;
}

// goautoneg.ParseAccept: split on ',', each range on ';', "type/subtype"
// (or a lone "*"), "q" read as a float, other parameters kept; then sorted
// by its Less with Go's insertion sort (what sort.Sort runs for the dozen
// ranges an Accept header holds), so equal ranges keep their order.
std::vector<Accept> ParseAccept(std::string_view header) {
  std::vector<Accept> out;
  for (std::string_view part : parse::Split(header, ',')) {
    part = TrimSpaces(part);
    auto mrp = parse::Split(part, ';');
    auto sp = parse::Split(mrp[0], '/');
    Accept a;
    a.type = TrimSpaces(sp[0]);
    if (sp.size() == 1 && a.type == "*") {
      a.subtype = "*";
    } else if (sp.size() == 2) {
      a.subtype = TrimSpaces(sp[1]);
    } else {
      continue;
    }
    for (size_t i = 1; i < mrp.size(); ++i) {
      const size_t eq = mrp[i].find('=');
      if (eq == std::string_view::npos) continue;
      std::string_view token = TrimSpaces(mrp[i].substr(0, eq));
      std::string_view value = mrp[i].substr(eq + 1);
      if (token == "q") {
        a.q = ParseQ(value);
      } else {
        value = TrimSpaces(value);
        bool replaced = false;  // a Go map: a repeated key keeps the last
        for (auto& [k, v] : a.params) {
          if (k == token) {
            v = value;
            replaced = true;
          }
        }
        if (!replaced) a.params.emplace_back(token, value);
      }
    }
    out.push_back(std::move(a));
  }
  auto less = [](const Accept& a, const Accept& b) {
    if (a.q > b.q) return true;
    if (a.type != "*" && b.type == "*") return true;
    if (a.subtype != "*" && b.subtype == "*") return true;
    return false;
  };
  for (size_t i = 1; i < out.size(); ++i) {
    for (size_t j = i; j > 0 && less(out[j], out[j - 1]); --j) {
      std::swap(out[j], out[j - 1]);
    }
  }
  return out;
}

bool ParseEscaping(std::string_view v, Escaping* e) {
  for (Escaping c : {Escaping::kAllowUtf8, Escaping::kUnderscores,
                     Escaping::kDots, Escaping::kValues}) {
    if (v == EscapingName(c)) {
      *e = c;
      return true;
    }
  }
  return false;
}

}  // namespace

Encoding Negotiated::encoding() const {
  switch (format) {
    case Format::kText004:
    case Format::kText100:
      return Encoding::kText;
    case Format::kOpenMetrics001:
    case Format::kOpenMetrics100:
      return Encoding::kOpenMetrics;
    case Format::kProtoDelimited:
      return Encoding::kProtoDelimited;
  }
  return Encoding::kText;
}

std::string Negotiated::ContentType() const {
  std::string ct;
  switch (format) {
    case Format::kText004:
      ct = "text/plain; version=0.0.4; charset=utf-8";
      break;
    case Format::kText100:
      ct = "text/plain; version=1.0.0; charset=utf-8";
      break;
    case Format::kOpenMetrics001:
      ct = "application/openmetrics-text; version=0.0.1; charset=utf-8";
      break;
    case Format::kOpenMetrics100:
      ct = "application/openmetrics-text; version=1.0.0; charset=utf-8";
      break;
    case Format::kProtoDelimited:
      ct = "application/vnd.google.protobuf; "
           "proto=io.prometheus.client.MetricFamily; encoding=delimited";
      break;
  }
  return ct.append("; escaping=").append(EscapingName(escaping));
}

Negotiated Negotiate(std::string_view accept) {
  Negotiated n;
  for (const Accept& ac : ParseAccept(accept)) {
    std::string_view esc = ac.Param("escaping");
    if (!esc.empty()) ParseEscaping(esc, &n.escaping);
    const std::string_view ver = ac.Param("version");
    if (ac.type == "application" && ac.subtype == "vnd.google.protobuf" &&
        ac.Param("proto") == "io.prometheus.client.MetricFamily" &&
        ac.Param("encoding") == "delimited") {
      n.format = Format::kProtoDelimited;
      return n;
    }
    if (ac.type == "text" && ac.subtype == "plain") {
      if (ver == "0.0.4" || ver.empty()) {
        n.format = Format::kText004;
        return n;
      }
      if (ver == "1.0.0") {
        n.format = Format::kText100;
        return n;
      }
    }
    if (ac.type == "application" && ac.subtype == "openmetrics-text") {
      if (ver == "1.0.0") {
        n.format = Format::kOpenMetrics100;
        return n;
      }
      if (ver == "0.0.1" || ver.empty()) {
        n.format = Format::kOpenMetrics001;
        return n;
      }
    }
  }
  n.format = Format::kText004;
  return n;
}

}  // namespace host_exporter::http
