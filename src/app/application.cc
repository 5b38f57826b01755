#include "app/application.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <utility>

#include "app/resident.h"
#include "app/sd_daemon.h"
#include "build_config.h"
#include "build_revision.h"
#include "host_exporter/collector.h"
#include "host_exporter/family.h"
#include "host_exporter/http_server.h"
#include "host_exporter/process_metrics.h"
#include "http/web_config.h"
#include "sinks/sinks.h"

namespace host_exporter::app {
namespace {

// The cycle after which start-up's resident code is let go.
constexpr uint64_t kReleaseAfterCycle = 3;

// Self-metrics added to every snapshot: the build info, and the process's
// own metrics unless --web.disable-exporter-metrics.
Families SelfMetrics(bool exporter_metrics) {
  Families out;
  out.push_back(Gauge("host_exporter_build_info",
                      "A metric with a constant '1' value labeled by version, "
                      "revision and compiler from which host_exporter was "
                      "built.")
                    .Add({{"version", HOST_EXPORTER_VERSION},
                          {"revision", HOST_EXPORTER_REVISION},
                          {"compiler", HOST_EXPORTER_COMPILER}},
                         1)
                    .Take());
  if (exporter_metrics) {
    for (auto& f : ProcessMetrics()) out.push_back(std::move(f));
  }
  return out;
}

std::vector<NamedCollector> MakeCollectors(const Config& c,
                                           std::string* error) {
  std::vector<NamedCollector> out;
  for (const auto& [spec, opts] : c.collectors) {
    try {
      out.push_back({std::string(spec->name), spec->create(opts)});
    } catch (const std::exception& e) {
      *error = "collector " + std::string(spec->name) + ": " + e.what();
      return {};
    }
  }
  return out;
}

SchedulerOptions SchedulerOptionsFor(const Config& c, bool push,
                                     std::shared_ptr<CyclePlanner> planner) {
  SchedulerOptions o;
  o.interval = c.interval;
  o.timeout = c.timeout;
  o.planner = std::move(planner);
  o.max_age = c.max_age;
  o.keep_interval = push;
  o.snapshot.boot_time = ReadBootTime(c.paths.Proc("stat"));
  o.snapshot.process_start = ProcessStartTime();
  o.snapshot.openmetrics_created = c.openmetrics_created;
  o.pool_size = static_cast<size_t>(c.pool_size);
  // Under systemd with WatchdogSec=, a ping every half of it from the
  // scheduler's loop (cycles may be up to max_age apart), not per cycle;
  // without, no pings and no wake-ups for them.
  if (const uint64_t watchdog_us = sd::WatchdogUsec(); watchdog_us > 0) {
    o.heartbeat = [] { sd::Notify("WATCHDOG=1"); };
    o.heartbeat_period = std::max<std::chrono::milliseconds>(
        std::chrono::milliseconds(1),
        std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::microseconds(watchdog_us / 2)));
  }
  return o;
}

// Under systemd with WatchdogSec=, the loop pings every half of it but not
// during a cycle, which may last up to collector.timeout (at most the
// interval): an interval longer than half the watchdog timeout can get the
// service killed as wedged.
void WarnIfWatchdogTooShort(const Config& c, Logger* log) {
  const uint64_t usec = sd::WatchdogUsec();
  if (usec == 0) return;
  const auto interval_us =
      std::chrono::duration_cast<std::chrono::microseconds>(c.interval).count();
  if (static_cast<uint64_t>(interval_us) * 2 > usec) {
    log->Warn(
        "collection.interval is longer than half of systemd's WatchdogSec: the "
        "service will be restarted as wedged; raise WatchdogSec in a drop-in",
        {{"interval_ms", std::to_string(interval_us / 1000)},
         {"watchdog_ms", std::to_string(usec / 1000)}});
  }
}

}  // namespace

std::string VersionString() {
  return std::string("host_exporter, version ") + HOST_EXPORTER_VERSION +
         " (revision: " + HOST_EXPORTER_REVISION +
         ", compiler: " + HOST_EXPORTER_COMPILER + ")";
}

Prepared::~Prepared() {
  if (log_fd > 2) ::close(log_fd);
}

int Prepared::TakeLogFd() { return std::exchange(log_fd, 2); }

