// vmstat: node_vmstat_<field> (untyped) for the /proc/vmstat fields that
// match --collector.vmstat.fields (node_exporter 1.5's default regex).
#include "parse/vmstat.h"

#include <optional>
#include <regex>
#include <string>

#include "collectors/util.h"
#include "host_exporter/family.h"

namespace host_exporter {
namespace {

constexpr char kFieldsFlag[] = "collector.vmstat.fields";

class VmstatCollector : public Collector {
 public:
  explicit VmstatCollector(std::optional<std::regex> fields)
      : fields_(std::move(fields)) {}

  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("vmstat");
    auto fields = Unwrap(parse::ParseVmstat(ReadFile(path)), path);
    Families out;
    for (const auto& [name, value] : fields) {
      // An empty pattern matches everything, as Go's regexp does.
      if (fields_ && !Matches(fields_, name)) continue;
      out.push_back(Untyped("node_vmstat_" + name,
                            "/proc/vmstat information field " + name + ".")
                        .Add(value)
                        .Take());
    }
    return out;
  }

 private:
  std::optional<std::regex> fields_;
};

}  // namespace

CollectorSpec VmstatCollectorSpec() {
  return {"vmstat",
          true,
          "Exposes statistics from /proc/vmstat.",
          {{kFieldsFlag, "^(oom_kill|pgpg|pswp|pg.*fault).*",
            "Regexp of fields to return for vmstat collector."}},
          [](const CollectorOptions& o) -> std::unique_ptr<Collector> {
            return std::make_unique<VmstatCollector>(
                CompileFilter(kFieldsFlag, o.Get(kFieldsFlag)));
          }};
}

}  // namespace host_exporter
