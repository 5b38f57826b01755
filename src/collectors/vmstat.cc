// vmstat: node_vmstat_<field> (untyped) for the /proc/vmstat fields that
// match --collector.vmstat.fields (node_exporter 1.5's default regex).
#include "parse/vmstat.h"

#include <string>
#include <vector>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::vmstat {
namespace {

constexpr char kFieldsFlag[] = "collector.vmstat.fields";

// The fields of /proc/vmstat, without groups.
std::vector<UntypedField> ReadVmstat(const HostPaths& paths) {
  const std::string path = paths.Proc("vmstat");
  std::vector<UntypedField> out;
  for (auto& [name, value] : Unwrap(parse::ParseVmstat(ReadFile(path)), path))
    out.push_back({"", std::move(name), value});
  return out;
}

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
                ReadVmstat, [](const std::string&, const std::string& name) {
                  return "/proc/vmstat information field " + name + ".";
                });
          }};
}

}  // namespace host_exporter::collectors::vmstat
