// vmstat: node_vmstat_<field> (untyped) for the /proc/vmstat fields that
// match --collector.vmstat.fields (node_exporter 1.5's default regex).
#include "parse/vmstat.h"

#include <string>
#include <string_view>
#include <vector>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::vmstat {
namespace {

constexpr char kFieldsFlag[] = "collector.vmstat.fields";

// The fields of /proc/vmstat, without groups, viewed in its contents,
// which it keeps until the next cycle.
class VmstatFile {
 public:
  void operator()(const HostPaths& paths, std::vector<UntypedField>* out) {
    const std::string path = paths.Proc("vmstat");
    text_ = ReadFile(path);
    ThrowParseError(parse::ParseVmstat(text_, out), path);
  }

 private:
  std::string text_;
};

}  // namespace

CollectorSpec Spec() {
  return {"vmstat",
          true,
          "Exposes statistics from /proc/vmstat.",
          {{kFieldsFlag, "^(oom_kill|pgpg|pswp|pg.*fault).*",
            "Regexp of fields to return for vmstat collector."}},
          [](const CollectorOptions& o) {
            return UntypedFieldsCollector(
                "node_vmstat_", Filter(kFieldsFlag, o.Get(kFieldsFlag)),
                VmstatFile(),
                [](std::string_view, std::string_view name) {
                  return std::string("/proc/vmstat information field ")
                      .append(name)
                      .append(".");
                },
                RepeatedKey::kEach);
          }};
}

}  // namespace host_exporter::collectors::vmstat
