// cpufreq: node_cpu_frequency_{,min_,max_}hertz and
// node_cpu_scaling_frequency_{,min_,max_}hertz per CPU from
// /sys/devices/system/cpu/cpu<N>/cpufreq/, as node_exporter 1.5 reads them
// (prometheus/procfs 0.8 SystemCpufreq). The files hold kHz. As node_exporter
// 1.9 (not with --compat.node-exporter=1.5): node_cpu_scaling_governor
// {cpu,governor} per available governor, 1 for the one in use, and "CPU" in
// the cpuinfo families' HELP.
//
// A frequency file that is missing or unreadable (cpuinfo_cur_freq is root
// only) is skipped; a malformed one fails the scrape, and so does a missing
// string file (scaling_governor, scaling_driver, ...), which procfs requires.
// CPUs without cpufreq/ are skipped.
#include <array>
#include <cerrno>
#include <iterator>
#include <map>
#include <optional>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::cpufreq {
namespace {

// One frequency file in kHz, or nullopt when absent or not readable.
std::optional<uint64_t> ReadKhz(const std::string& path) {
  FileRead f = ReadWhole(path);
  if (f.error == ENOENT || f.error == EACCES || f.error == EPERM) {
    return std::nullopt;
  }
  if (!f.ok()) ThrowErrno(path, f.error);
  return Unwrap(parse::ParseUintFile(f.data), path);
}

// The files and their families, in node_exporter's order.
constexpr SourceFamily kFrequencies[] = {
    {"cpuinfo_cur_freq", "node_cpu_frequency_hertz",
     "Current CPU thread frequency in hertz."},
    {"cpuinfo_min_freq", "node_cpu_frequency_min_hertz",
     "Minimum CPU thread frequency in hertz."},
    {"cpuinfo_max_freq", "node_cpu_frequency_max_hertz",
     "Maximum CPU thread frequency in hertz."},
    {"scaling_cur_freq", "node_cpu_scaling_frequency_hertz",
     "Current scaled CPU thread frequency in hertz."},
    {"scaling_min_freq", "node_cpu_scaling_frequency_min_hertz",
     "Minimum scaled CPU thread frequency in hertz."},
    {"scaling_max_freq", "node_cpu_scaling_frequency_max_hertz",
     "Maximum scaled CPU thread frequency in hertz."},
};

// Read by procfs although node_exporter exposes none of them: each must
// exist.
constexpr const char* kRequiredStrings[] = {
    "scaling_available_governors",
    "scaling_driver",
    "scaling_governor",
    "related_cpus",
    "scaling_setspeed",
};

constexpr size_t kFrequencyCount = std::size(kFrequencies);
constexpr size_t kStringCount = std::size(kRequiredStrings);

// A CPU's file paths, made when it is first listed, and the strings read
// this cycle (kept: no string per file per cycle).
struct Cpu {
  std::string label;  // "0" of "cpu0"
  std::string dir;    // .../cpu0/cpufreq
  std::string latency;
  std::array<std::string, kFrequencyCount> khz;
  std::array<std::string, kStringCount> string_paths;
  std::array<std::string, kStringCount> strings;
  bool seen = false;
};

class CpufreqCollector : public Collector {
 public:
  explicit CpufreqCollector(const CollectorOptions& o)
      : ne15_(o.NodeExporter15()) {
    for (size_t i = 0; i < kFrequencyCount; ++i) {
      helps_[i] = kFrequencies[i].help;
      // node_exporter 1.5 spells the cpuinfo ones "cpu".
      if (ne15_ && i < 3) helps_[i].replace(helps_[i].find("CPU"), 3, "cpu");
    }
  }

  Families Collect(const HostPaths& paths) override {
    const std::string root = paths.Sys("devices/system/cpu");
    FamilySet out;
    FamilyBuilder* freq[kFrequencyCount];
    for (size_t i = 0; i < kFrequencyCount; ++i) {
      freq[i] = &out.Gauge(kFrequencies[i].name, helps_[i]);
    }
    if (root != root_) {
      cpus_.clear();
      root_ = root;
    }
    for (auto& [name, c] : cpus_) c.seen = false;
    for (const std::string& name : GlobDigit(root, "cpu")) {
      Cpu& cpu = Known(root, name);
      cpu.seen = true;
      StatResult st = Stat(cpu.dir);
      if (st.error == ENOENT) continue;
      if (st.error) ThrowErrno(cpu.dir, st.error);
      std::optional<uint64_t> values[kFrequencyCount];
      // procfs reads the transition latency too; a malformed one fails.
      ReadKhz(cpu.latency);
      for (size_t i = 0; i < kFrequencyCount; ++i) {
        values[i] = ReadKhz(cpu.khz[i]);
      }
      for (size_t i = 0; i < kStringCount; ++i) {
        FileRead f = ReadAttr(cpu.string_paths[i]);
        if (!f.ok()) ThrowErrno(cpu.string_paths[i], f.error);
        cpu.strings[i].assign(parse::Trim(f.data));
      }
      for (size_t i = 0; i < kFrequencyCount; ++i) {
        if (!values[i]) continue;
        freq[i]->Add({{"cpu", cpu.label}},
                     static_cast<double>(*values[i]) * 1000.0);
      }
      // node_exporter 1.9: 1 for the governor in use, 0 for the others
      // available (split on each space, as strings.Split).
      const std::string& governor = cpu.strings[kGovernor];
      if (!ne15_ && !governor.empty()) {
        auto& family = out.Gauge("node_cpu_scaling_governor",
                                 "Current enabled CPU frequency governor.");
        std::string_view rest = cpu.strings[kAvailableGovernors];
        while (true) {
          const size_t space = rest.find(' ');
          const std::string_view g = rest.substr(0, space);
          family.Add({{"cpu", cpu.label}, {"governor", g}},
                     g == governor ? 1 : 0);
          if (space == std::string_view::npos) break;
          rest.remove_prefix(space + 1);
        }
      }
    }
    std::erase_if(cpus_, [](const auto& kv) { return !kv.second.seen; });
    return out.Take();
  }

 private:
  static constexpr size_t kAvailableGovernors = 0;  // in kRequiredStrings
  static constexpr size_t kGovernor = 2;

  // CPU `name`'s paths, made the first time it is listed.
  Cpu& Known(const std::string& root, const std::string& name) {
    auto [it, added] = cpus_.try_emplace(name);
    Cpu& c = it->second;
    if (added) {
      c.label = name.substr(3);
      c.dir = root + "/" + name + "/cpufreq";
      c.latency = c.dir + "/cpuinfo_transition_latency";
      for (size_t i = 0; i < kFrequencyCount; ++i) {
        c.khz[i] = c.dir + "/" + kFrequencies[i].source;
      }
      for (size_t i = 0; i < kStringCount; ++i) {
        c.string_paths[i] = c.dir + "/" + kRequiredStrings[i];
      }
    }
    return c;
  }

  bool ne15_;  // --compat.node-exporter=1.5: no governors, "cpu" in HELP
  std::array<std::string, kFrequencyCount> helps_;
  std::string root_;
  std::map<std::string, Cpu> cpus_;  // by name ("cpu0")
};

}  // namespace

CollectorSpec Spec() {
  return {"cpufreq",
          true,
          "Exposes CPU frequency statistics from "
          "/sys/devices/system/cpu/cpu*/cpufreq.",
          {},
          &MakeCollector<CpufreqCollector>};
}

}  // namespace host_exporter::collectors::cpufreq