bool Prepare(const Settings& given, bool check_only, Prepared* out,
             std::string* error) {
  Config& c = out->config;
  if (!LoadConfig(given, sinks::SinkConfigParsers(&out->sinks), &c, error))
    return false;
  out->collectors = MakeCollectors(c, error);
  if (!error->empty()) return false;
  for (const auto& a : c.listen_addresses) {
    std::string ports;
    if (!ToCivetwebPorts(a, &ports, error)) {
      *error = "--web.listen-address: " + *error;
      return false;
    }
  }
  if (!c.web_config_file.empty()) {
    http::WebConfig web;
    if (!http::LoadWebConfig(c.web_config_file, &web, error)) return false;
  }
  {
    // The secrets, read as the push sinks will read them; sinks built here
    // are never started. Warnings (secret files readable by others) are
    // left to the sinks that run.
    SnapshotStore unused_store;
    Logger quiet;
    quiet.Use(LogLevel::kError, "logfmt", "", 2);
    sinks::Sinks probe(&unused_store, &quiet);
    if (!probe.Init(c, out->sinks, error)) return false;
  }
  if (check_only) return CheckLogFile(c.log_file, error);
  if (!c.log_file.empty()) {
    out->log_fd = OpenLogFile(c.log_file, error);
    if (out->log_fd < 0) {
      out->log_fd = 2;
      return false;
    }
  }
  return true;
}

Application::Application(Settings given) : given_(std::move(given)) {}

Application::~Application() { StopAll(); }

bool Application::CheckConfig(const Settings& given, std::string* summary,
                              std::string* error) {
  Prepared p;
  if (!Prepare(given, true, &p, error)) return false;
  const Config& c = p.config;
  *summary = "host_exporter: configuration OK" +
             (c.config_file.empty() ? "" : " (" + c.config_file + ")") + ": " +
             std::to_string(p.collectors.size()) +
             " collectors enabled, interval " +
             std::to_string(c.interval.count()) + "ms";
  return true;
}

bool Application::CollectOnce(const Settings& given, std::string* text,
                              std::string* error) {
  Prepared p;
  if (!Prepare(given, false, &p, error)) return false;
  const Config& c = p.config;
  Logger log;
  log.Use(c.log_level, c.log_format, c.log_file, p.TakeLogFd());
  SnapshotStore store;
  Scheduler scheduler(
      std::move(p.collectors), c.paths,
      SchedulerOptionsFor(c, p.sinks.any(), std::make_shared<CyclePlanner>()),
      &log, &store, [exporter = !c.disable_exporter_metrics] {
        return SelfMetrics(exporter);
      });
  *text = scheduler.RunOnce()->Text();
  return true;
}

bool Application::Start(std::string* error) {
  Prepared start;
  if (!Prepare(given_, false, &start, error)) return false;
  config_ = std::move(start.config);
  sink_config_ = std::move(start.sinks);
  log_.Use(config_.log_level, config_.log_format, config_.log_file,
           start.TakeLogFd());

  log_.Info("Starting host_exporter", {{"version", VersionString()}});
  HttpOptions http;
  http.listen_addresses = config_.listen_addresses;
  http.telemetry_path = config_.telemetry_path;
  http.route_prefix = config_.route_prefix;
  http.web_config_file = config_.web_config_file;
  http.max_requests = config_.max_requests;
  http.version = HOST_EXPORTER_VERSION;
  http.on_scrape = [p = planner_](auto t) { p->OnScrape(t); };
  // Socket activation's variables are read (and removed, the descriptors
  // made close-on-exec) whether or not they are used, so that no child
  // process inherits them.
  const int passed = sd::ListenFds();
  if (config_.systemd_socket) {
    // node_exporter's --web.systemd-socket: the sockets of the .socket unit.
    for (int i = 0; i < passed; ++i) {
      const int fd = sd::kListenFdsStart + i;
      if (!sd::IsListeningStreamSocket(fd)) {
        *error = "--web.systemd-socket: descriptor " + std::to_string(fd) +
                 " from systemd is not a listening stream socket";
        log_.Error("cannot start the web server", {{"err", *error}});
        return false;
      }
      http.inherited_fds.push_back(fd);
    }
    if (http.inherited_fds.empty()) {
      *error =
          "--web.systemd-socket: no socket from systemd (LISTEN_FDS unset or "
          "for another process): start it from a .socket unit";
      log_.Error("cannot start the web server", {{"err", *error}});
      return false;
    }
  }
  server_ = std::make_unique<HttpServer>(http, &store_, &log_);
  if (!server_->Start(error)) {
    log_.Error("cannot start the web server", {{"err", *error}});
    StopAll();
    return false;
  }
  if (config_.systemd_socket) {
    log_.Info("Listening on sockets from systemd",
              {{"count", std::to_string(http.inherited_fds.size())}});
  } else {
    for (const auto& a : config_.listen_addresses) {
      log_.Info("Listening on", {{"address", a}});
    }
  }
  for (const auto& notice : config_.notices) {
    log_.Warn("flag accepted without effect", {{"flag", notice}});
  }
  std::string enabled;
  for (const auto& c : start.collectors)
    enabled += (enabled.empty() ? "" : ",") + c.name;
  log_.Info("Enabled collectors", {{"collectors", enabled}});

  // The push sinks' counters join every snapshot.
  push_ = std::make_unique<sinks::Sinks>(&store_, &log_);
  if (!push_->Init(config_, sink_config_,
                   error)) {  // e.g. an unreadable password_file
    log_.Error("cannot set up the push sinks", {{"err", *error}});
    StopAll();
    return false;
  }
  StartScheduler(std::move(start.collectors));
  push_->Start();  // after the scheduler
  return true;
}

