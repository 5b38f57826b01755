// cpu: per-CPU time in each mode from /proc/stat, thermal throttle counts
// and isolated CPUs from sysfs, and (behind --collector.cpu.info) the
// identity of each CPU from /proc/cpuinfo, as node_exporter 1.5 does.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "collectors/parsed_file.h"
#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/proc_stat.h"

namespace host_exporter::collectors::cpu {
namespace {

constexpr char kGuest[] = "collector.cpu.guest";
constexpr char kInfo[] = "collector.cpu.info";
constexpr char kFlagsInclude[] = "collector.cpu.info.flags-include";
constexpr char kBugsInclude[] = "collector.cpu.info.bugs-include";

// An idle counter that drops by this many seconds or more means the CPU was
// hot-plugged: its cached times are forgotten (node_exporter's
// jumpBackSeconds).
constexpr double kJumpBackSeconds = 3.0;

// The unsigned integer in a small sysfs file, or nullopt if the file does
// not exist. Throws CollectError naming the file if it is unreadable or
// does not hold a number.
std::optional<uint64_t> ReadUintIfExists(const std::string& path) {
  auto text = ReadFileIfExists(path);
  if (!text) return std::nullopt;
  auto v = parse::ParseU64(parse::Trim(*text));
  if (!v) {
    throw CollectError(path + ": not an unsigned integer: '" +
                       std::string(parse::Trim(*text)) + "'");
  }
  return v;
}

// Each field of `cached` follows `now` unless `now` went backwards; the
// kernel's iowait (and, on some hypervisors, other columns) can briefly
// decrease, which a Prometheus counter must not.
void Advance(const parse::CpuTimes& now, parse::CpuTimes* cached) {
  if (cached->idle - now.idle >= kJumpBackSeconds) *cached = {};
  auto up = [](double n, double* c) {
    if (n >= *c) *c = n;
  };
  up(now.idle, &cached->idle);
  up(now.user, &cached->user);
  up(now.nice, &cached->nice);
  up(now.system, &cached->system);
  up(now.iowait, &cached->iowait);
  up(now.irq, &cached->irq);
  up(now.softirq, &cached->softirq);
  up(now.steal, &cached->steal);
  up(now.guest, &cached->guest);
  up(now.guest_nice, &cached->guest_nice);
}

class CpuCollector : public Collector {
 public:
  CpuCollector(bool guest, bool info, Filter flags, Filter bugs)
      : guest_(guest),
        info_(info),
        flags_include_(std::move(flags)),
        bugs_include_(std::move(bugs)) {}

  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    if (info_) CollectInfo(paths, &out);
    CollectStat(paths, &out);
    if (paths.sysfs != sysfs_) {
      // Another sysfs root (tests): its paths made anew, nothing kept.
      sysfs_ = paths.sysfs;
      throttle_root_ = paths.Sys("devices/system/cpu");
      isolated_path_ = throttle_root_ + "/isolated";
      isolated_text_.reset();
      throttle_cpus_.clear();
    }
    CollectIsolated(&out);
    CollectThrottles(&out);
    return out.Take();
  }

 private:
  void CollectInfo(const HostPaths& paths, FamilySet* out) const {
    const std::string path = paths.Proc("cpuinfo");
    auto cpus = Unwrap(parse::ParseCpuInfo(ReadFile(path)), path);
    auto& info =
        out->Gauge("node_cpu_info", "CPU information from /proc/cpuinfo.");
    for (const parse::CpuInfo& c : cpus) {
      info.Add({{"package", c.physical_id},
                {"core", c.core_id},
                {"cpu", std::to_string(c.processor)},
                {"vendor", c.vendor_id},
                {"family", c.cpu_family},
                {"model", c.model},
                {"model_name", c.model_name},
                {"microcode", c.microcode},
                {"stepping", c.stepping},
                {"cachesize", c.cache_size}},
               1);
    }
    if (cpus.empty()) return;
    // node_exporter lists the flags and bugs of the first CPU only, and
    // only those matching the include pattern (none without one).
    auto listed = [&](const std::vector<std::string>& values,
                      const Filter& include, FamilyBuilder& b,
                      const std::string& label) {
      if (include.active()) {
        for (const std::string& v : values) {
          if (include.Includes(v)) b.Add({{label, v}}, 1);
        }
      }
    };
    listed(cpus[0].flags, flags_include_,
           out->Gauge("node_cpu_flag_info",
                      "The `flags` field of CPU information from /proc/cpuinfo "
                      "taken from the first core."),
           "flag");
    listed(cpus[0].bugs, bugs_include_,
           out->Gauge("node_cpu_bug_info",
                      "The `bugs` field of CPU information from /proc/cpuinfo "
                      "taken from the first core."),
           "bug");
  }

