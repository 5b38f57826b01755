// sysctl: the /proc/sys values named by --collector.sysctl.include (numbers:
// node_sysctl_<name>, untyped) and --collector.sysctl.include-info (words:
// node_sysctl_info{name,value,index}), default off, as node_exporter 1.9
// reads them (prometheus/procfs' SysctlInts/SysctlStrings: one read of at
// most 128 bytes, the white-space separated words). A value list gets an
// "index" label, or with "name:key1,key2,..." one series per key. Any
// selected sysctl that is missing, malformed or does not fit its keys
// fails the collector, naming it.
#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/powercap.h"  // SanitizeMetricName
#include "parse/sysctl_value.h"
#include "parse/utf8.h"

namespace host_exporter::collectors::sysctl {
namespace {

constexpr char kInclude[] = "collector.sysctl.include";
constexpr char kIncludeInfo[] = "collector.sysctl.include-info";

struct Selected {
  parse::SysctlSelector sel;
  bool numeric;
};

// Go's fmt %v of a []string: "[a b c]".
std::string GoList(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + v[i];
  return out + "]";
}

class SysctlCollector : public Collector {
 public:
  explicit SysctlCollector(const CollectorOptions& o) {
    for (const std::string& v : o.GetList(kInclude)) {
      selected_.push_back({parse::ParseSysctlSelector(v), true});
    }
    for (const std::string& v : o.GetList(kIncludeInfo)) {
      selected_.push_back({parse::ParseSysctlSelector(v), false});
    }
  }

  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    for (const Selected& s : selected_) Add(paths, s, out);
    return out.Take();
  }

 private:
  static void Add(const HostPaths& paths, const Selected& s, FamilySet& out) {
    const std::string& name = s.sel.name;
    const std::string path = paths.Proc("sys/" + s.sel.Path());
    const std::string text = ReadAttr(path).Value(path);
    const std::string metric = "node_sysctl_" + parse::SanitizeMetricName(name);
    const std::string help = "sysctl " + name;
    auto fail = [&](const std::string& why) {
      throw CollectError(path + ": sysctl " + name + " " + why);
    };
    std::vector<int64_t> ints;
    std::vector<std::string> words;
    size_t n;
    if (s.numeric) {
      auto r = parse::ParseSysctlInts(text);
      if (!r.ok()) fail(r.error);
      ints = std::move(r.value);
      n = ints.size();
    } else {
      words = parse::ParseSysctlStrings(text);
      n = words.size();
    }
    if (n == 0) fail("has no values");
    auto& info = out.Gauge("node_sysctl_info", "sysctl info");
    const std::string label_name = parse::ToValidUtf8(name);
    if (n == 1 || s.sel.keys.empty()) {
      if (n == 1 && !s.sel.keys.empty()) {
        fail("has only one value, but expected " + GoList(s.sel.keys));
      }
      for (size_t i = 0; i < n; ++i) {
        Labels labels;
        if (n > 1) labels = {{"index", std::to_string(i)}};
        if (s.numeric) {
          out.Untyped(metric, help).Add(labels, ToDouble(ints[i]));
        } else {
          info.Add({{"name", label_name},
                    {"value", parse::ToValidUtf8(words[i])},
                    {"index", std::to_string(i)}},
                   1);
        }
      }
      return;
    }
    if (n != s.sel.keys.size()) {
      fail("has " + std::to_string(n) + " values but " +
           std::to_string(s.sel.keys.size()) + " keys are given");
    }
    if (!s.numeric) fail("has string values, which cannot be mapped to keys");
    for (size_t i = 0; i < n; ++i) {
      out.Untyped(metric + "_" + s.sel.keys[i],
                  help + ", field " + std::to_string(i))
          .Add(ToDouble(ints[i]));
    }
  }

  std::vector<Selected> selected_;
};

}  // namespace

CollectorSpec Spec() {
  return {"sysctl",
          false,
          "Expose sysctl values from /proc/sys. Use "
          "--collector.sysctl.include(-info) to configure.",
          {
              {kInclude, "", "Select sysctl metrics to include", true},
              {kIncludeInfo, "",
               "Select sysctl metrics to include as info metrics", true},
          },
          &MakeCollector<SysctlCollector>};
}

}  // namespace host_exporter::collectors::sysctl
