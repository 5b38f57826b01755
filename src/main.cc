// host_exporter: flags and config file → objects → run; signals.
#include <signal.h>
#include <sys/resource.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <utility>

#include "build_config.h"
#include "host_exporter/collector.h"
#include "host_exporter/config.h"
#include "host_exporter/family.h"
#include "host_exporter/http_server.h"
#include "host_exporter/log.h"
#include "host_exporter/process_metrics.h"
#include "host_exporter/scheduler.h"
#include "host_exporter/snapshot.h"
#include "http/web_config.h"
#include "sinks/sinks.h"  // push sinks

namespace host_exporter {
namespace {

constexpr char kUsage[] =
    "A Prometheus exporter for Linux hosts, a drop-in for node_exporter: it "
    "collects just before the scrapes it expects (their cadence learned from "
    "/metrics arrivals; every --collection.interval without scrapers) into "
    "one snapshot that every scrape serves.\nEvery flag --x.y is also the key "
    "\"x.y\" of the "
    "JSON --config.file; flags win. SIGHUP reloads the config file and "
    "reopens the log file.";

std::string VersionString() {
  return std::string("host_exporter, version ") + HOST_EXPORTER_VERSION +
         " (revision: " + HOST_EXPORTER_REVISION +
         ", compiler: " + HOST_EXPORTER_COMPILER + ")";
}

// Self-metrics added to every snapshot.
Families SelfMetrics() {
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
  for (auto& f : ProcessMetrics()) out.push_back(std::move(f));
  return out;
}

// The flags as given on the command line, as settings.
struct FlagValues {
  std::map<std::string, std::vector<std::string>> lists;
  std::map<std::string, bool> switches;
  std::map<std::string, CLI::Option*> options;
};

void AddFlags(CLI::App* app, FlagValues* v) {
  for (const FlagSpec& f : GlobalFlags()) {
    std::string help = f.help;
    if (!f.default_value.empty()) help += " (default: " + f.default_value + ")";
    if (f.boolean) {
      v->options[f.name] = app->add_flag("--" + f.name + ",!--no-" + f.name,
                                         v->switches[f.name], help);
    } else if (f.repeatable) {
      v->options[f.name] =
          app->add_option("--" + f.name, v->lists[f.name], help)
              ->type_name("VALUE")
              ->allow_extra_args(false);
    } else {
      v->options[f.name] =
          app->add_option("--" + f.name, v->lists[f.name], help)
              ->type_name("VALUE")
              ->allow_extra_args(false)
              ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    }
  }
  for (const CollectorSpec& c : AllCollectors()) {
    std::string name = "collector." + std::string(c.name);
    v->options[name] = app->add_flag(
        "--" + name + ",!--no-" + name, v->switches[name],
        "Enable the " + std::string(c.name) + " collector (default: " +
            (c.enabled_by_default ? "enabled" : "disabled") + "). " +
            std::string(c.help));
    for (const OptionSpec& o : c.options) {
      std::string help = o.help;
      if (!o.default_value.empty())
        help += " (default: " + o.default_value + ")";
      if (o.boolean) {
        v->options[o.name] = app->add_flag("--" + o.name + ",!--no-" + o.name,
                                           v->switches[o.name], help);
      } else {
        auto* opt = app->add_option("--" + o.name, v->lists[o.name], help)
                        ->type_name("VALUE")
                        ->allow_extra_args(false);
        if (!o.repeatable)
          opt->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
        v->options[o.name] = opt;
      }
    }
  }
}

Settings GivenFlags(const FlagValues& v, const std::string& config_file) {
  Settings s;
  for (const auto& [name, opt] : v.options) {
    if (opt->count() == 0) continue;
    Setting set;
    set.origin = "flag --" + name;
    auto sw = v.switches.find(name);
    if (sw != v.switches.end()) {
      set.values = {sw->second ? "true" : "false"};
    } else {
      set.values = v.lists.at(name);
    }
    s[name] = set;
  }
  if (!config_file.empty())
    s["config.file"] = {{config_file}, "flag --config.file"};
  return s;
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

// The scrapers' cadence, learned from /metrics arrivals: kept across
// reloads (a reload makes a new scheduler).
std::shared_ptr<CyclePlanner> ScrapePlanner() {
  static const auto planner = std::make_shared<CyclePlanner>();
  return planner;
}

SchedulerOptions SchedulerOptionsFor(const Config& c) {
  SchedulerOptions o;
  o.interval = c.interval;
  o.timeout = c.timeout;
  o.planner = ScrapePlanner();
  o.max_age = c.max_age;
  o.keep_interval = c.database.enabled || c.remote_write.enabled;
  o.heartbeat = [] { sd_notify(0, "WATCHDOG=1"); };
  return o;
}

// Under systemd with WatchdogSec=, a ping comes once per cycle: an interval
// longer than half the watchdog timeout gets the service killed as wedged.
void WarnIfWatchdogTooShort(const Config& c, Logger* log) {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0) return;
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

// Raises the soft limit of open files to the hard one, as Go programs
// (node_exporter among them) do at start: the collectors keep a share of it
// open between cycles (procfs files, interface attributes).
void RaiseOpenFileLimit() {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

// A configuration checked and made ready to apply: everything start-up
// needs that can fail is done here, short of binding the ports. Start-up,
// --check-config and a SIGHUP reload all go through Prepare(), so what
// --check-config accepts starts, and a reload applies all of a config or
// none of it.
struct Prepared {
  Config config;
  std::vector<NamedCollector> collectors;
  int log_fd = 2;  // the opened log file (unless checking only), or stderr

  Prepared() = default;
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;
  ~Prepared() {
    if (log_fd > 2) ::close(log_fd);
  }
  // The log file descriptor, now owned by the caller.
  int TakeLogFd() { return std::exchange(log_fd, 2); }
};

// Reads the config file, resolves it with the flags, builds the collectors,
// checks the listen addresses, loads the web config (TLS files, users),
// reads the push sinks' secrets, and opens the log file (`check_only`:
// checks that it could be opened, creating nothing). False with *error
// naming the file, key or address.
bool Prepare(const Settings& given, bool check_only, Prepared* out,
             std::string* error) {
  Config& c = out->config;
  if (!LoadConfig(given, &c, error)) return false;
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
    if (!probe.Init(c, error)) return false;
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

// True if SIGTERM or SIGINT is pending (a reload then stops early).
bool StopPending() {
  sigset_t pending;
  sigpending(&pending);
  return sigismember(&pending, SIGTERM) == 1 ||
         sigismember(&pending, SIGINT) == 1;
}

int Fail(const std::string& msg) {
  std::cerr << "host_exporter: error: " << msg << std::endl;
  return 1;
}

int Run(int argc, char** argv) {
  RaiseOpenFileLimit();
  CLI::App app(kUsage, "host_exporter");
  app.get_formatter()->column_width(48);
  FlagValues flags;
  std::string config_file;
  bool check_config = false, once = false, version = false;
  app.add_option(
         "--config.file", config_file,
         "JSON config file (see packaging/config.json). Reloaded on SIGHUP.")
      ->type_name("FILE");
  app.add_flag("--check-config", check_config,
               "Validate flags and the config file as start-up does (web "
               "config, secret files, log file; short of binding the port, "
               "creating nothing), print the result, exit 0 (valid) or 1 "
               "(invalid).");
  app.add_flag("--once", once,
               "Collect once, print the exposition to stdout and exit.");
  app.add_flag("--version", version, "Show application version.");
  AddFlags(&app, &flags);
  try {
    // "--name=" sets an empty value, as node_exporter (kingpin) accepts, e.g.
    // --collector.netstat.fields= ; CLI11 would report a missing value, so
    // it gets "--name" and "" instead. CLI11 wants the arguments reversed.
    std::vector<std::string> args;
    for (int i = argc - 1; i >= 1; --i) {
      std::string a = argv[i];
      if (a.size() > 3 && a.rfind("--", 0) == 0 && a.back() == '=' &&
          a.find('=') == a.size() - 1) {
        args.push_back("");
        a.pop_back();
      }
      args.push_back(std::move(a));
    }
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 1;
  }
  if (version) {
    std::cout << VersionString() << std::endl;
    return 0;
  }

  const Settings given = GivenFlags(flags, config_file);
  std::string error;
  Prepared start;
  if (!Prepare(given, check_config, &start, &error)) return Fail(error);
  Config config = std::move(start.config);
  std::vector<NamedCollector> collectors = std::move(start.collectors);
  if (check_config) {
    std::cout << "host_exporter: configuration OK"
              << (config.config_file.empty() ? ""
                                             : " (" + config.config_file + ")")
              << ": " << collectors.size() << " collectors enabled, interval "
              << config.interval.count() << "ms" << std::endl;
    return 0;
  }

  Logger log;
  log.Use(config.log_level, config.log_format, config.log_file,
          start.TakeLogFd());
  SnapshotStore store;

  if (once) {
    Scheduler scheduler(std::move(collectors), config.paths,
                        SchedulerOptionsFor(config), &log, &store, SelfMetrics);
    auto snap = scheduler.RunOnce();
    std::fwrite(snap->text.data(), 1, snap->text.size(), stdout);
    std::fflush(stdout);
    return 0;
  }

  // Signals are handled synchronously by this thread; every thread started
  // below inherits the blocked mask.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  signal(SIGPIPE, SIG_IGN);

  log.Info("Starting host_exporter", {{"version", VersionString()}});
  HttpOptions http;
  http.listen_addresses = config.listen_addresses;
  http.telemetry_path = config.telemetry_path;
  http.route_prefix = config.route_prefix;
  http.web_config_file = config.web_config_file;
  http.max_requests = config.max_requests;
  http.version = HOST_EXPORTER_VERSION;
  http.on_scrape = [p = ScrapePlanner()](auto t) { p->OnScrape(t); };
  HttpServer server(http, &store, &log);
  if (!server.Start(&error)) {
    log.Error("cannot start the web server", {{"err", error}});
    return Fail(error);
  }
  for (const auto& a : config.listen_addresses) {
    log.Info("Listening on", {{"address", a}});
  }
  std::string enabled;
  for (const auto& c : collectors)
    enabled += (enabled.empty() ? "" : ",") + c.name;
  log.Info("Enabled collectors", {{"collectors", enabled}});

  // --- push sinks (src/sinks): their counters join every snapshot ---
  sinks::Sinks push(&store, &log);
  if (!push.Init(config, &error)) {  // e.g. an unreadable password_file
    log.Error("cannot set up the push sinks", {{"err", error}});
    server.Stop();
    return Fail(error);
  }
  auto self_metrics = [&push] {
    Families out = SelfMetrics();
    for (auto& f : push.Metrics()) out.push_back(std::move(f));
    return out;
  };
  // --- end push sinks ---
  auto scheduler = std::make_unique<Scheduler>(
      std::move(collectors), config.paths, SchedulerOptionsFor(config), &log,
      &store, self_metrics);
  // systemd (Type=notify, WatchdogSec=): ready after the first collection,
  // then a watchdog ping per cycle, so a wedged scheduler gets restarted.
  // Both are no-ops when not started by systemd.
  auto notify = [](const Snapshot& s) {
    sd_notify(0, s.cycle == 1 ? "READY=1\nWATCHDOG=1" : "WATCHDOG=1");
  };
  scheduler->OnCycle(notify);
  WarnIfWatchdogTooShort(config, &log);
  scheduler->Start();
  push.Start();  // push sinks: after the scheduler

  while (true) {
    int sig = 0;
    if (sigwait(&sigs, &sig) != 0) continue;
    if (sig == SIGHUP) {
      log.Info("SIGHUP: reloading configuration");
      sd_notify(0, "RELOADING=1");
      // Everything that can fail first (config file, collectors, web
      // config, secrets, log file), then applied; on any failure the
      // running configuration stays, all of it.
      Prepared next;
      std::string err;
      if (!Prepare(given, false, &next, &err)) {
        log.Error("reload failed, keeping the running configuration",
                  {{"err", err}});
        sd_notify(0, "READY=1");
        continue;
      }
      if (StopPending()) {  // the next sigwait() returns it
        log.Info("reload abandoned: a stop signal is pending");
        continue;
      }
      if (!server.ReloadWebConfig(&err)) {  // the one step that can refuse
        log.Error("reload failed, keeping the running configuration",
                  {{"err", err}});
        sd_notify(0, "READY=1");
        continue;
      }
      const Config& nc = next.config;
      if (nc.listen_addresses != config.listen_addresses ||
          nc.telemetry_path != config.telemetry_path ||
          nc.route_prefix != config.route_prefix ||
          nc.web_config_file != config.web_config_file ||
          nc.max_requests != config.max_requests) {
        log.Warn(
            "web.listen-address, web.telemetry-path, web.route-prefix, "
            "web.config.file and web.max-requests changes need a restart");
      }
      log.Use(nc.log_level, nc.log_format, nc.log_file, next.TakeLogFd());
      scheduler->Stop();
      scheduler = std::make_unique<Scheduler>(std::move(next.collectors),
                                              nc.paths, SchedulerOptionsFor(nc),
                                              &log, &store, self_metrics);
      scheduler->OnCycle(notify);
      WarnIfWatchdogTooShort(nc, &log);
      scheduler->Start();
      push.Reload(nc);  // push sinks: restarted if their settings changed
      config = std::move(next.config);
      log.Info("configuration reloaded");
      sd_notify(0, "READY=1");
      continue;
    }
    log.Info("Shutting down",
             {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    sd_notify(0, "STOPPING=1");
    break;
  }
  server.Stop();
  scheduler.reset();
  push.Stop();  // push sinks: send what is buffered, bounded in time
  return 0;
}

}  // namespace
}  // namespace host_exporter

int main(int argc, char** argv) { return host_exporter::Run(argc, argv); }
