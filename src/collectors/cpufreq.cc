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

class CpufreqCollector : public Collector {
 public:
  explicit CpufreqCollector(const CollectorOptions& o)
      : ne15_(o.NodeExporter15()) {}

  Families Collect(const HostPaths& paths) override {
    const std::string root = paths.Sys("devices/system/cpu");
    FamilySet out;
    FamilyBuilder* freq[std::size(kFrequencies)];
    for (size_t i = 0; i < std::size(kFrequencies); ++i) {
      std::string help = kFrequencies[i].help;
      // node_exporter 1.5 spells the cpuinfo ones "cpu".
      if (ne15_ && i < 3) help.replace(help.find("CPU"), 3, "cpu");
      freq[i] = &out.Gauge(kFrequencies[i].name, help);
    }
    for (const std::string& cpu : GlobDigit(root, "cpu")) {
      const std::string dir = root + "/" + cpu + "/cpufreq";
      StatResult st = Stat(dir);
      if (st.error == ENOENT) continue;
      if (st.error) ThrowErrno(dir, st.error);
      std::optional<uint64_t> values[std::size(kFrequencies)];
      // procfs reads the transition latency too; a malformed one fails.
      ReadKhz(dir + "/cpuinfo_transition_latency");
      for (size_t i = 0; i < std::size(kFrequencies); ++i) {
        values[i] = ReadKhz(dir + "/" + kFrequencies[i].source);
      }
      std::map<std::string, std::string, std::less<>> strings;
      for (const char* file : kRequiredStrings) {
        const std::string path = dir + "/" + file;
        FileRead f = ReadAttr(path);
        if (!f.ok()) ThrowErrno(path, f.error);
        strings[file] = std::string(parse::Trim(f.data));
      }
      const Labels labels = {{"cpu", cpu.substr(3)}};
      for (size_t i = 0; i < std::size(kFrequencies); ++i) {
        if (!values[i]) continue;
        freq[i]->Add(labels, static_cast<double>(*values[i]) * 1000.0);
      }
      // node_exporter 1.9: 1 for the governor in use, 0 for the others
      // available.
      const std::string& governor = strings["scaling_governor"];
      if (!ne15_ && !governor.empty()) {
        auto& family = out.Gauge("node_cpu_scaling_governor",
                                 "Current enabled CPU frequency governor.");
        for (std::string_view g :
             parse::Split(strings["scaling_available_governors"], ' ')) {
          family.Add({{"cpu", cpu.substr(3)}, {"governor", std::string(g)}},
                     g == governor ? 1 : 0);
        }
      }
    }
    return out.Take();
  }

 private:
  bool ne15_;  // --compat.node-exporter=1.5: no governors, "cpu" in HELP
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
