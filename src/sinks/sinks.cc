#include "sinks/sinks.h"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <thread>

#include "host_exporter/family.h"
#include "sinks/influxdb_sink.h"
#include "sinks/remote_write_sink.h"
#include "sinks/secrets.h"

namespace host_exporter::sinks {
namespace {

// The share of the documented 2 s stop that the final push gets (sinks
// stop in parallel); what is left stays in the disk queue, if on.
constexpr std::chrono::milliseconds kMaxDrain{1500};

constexpr char kQueueRoot[] = "/var/lib/host_exporter/queue/";

DiskQueueOptions DiskOptions(const DiskQueueConfig& c, const char* sink) {
  DiskQueueOptions o;
  if (!c.enabled) return o;
  o.directory =
      c.directory.empty() ? kQueueRoot + std::string(sink) : c.directory;
  o.max_bytes = c.max_bytes;
  return o;
}

std::string Hostname() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

// `defaults` overridden by `given`; empty values removed; sorted by name.
std::vector<std::pair<std::string, std::string>> Merge(
    std::map<std::string, std::string> defaults,
    const std::map<std::string, std::string>& given) {
  for (const auto& [k, v] : given) defaults[k] = v;
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [k, v] : defaults) {
    if (!v.empty()) out.emplace_back(k, v);
  }
  return out;
}

std::string Millis(std::chrono::milliseconds ms) {
  return std::to_string(ms.count()) + "ms";
}

}  // namespace

Sinks::Sinks(SnapshotStore* store, Logger* log) : store_(store), log_(log) {}

Sinks::~Sinks() { Stop(); }

bool Sinks::Build(const Config& config, const SinkConfig& sinks,
                  std::vector<Entry>* out, std::string* error) {
  std::vector<std::string> warnings;
  // An inline secret is only as private as the config file.
  auto inline_secret = [&](const std::string& value, const std::string& key) {
    if (value.empty() || config.config_file.empty()) return;
    std::string w = OtherReadableWarning(config.config_file, key + " (inline)");
    if (!w.empty()) warnings.push_back(w + ", or move the secret to a file");
  };
  const std::string host = Hostname();
  if (sinks.database.enabled) {
    const DatabaseConfig& d = sinks.database;
    Entry e;
    e.database = d;
    if (!ResolveSecret({d.password_key, d.password, d.password_file_key,
                        d.password_file, kDatabasePasswordEnv},
                       &e.secret1, &warnings, error) ||
        !ResolveSecret({"database.token", d.token, "database.token_file",
                        d.token_file, kDatabaseTokenEnv},
                       &e.secret2, &warnings, error)) {
      return false;
    }
    inline_secret(d.password, d.password_key);
    inline_secret(d.token, "database.token");
    InfluxTarget target;
    if (!BuildInfluxTarget(d, &target, error)) return false;
    // The script's points follow its `metrics` toggles, i.e. the
    // collectors they turned on or off.
    auto enabled = [&](std::string_view name) {
      return std::any_of(config.collectors.begin(), config.collectors.end(),
                         [&](const auto& c) { return c.first->name == name; });
    };
    SystemMetricsOptions script;
    script.cpu = enabled("cpu");
    script.memory = enabled("meminfo");
    script.disk = enabled("filesystem");
    script.network = enabled("netdev");
    script.root_path = config.paths.rootfs;
    PushSinkOptions o =
        InfluxSinkOptions(d, target, e.secret1, e.secret2,
                          Merge({{"host", host}}, d.tags), std::move(script));
    o.disk = DiskOptions(d.disk_queue, "influxdb");
    e.drain = std::min(d.timeout, kMaxDrain);
    e.sink = std::make_unique<PushSink>(std::move(o), store_, log_);
    out->push_back(std::move(e));
  }
  if (sinks.remote_write.enabled) {
    const RemoteWriteConfig& rw = sinks.remote_write;
    Entry e;
    e.remote_write = rw;
    if (!ResolveSecret(
            {"remote_write.basic_auth.password", rw.password,
             "remote_write.basic_auth.password_file", rw.password_file,
             rw.username.empty() ? "" : kRemoteWritePasswordEnv},
            &e.secret1, &warnings, error) ||
        !ResolveSecret({"remote_write.bearer_token", rw.bearer_token,
                        "remote_write.bearer_token_file", rw.bearer_token_file,
                        rw.username.empty() ? kRemoteWriteTokenEnv : ""},
                       &e.secret2, &warnings, error)) {
      return false;
    }
    inline_secret(rw.password, "remote_write.basic_auth.password");
    inline_secret(rw.bearer_token, "remote_write.bearer_token");
    PushSinkOptions o = RemoteWriteSinkOptions(
        rw, e.secret1, e.secret2,
        Merge({{"instance", host}, {"job", "node"}}, rw.external_labels));
    o.disk = DiskOptions(rw.disk_queue, "remote_write");
    if (!o.disk.directory.empty() && sinks.database.disk_queue.enabled &&
        DiskOptions(sinks.database.disk_queue, "influxdb").directory ==
            o.disk.directory) {
      *error =
          "remote_write.disk_queue.directory: the same directory as "
          "database.disk_queue.directory (" +
          o.disk.directory + "); each sink needs its own";
      return false;
    }
    e.drain = std::min(rw.remote_timeout, kMaxDrain);
    e.sink = std::make_unique<PushSink>(std::move(o), store_, log_);
    out->push_back(std::move(e));
  }
  for (const auto& w : warnings) log_->Warn(w);
  return true;
}