  void CollectStat(const HostPaths& paths, FamilySet* out) {
    const parse::ProcStat& stat = stat_.Read(paths);

    // Keep only the CPUs present now, so an offlined CPU's series go away.
    // Both lists are sorted by CPU (the kernel prints them in order): no
    // map node per CPU and cycle, the kept vectors swapped.
    next_.clear();
    for (const parse::CpuLine& line : stat.cpus) {
      auto it = std::lower_bound(
          cached_.begin(), cached_.end(), line.cpu,
          [](const CpuState& c, uint64_t cpu) { return c.first < cpu; });
      parse::CpuTimes times = it == cached_.end() || it->first != line.cpu
                                  ? parse::CpuTimes{}
                                  : it->second;
      Advance(line.times, &times);
      next_.emplace_back(line.cpu, times);
    }
    auto by_cpu = [](const CpuState& a, const CpuState& b) {
      return a.first < b.first;
    };
    if (!std::is_sorted(next_.begin(), next_.end(), by_cpu)) {
      std::stable_sort(next_.begin(), next_.end(), by_cpu);
    }
    // A CPU listed twice has the times of its last line, as a map's.
    auto last = [](const CpuState& a, const CpuState& b) {
      return a.first == b.first;
    };
    if (std::adjacent_find(next_.begin(), next_.end(), last) != next_.end()) {
      std::vector<CpuState> unique;
      for (const CpuState& c : next_) {
        if (!unique.empty() && unique.back().first == c.first) {
          unique.back() = c;
        } else {
          unique.push_back(c);
        }
      }
      next_ = std::move(unique);
    }
    cached_.swap(next_);

    auto& seconds = out->Counter("node_cpu_seconds_total",
                                 "Seconds the CPUs spent in each mode.");
    auto& guest =
        out->Counter("node_cpu_guest_seconds_total",
                     "Seconds the CPUs spent in guests (VMs) for each mode.");
    for (const auto& [id, t] : cached_) {
      const std::string cpu = std::to_string(id);
      const std::pair<const char*, double> modes[] = {
          {"user", t.user},       {"nice", t.nice},     {"system", t.system},
          {"idle", t.idle},       {"iowait", t.iowait}, {"irq", t.irq},
          {"softirq", t.softirq}, {"steal", t.steal}};
      for (const auto& [mode, v] : modes) {
        seconds.Add({{"cpu", cpu}, {"mode", mode}}, v);
      }
      // Guest time is also counted in user and nice; it is exposed apart.
      if (guest_) {
        guest.Add({{"cpu", cpu}, {"mode", "user"}}, t.guest);
        guest.Add({{"cpu", cpu}, {"mode", "nice"}}, t.guest_nice);
      }
    }
  }

  void CollectIsolated(FamilySet* out) {
    auto text = ReadFileIfExists(isolated_path_);
    if (!text) return;
    // Parsed again only when it changes (it rarely does).
    if (!isolated_text_ || *isolated_text_ != *text) {
      isolated_ = Unwrap(parse::ParseCpuList(*text), isolated_path_);
      isolated_labels_.clear();
      for (uint64_t cpu : isolated_) {
        isolated_labels_.push_back(std::to_string(cpu));
      }
      isolated_text_ = std::move(text);
    }
    auto& isolated =
        out->Gauge("node_cpu_isolated",
                   "Whether each core is isolated, information from "
                   "/sys/devices/system/cpu/isolated.");
    for (const std::string& cpu : isolated_labels_) {
      isolated.Add({{"cpu", cpu}}, 1);
    }
  }

