#include "sinks/influxdb_sink.h"

#include <cctype>
#include <memory>
#include <set>
#include <string_view>

#include "host_exporter/encoder.h"
#include "sinks/system_metrics.h"

namespace host_exporter::sinks {
namespace {

// The parameter names present in a query string.
std::set<std::string> QueryKeys(std::string_view query) {
  std::set<std::string> keys;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view p = query.substr(0, amp);
    keys.insert(std::string(p.substr(0, p.find('='))));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return keys;
}

}  // namespace

std::string QueryEscape(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

bool BuildInfluxTarget(const DatabaseConfig& d, InfluxTarget* out,
                       std::string* error) {
  std::string url = d.url;
  if (size_t hash = url.find('#'); hash != std::string::npos) url.resize(hash);
  std::string base = url, query;
  if (size_t q = url.find('?'); q != std::string::npos) {
    base = url.substr(0, q);
    query = url.substr(q + 1);
  }
  size_t scheme = base.find("://");
  size_t path_start =
      base.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  std::string path =
      path_start == std::string::npos ? "" : base.substr(path_start);
  if (base.size() <= (scheme == std::string::npos ? 0 : scheme + 3)) {
    *error = "database.url: no host in " + d.url;
    return false;
  }
  const std::set<std::string> keys = QueryKeys(query);
  std::vector<std::string> params;
  auto add = [&](const std::string& k, const std::string& v) {
    if (!keys.count(k) && !v.empty())
      params.push_back(k + "=" + QueryEscape(v));
  };
  InfluxTarget t;
  t.v2 = path.ends_with("/api/v2/write") || !d.org.empty() ||
         !d.bucket.empty() || !d.token.empty() || !d.token_file.empty();
  auto strip_slash = [](std::string s) {
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
  };
  if (t.v2) {
    if (!path.ends_with("/api/v2/write"))
      base = strip_slash(base) + "/api/v2/write";
    if (d.bucket.empty() && !keys.count("bucket")) {
      *error =
          "database.bucket: InfluxDB 2.x needs a bucket (or bucket= in "
          "database.url)";
      return false;
    }
    add("org", d.org);
    add("bucket", d.bucket);
    t.database = d.bucket;
  } else {
    if (!path.ends_with("/write")) base = strip_slash(base) + "/write";
    std::string db = d.database.empty() ? kDefaultInfluxDatabase : d.database;
    if (keys.count("db")) {
      for (std::string_view q = query; !q.empty();) {
        size_t amp = q.find('&');
        std::string_view p = q.substr(0, amp);
        if (p.substr(0, 3) == "db=") db = std::string(p.substr(3));
        if (amp == std::string_view::npos) break;
        q.remove_prefix(amp + 1);
      }
    }
    add("db", db);
    add("rp", d.retention_policy);
    t.database = db;
  }
  add("precision", d.precision.empty() ? "ms" : d.precision);
  std::string all = query;
  for (const auto& p : params) all += (all.empty() ? "" : "&") + p;
  t.write_url = base + (all.empty() ? "" : "?" + all);
  *out = t;
  return true;
}

PushSinkOptions InfluxSinkOptions(const DatabaseConfig& d,
                                  const InfluxTarget& target,
                                  const std::string& password,
                                  const std::string& token, KeyValues tags,
                                  SystemMetricsOptions script) {
  PushSinkOptions o;
  o.name = "influxdb";
  o.url = target.write_url;
  o.request.timeout = d.timeout;
  o.request.headers.push_back("Content-Type: text/plain; charset=utf-8");
  if (!token.empty())
    o.request.headers.push_back("Authorization: Token " + token);
  if (!d.username.empty() || !password.empty()) {
    o.request.username = d.username;
    o.request.password = password;
  }
  if (d.gzip) {
    o.request.headers.push_back("Content-Encoding: gzip");
    o.make_body = [](std::string raw) {
      return GzipCompress(raw, kMaxGzipLevel);
    };
  }
  PointOptions points;
  ParsePrecision(d.precision, &points.precision);
  points.legacy_measurements = d.legacy_measurements;
  points.extra_tags = std::move(tags);
  if (d.format == "system_metrics") {
    script.precision = points.precision;
    script.extra_tags = points.extra_tags;
    // Keeps the previous CPU reading; encode runs on the sink's one
    // consumer thread.
    auto enc = std::make_shared<SystemMetricsEncoder>(std::move(script));
    o.encode = [enc](const Snapshot& s, std::vector<std::string>* out) {
      enc->Encode(s.families, s.timestamp, out);
    };
  } else {
    o.encode = [points](const Snapshot& s, std::vector<std::string>* out) {
      EncodePoints(s.families, s.timestamp, points, out);
    };
  }
  o.batch_size = static_cast<size_t>(d.batch_size);
  o.flush_interval = d.flush_interval;
  o.max_buffer = d.max_buffer_points;
  o.min_backoff = d.min_backoff;
  o.max_backoff = d.max_backoff;
  const std::string db = target.database;
  const bool v2 = target.v2;
  o.reject_hint = [db, v2](const HttpResponse& r) -> std::string {
    if (r.status == 401) {
      return v2 ? "check database.token / token_file"
                : "check database.username and the password "
                  "(database.password, "
                  "database.password_file or $HOST_EXPORTER_DATABASE_PASSWORD)";
    }
    if (r.status == 403) return "the user may not write to " + db;
    if (r.status == 404 && !v2) {
      return "create the database: influx -execute 'CREATE DATABASE \"" + db +
             "\"'";
    }
    if (r.status == 404) return "check database.org and database.bucket";
    return "";
  };
  return o;
}

}  // namespace host_exporter::sinks