bool Sinks::Init(const Config& config, const SinkConfig& sinks,
                 std::string* error) {
  std::vector<Entry> entries;
  if (!Build(config, sinks, &entries, error)) return false;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& e : entries) entries_.push_back(std::move(e));
  return true;
}

void Sinks::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& e : entries_) StartEntry(&e);
}

void Sinks::StartEntry(Entry* e) {
  if (e->running) return;
  e->running = true;
  if (e->database.enabled) {
    InfluxTarget t;
    std::string ignored;
    BuildInfluxTarget(e->database, &t, &ignored);
    log_->Info(
        "Pushing to InfluxDB",
        {{"url", RedactUrl(t.write_url)},
         {t.v2 ? "bucket" : "database", t.database},
         {"batch_size", std::to_string(e->database.batch_size)},
         {"flush_interval", Millis(e->database.flush_interval)},
         {"max_buffer_points", std::to_string(e->database.max_buffer_points)}});
  } else {
    log_->Info(
        "Pushing to Prometheus remote write",
        {{"url", RedactUrl(e->remote_write.url)},
         {"max_samples_per_send",
          std::to_string(e->remote_write.max_samples_per_send)},
         {"batch_send_deadline", Millis(e->remote_write.batch_send_deadline)},
         {"capacity", std::to_string(e->remote_write.capacity)}});
  }
  e->sink->Start();
}

void Sinks::Reload(const Config& config, const SinkConfig& sinks) {
  std::vector<Entry> next;
  std::string error;
  if (!Build(config, sinks, &next, &error)) {
    log_->Error("push sinks not reloaded, keeping the running ones",
                {{"err", error}});
    for (auto& e : entries_) e.sink->Rebase();
    return;
  }
  std::vector<Entry> retired;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& n : next) {
      auto same =
          std::find_if(entries_.begin(), entries_.end(), [&](const Entry& o) {
            return o.database == n.database &&
                   o.remote_write == n.remote_write && o.secret1 == n.secret1 &&
                   o.secret2 == n.secret2;
          });
      if (same != entries_.end()) {
        same->sink->Rebase();
        n = std::move(*same);
        entries_.erase(same);
      }
    }
    retired = std::move(entries_);
    entries_.clear();
  }
  // Settings changed or sink removed: push what it holds, then start anew.
  for (auto& e : retired) {
    log_->Info("push sink settings changed or removed: stopping it",
               {{"sink", e.sink->name()}});
  }
  StopAll(&retired);
  std::lock_guard<std::mutex> lock(mu_);
  entries_ = std::move(next);
  for (auto& e : entries_) StartEntry(&e);
}

void Sinks::Stop() {
  std::vector<Entry> entries;
  {
    std::lock_guard<std::mutex> lock(mu_);
    entries = std::move(entries_);
    entries_.clear();
  }
  StopAll(&entries);
}

