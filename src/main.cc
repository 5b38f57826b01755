// host_exporter: flags → --version, --check-config, --once, or the
// application (src/app) started, reloaded on SIGHUP, stopped on SIGTERM/SIGINT.
#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <utility>

#include "app/application.h"
#include "host_exporter/collector.h"
#include "host_exporter/config.h"

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

// The flags as given on the command line, as settings.
struct FlagValues {
  std::map<std::string, std::vector<std::string>> lists;
  std::map<std::string, bool> switches;
  std::map<std::string, CLI::Option*> options;
};

void AddFlags(CLI::App* cli, FlagValues* v) {
  for (const FlagSpec& f : GlobalFlags()) {
    std::string help = f.help;
    if (!f.default_value.empty()) help += " (default: " + f.default_value + ")";
    if (f.boolean) {
      v->options[f.name] = cli->add_flag("--" + f.name + ",!--no-" + f.name,
                                         v->switches[f.name], help);
    } else if (f.repeatable) {
      v->options[f.name] =
          cli->add_option("--" + f.name, v->lists[f.name], help)
              ->type_name("VALUE")
              ->allow_extra_args(false);
    } else {
      v->options[f.name] =
          cli->add_option("--" + f.name, v->lists[f.name], help)
              ->type_name("VALUE")
              ->allow_extra_args(false)
              ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    }
  }
  auto add_options = [&](const std::vector<OptionSpec>& options,
                         const std::string& suffix) {
    for (const OptionSpec& o : options) {
      std::string help = o.help;
      if (!o.default_value.empty())
        help += " (default: " + o.default_value + ")";
      if (!o.no_effect.empty())
        help += " No effect here: " + std::string(o.no_effect) + ".";
      help += suffix;
      if (o.boolean) {
        v->options[o.name] = cli->add_flag("--" + o.name + ",!--no-" + o.name,
                                           v->switches[o.name], help);
      } else {
        auto* opt = cli->add_option("--" + o.name, v->lists[o.name], help)
                        ->type_name("VALUE")
                        ->allow_extra_args(false);
        if (!o.repeatable)
          opt->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
        v->options[o.name] = opt;
      }
    }
  };
  for (const CollectorSpec& c : AllCollectors()) {
    std::string name = "collector." + std::string(c.name);
    v->options[name] = cli->add_flag(
        "--" + name + ",!--no-" + name, v->switches[name],
        "Enable the " + std::string(c.name) + " collector (default: " +
            (c.enabled_by_default ? "enabled" : "disabled") + "). " +
            std::string(c.help));
    add_options(c.options, "");
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

// Two malloc arenas, not glibc's 8 per CPU: each thread that allocates
// (8 HTTP workers, the collector pool, the gate) would otherwise get its
// own, and each keeps its freed memory resident (13 arenas and 2 MB more
// resident after a burst of parallel scrapes). MALLOC_ARENA_MAX overrides.
//
// And fixed mmap and trim thresholds of 128 KiB (glibc's initial ones):
// glibc raises both each time a mapped block is freed (up to 32 and 64
// MiB), so after the first cycles' encoded bodies (hundreds of KB each)
// those come from the heap, whose freed memory then stays resident: 3.3 MB
// more at 200 interfaces, disks and mounts (bench/REPORT.md,
// "Deployments"). Fixed, a large block is a mapping of its own, returned
// when freed. GLIBC_TUNABLES or MALLOC_MMAP_THRESHOLD_ override.
void TuneMalloc() {
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 2);
  if (std::getenv("GLIBC_TUNABLES") == nullptr &&
      std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr) {
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    mallopt(M_TRIM_THRESHOLD, 128 * 1024);
  }
}

int Run(int argc, char** argv) {
  TuneMalloc();
  RaiseOpenFileLimit();
  CLI::App cli(kUsage, "host_exporter");
  cli.get_formatter()->column_width(48);
  FlagValues flags;
  std::string config_file;
  bool check_config = false, once = false, version = false;
  cli.add_option(
         "--config.file", config_file,
         "JSON config file (see packaging/config.json). Reloaded on SIGHUP.")
      ->type_name("FILE");
  cli.add_flag("--check-config", check_config,
               "Validate flags and the config file as start-up does (web "
               "config, secret files, log file; short of binding the port, "
               "creating nothing), print the result, exit 0 (valid) or 1 "
               "(invalid).");
  cli.add_flag("--once", once,
               "Collect once, print the exposition to stdout and exit.");
  cli.add_flag("--version", version, "Show application version.");
  AddFlags(&cli, &flags);
  try {
    // "--name=" sets an empty value, as node_exporter (kingpin) accepts, e.g.
    // --collector.netstat.fields= ; CLI11 would report a missing value, so
    // it gets "--name" and "" instead. CLI11 wants the arguments reversed.
    std::vector<std::string> args;
    for (int i = argc - 1; i >= 1; --i) {
      std::string a = argv[i];
      if (a.size() > 3 && a.starts_with("--") && a.back() == '=' &&
          a.find('=') == a.size() - 1) {
        args.push_back("");
        a.pop_back();
      }
      args.push_back(std::move(a));
    }
    cli.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    cli.exit(e);
    return 1;
  }
  if (version) {
    std::cout << app::VersionString() << std::endl;
    return 0;
  }

  const Settings given = GivenFlags(flags, config_file);
  std::string error;
  if (check_config) {
    std::string summary;
    if (!app::Application::CheckConfig(given, &summary, &error))
      return Fail(error);
    std::cout << summary << std::endl;
    return 0;
  }
  if (once) {
    std::string text;
    if (!app::Application::CollectOnce(given, &text, &error))
      return Fail(error);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return 0;
  }

  // Signals are handled synchronously by this thread; every thread the
  // application starts inherits the blocked mask.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
  signal(SIGPIPE, SIG_IGN);

  app::Application exporter(given);
  if (!exporter.Start(&error)) return Fail(error);
  while (true) {
    int sig = 0;
    if (sigwait(&sigs, &sig) != 0) continue;
    if (sig == SIGHUP) {
      exporter.Reload(StopPending);  // a pending stop is the next sigwait()
      continue;
    }
    exporter.Stop(sig == SIGTERM ? "SIGTERM" : "SIGINT");
    return 0;
  }
}

}  // namespace
}  // namespace host_exporter

int main(int argc, char** argv) { return host_exporter::Run(argc, argv); }