  // Thermal throttle counts from /sys/devices/system/cpu/cpu*/: one per
  // package and one per (package, core), read from the first CPU of each
  // that has them. CPUs without topology files are skipped. Each CPU's
  // paths are made when it is first listed; the counts are gathered in
  // kept vectors (no map node per CPU and cycle).
  void CollectThrottles(FamilySet* out) {
    package_throttles_.clear();
    core_throttles_.clear();
    for (auto& [name, cpu] : throttle_cpus_) cpu.seen = false;
    for (const std::string& name : ListDir(throttle_root_)) {
      // The glob "cpu[0-9]*" of node_exporter.
      if (!IsPrefixDigit(name, "cpu")) continue;
      ThrottleCpu& cpu = ThrottleCpuOf(name);
      cpu.seen = true;
      auto package = ReadUintIfExists(cpu.package_path);
      if (!package) continue;
      auto core = ReadUintIfExists(cpu.core_path);
      if (!core) continue;
      // Without thermal_throttle (VMs, most AMD CPUs) one failed stat
      // instead of two failed opens.
      if (Stat(cpu.throttle_dir).error) continue;
      const std::pair<uint64_t, uint64_t> key{*package, *core};
      auto core_seen = [&](const CoreCount& c) { return c.first == key; };
      if (std::none_of(core_throttles_.begin(), core_throttles_.end(),
                       core_seen)) {
        if (auto n = ReadUintIfExists(cpu.core_count)) {
          core_throttles_.emplace_back(key, *n);
        }
      }
      auto package_seen = [&](const PackageCount& p) {
        return p.first == *package;
      };
      if (std::none_of(package_throttles_.begin(), package_throttles_.end(),
                       package_seen)) {
        if (auto n = ReadUintIfExists(cpu.package_count)) {
          package_throttles_.emplace_back(*package, *n);
        }
      }
    }
    std::erase_if(throttle_cpus_,
                  [](const auto& kv) { return !kv.second.seen; });
    // As the maps they replace: by package, by (package, core).
    std::sort(package_throttles_.begin(), package_throttles_.end());
    std::sort(core_throttles_.begin(), core_throttles_.end());
    auto& packages =
        out->Counter("node_cpu_package_throttles_total",
                     "Number of times this CPU package has been throttled.");
    for (const auto& [package, n] : package_throttles_) {
      packages.Add({{"package", std::to_string(package)}},
                   static_cast<double>(n));
    }
    auto& cores =
        out->Counter("node_cpu_core_throttles_total",
                     "Number of times this CPU core has been throttled.");
    for (const auto& [key, n] : core_throttles_) {
      cores.Add({{"package", std::to_string(key.first)},
                 {"core", std::to_string(key.second)}},
                static_cast<double>(n));
    }
  }

  struct ThrottleCpu {
    std::string package_path, core_path, throttle_dir, core_count,
        package_count;
    bool seen = false;
  };
  ThrottleCpu& ThrottleCpuOf(const std::string& name) {
    auto [it, added] = throttle_cpus_.try_emplace(name);
    if (added) {
      const std::string cpu = throttle_root_ + "/" + name;
      it->second.package_path = cpu + "/topology/physical_package_id";
      it->second.core_path = cpu + "/topology/core_id";
      it->second.throttle_dir = cpu + "/thermal_throttle";
      it->second.core_count = cpu + "/thermal_throttle/core_throttle_count";
      it->second.package_count =
          cpu + "/thermal_throttle/package_throttle_count";
    }
    return it->second;
  }

  const bool guest_;
  const bool info_;
  const Filter flags_include_;
  const Filter bugs_include_;
  // The last times exposed per CPU, sorted by CPU, so counters never go
  // backwards; and this cycle's, a kept buffer.
  using CpuState = std::pair<uint64_t, parse::CpuTimes>;
  std::vector<CpuState> cached_, next_;
  // /proc/stat, its text and its parse, kept (their storage reused).
  ParsedProcFile<parse::ProcStat, parse::ParseProcStatInto> stat_{"stat"};
  // The sysfs root the paths below were made under.
  std::string sysfs_;
  // The isolated CPUs, parsed again when the file's text changes.
  std::string isolated_path_;
  std::optional<std::string> isolated_text_;
  std::vector<uint64_t> isolated_;
  std::vector<std::string> isolated_labels_;
  // Each listed CPU's throttle files, by "cpuN"; this cycle's counts.
  std::string throttle_root_;  // devices/system/cpu
  std::map<std::string, ThrottleCpu> throttle_cpus_;
  using PackageCount = std::pair<uint64_t, uint64_t>;
  using CoreCount = std::pair<std::pair<uint64_t, uint64_t>, uint64_t>;
  std::vector<PackageCount> package_throttles_;
  std::vector<CoreCount> core_throttles_;
};

}  // namespace

CollectorSpec Spec() {
  return {"cpu",
          true,
          "Exposes CPU statistics.",
          {
              {kGuest, "true", "Enables metric node_cpu_guest_seconds_total",
               false, true},
              {kInfo, "false", "Enables metric cpu_info", false, true},
              {kFlagsInclude, "",
               "Filter the `flags` field in cpuInfo with a value that must be "
               "a regular expression",
               false, false},
              {kBugsInclude, "",
               "Filter the `bugs` field in cpuInfo with a value that must be "
               "a regular expression",
               false, false},
          },
          [](const CollectorOptions& o) -> std::unique_ptr<Collector> {
            auto flags = Filter(kFlagsInclude, o.Get(kFlagsInclude));
            auto bugs = Filter(kBugsInclude, o.Get(kBugsInclude));
            // As in node_exporter, an include pattern implies
            // --collector.cpu.info.
            const bool info =
                o.GetBool(kInfo) || flags.active() || bugs.active();
            return std::make_unique<CpuCollector>(
                o.GetBool(kGuest), info, std::move(flags), std::move(bugs));
          }};
}

}  // namespace host_exporter::collectors::cpu