void Sinks::StopAll(std::vector<Entry>* entries) {
  // In parallel: the stop budget is the longest drain, not their sum.
  std::vector<std::thread> stoppers;
  for (auto& e : *entries) {
    PushSink* sink = e.sink.get();
    auto drain = e.drain;
    stoppers.emplace_back([sink, drain] { sink->Stop(drain); });
  }
  for (auto& t : stoppers) t.join();
}

Families Sinks::Metrics() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.empty()) return {};
  auto sent = Counter("host_exporter_sink_points_sent_total",
                      "Points (InfluxDB) or samples (remote write) the server "
                      "accepted.");
  auto failed =
      Counter("host_exporter_sink_points_failed_total",
              "Points the server rejected with an error that retrying "
              "cannot fix (4xx, e.g. bad credentials); not resent.");
  auto dropped =
      Counter("host_exporter_sink_points_dropped_total",
              "Oldest points dropped because the push buffer was full.");
  auto buffered =
      Gauge("host_exporter_sink_buffered_points",
            "Points waiting in the push buffer (queued or in flight).");
  auto last = Gauge("host_exporter_sink_last_success_timestamp_seconds",
                    "Unix time of the last accepted write, 0 if none yet.");
  auto errors =
      Counter("host_exporter_sink_write_errors_total",
              "Write requests that failed (transport error or non-2xx "
              "status), retried or not.");
  auto q_bytes = Gauge("host_exporter_sink_queue_bytes",
                       "Bytes of the disk queue's segment files.");
  auto q_age = Gauge("host_exporter_sink_queue_oldest_age_seconds",
                     "Age of the oldest point waiting in the disk queue, 0 "
                     "if none.");
  auto q_replayed =
      Counter("host_exporter_sink_queue_replayed_points_total",
              "Points found in the disk queue at start-up (left by an "
              "earlier run), sent first.");
  auto q_dropped =
      Counter("host_exporter_sink_queue_dropped_points_total",
              "Oldest points removed because the disk queue reached max_bytes "
              "(also counted in host_exporter_sink_points_dropped_total).");
  auto q_corrupt =
      Counter("host_exporter_sink_queue_corrupt_bytes_total",
              "Bytes of truncated or damaged disk queue records discarded.");
  auto q_errors =
      Counter("host_exporter_sink_queue_errors_total",
              "Failed disk queue operations (write, read, acknowledge, damaged "
              "segment); points wait in memory meanwhile.");
  bool any_queue = false;
  const double now = std::chrono::duration<double>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  for (const auto& e : entries_) {
    PushSinkStats s = e.sink->Stats();
    if (s.disk_queue) {
      any_queue = true;
      Labels l = {{"sink", e.sink->name()}};
      q_bytes.Add(l, static_cast<double>(s.queue_bytes));
      q_age.Add(l,
                s.queue_oldest > 0 ? std::max(0.0, now - s.queue_oldest) : 0.0);
      q_replayed.Add(l, static_cast<double>(s.queue_replayed));
      q_dropped.Add(l, static_cast<double>(s.queue_dropped));
      q_corrupt.Add(l, static_cast<double>(s.queue_corrupt_bytes));
      q_errors.Add(l, static_cast<double>(s.queue_errors));
    }
    Labels l = {{"sink", e.sink->name()}};
    sent.Add(l, static_cast<double>(s.sent));
    failed.Add(l, static_cast<double>(s.failed));
    dropped.Add(l, static_cast<double>(s.dropped));
    buffered.Add(l, static_cast<double>(s.buffered));
    last.Add(l, s.last_success);
    errors.Add(l, static_cast<double>(s.write_errors));
  }
  Families out;
  out.push_back(buffered.Take());
  out.push_back(last.Take());
  out.push_back(dropped.Take());
  out.push_back(failed.Take());
  out.push_back(sent.Take());
  if (any_queue) {
    out.push_back(q_bytes.Take());
    out.push_back(q_corrupt.Take());
    out.push_back(q_dropped.Take());
    out.push_back(q_errors.Take());
    out.push_back(q_age.Take());
    out.push_back(q_replayed.Take());
  }
  out.push_back(errors.Take());
  return out;
}

}  // namespace host_exporter::sinks
