// vmstat: node_vmstat_<field> (untyped) for the /proc/vmstat fields that
// match --collector.vmstat.fields (node_exporter 1.5's default regex).
#include "parse/vmstat.h"

#include <optional>
#include <regex>
#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::vmstat {
namespace {

constexpr char kFieldsFlag[] = "collector.vmstat.fields";

class VmstatCollector : public Collector {
 public:
  explicit VmstatCollector(Filter fields) : fields_(std::move(fields)) {}

  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("vmstat");
    auto fields = Unwrap(parse::ParseVmstat(ReadFile(path)), path);
    FamilySet out;
    for (const auto& [name, value] : fields) {
      if (!fields_.Includes(name)) continue;
      out.Untyped("node_vmstat_" + name,
                  "/proc/vmstat information field " + name + ".")
          .Add({}, value);
    }
    return out.Take();
  }

 private:
  Filter fields_;
};

}  // namespace

CollectorSpec Spec() {
  return {"vmstat",
          true,
          "Exposes statistics from /proc/vmstat.",
          {{kFieldsFlag, "^(oom_kill|pgpg|pswp|pg.*fault).*",
            "Regexp of fields to return for vmstat collector."}},
          [](const CollectorOptions& o) -> std::unique_ptr<Collector> {
            return std::make_unique<VmstatCollector>(
                Filter(kFieldsFlag, o.Get(kFieldsFlag)));
          }};
}

}  // namespace host_exporter::collectors::vmstat

namespace host_exporter {

CollectorSpec VmstatCollectorSpec() { return collectors::vmstat::Spec(); }

}  // namespace host_exporter