bool Application::Reload(const std::function<bool()>& stop_pending) {
  log_.Info("SIGHUP: reloading configuration");
  sd::Notify("RELOADING=1");
  // Everything that can fail first (config file, collectors, web config,
  // secrets, log file), then applied; on any failure the running
  // configuration stays, all of it.
  Prepared next;
  std::string err;
  if (Prepare(given_, false, &next, &err)) {
    if (stop_pending && stop_pending()) {  // the caller stops next
      log_.Info("reload abandoned: a stop signal is pending");
      return false;
    }
    if (server_->ReloadWebConfig(&err)) {  // the one step that can refuse
      const Config& nc = next.config;
      if (nc.listen_addresses != config_.listen_addresses ||
          nc.telemetry_path != config_.telemetry_path ||
          nc.route_prefix != config_.route_prefix ||
          nc.web_config_file != config_.web_config_file ||
          nc.max_requests != config_.max_requests) {
        log_.Warn(
            "web.listen-address, web.telemetry-path, web.route-prefix, "
            "web.config.file and web.max-requests changes need a restart");
      }
      log_.Use(nc.log_level, nc.log_format, nc.log_file, next.TakeLogFd());
      config_ = std::move(next.config);
      sink_config_ = std::move(next.sinks);
      StartScheduler(std::move(next.collectors));
      push_->Reload(config_,
                    sink_config_);  // restarted if their settings changed
      log_.Info("configuration reloaded");
      sd::Notify("READY=1");
      return true;
    }
  }
  log_.Error("reload failed, keeping the running configuration",
             {{"err", err}});
  sd::Notify("READY=1");
  return false;
}

void Application::Stop(const std::string& signal) {
  log_.Info("Shutting down", {{"signal", signal}});
  sd::Notify("STOPPING=1");
  StopAll();
}

std::vector<std::string> Application::BoundAddresses() const {
  return server_ ? server_->BoundAddresses() : std::vector<std::string>{};
}

void Application::StopAll() {
  if (server_) server_->Stop();
  scheduler_.reset();
  if (push_) push_->Stop();  // sends what is buffered, bounded in time
  server_.reset();
  push_.reset();
}

// Replaces the running scheduler (if any) with one for config_.
void Application::StartScheduler(std::vector<NamedCollector> collectors) {
  if (scheduler_) scheduler_->Stop();
  scheduler_ = std::make_unique<Scheduler>(
      std::move(collectors), config_.paths,
      SchedulerOptionsFor(config_, sink_config_.any(), planner_), &log_,
      &store_, [this] { return SelfMetricsWithSinks(); });
  // systemd (Type=notify): ready after the first collection; a no-op when
  // not started by systemd. The watchdog's pings (WatchdogSec=) come from
  // the scheduler's loop every half of it (SchedulerOptionsFor), not per
  // cycle, so a wedged loop gets restarted.
  // After the third cycle (the first ones run code once: discovery, the
  // first scrape's encoder), start-up's code is let go (app/resident.h).
  scheduler_->OnCycle([this](const Snapshot& s) {
    if (s.cycle == 1) sd::Notify("READY=1");
    if (s.cycle == kReleaseAfterCycle) {
      const Released r = ReleaseStartUpPages();
      if (!r.error.empty()) {
        log_.Debug("start-up pages kept", {{"err", r.error}});
      } else {
        log_.Debug("start-up pages released",
                   {{"code_kb", std::to_string(r.code_bytes / 1024)},
                    {"mappings", std::to_string(r.mappings)}});
      }
    }
  });
  WarnIfWatchdogTooShort(config_, &log_);
  scheduler_->Start();
}

Families Application::SelfMetricsWithSinks() const {
  Families out = SelfMetrics(!config_.disable_exporter_metrics);
  for (auto& f : push_->Metrics()) out.push_back(std::move(f));
  return out;
}

}  // namespace host_exporter::app
