// uname: node_uname_info{sysname,release,version,machine,nodename,
// domainname} 1.
//
// node_exporter calls uname(2). The same strings are read here from procfs
// sys/kernel/ (ostype, osrelease, version, hostname, domainname, and arch
// where the kernel has it, 6.1 and later), which the kernel fills from the
// same UTS namespace, so that --path.procfs and the test fixtures apply;
// uname(2) answers for any file that is absent.
#include "parse/uname.h"

#include <sys/utsname.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"

namespace host_exporter::collectors::uname {
namespace {

class UnameCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    std::optional<struct utsname> uts;  // filled on first need
    using Field = decltype(utsname::sysname);
    auto field = [&](const char* file, Field utsname::*member) {
      const std::string path = paths.Proc(std::string("sys/kernel/") + file);
      if (auto text = ReadFileIfExists(path)) {
        return Unwrap(parse::ParseSysctlString(*text), path);
      }
      if (!uts) {
        uts.emplace();
        if (::uname(&*uts) != 0) {
          throw CollectError(std::string("uname: ") + std::strerror(errno));
        }
      }
      const Field& value = (*uts).*member;
      return std::string(value, ::strnlen(value, sizeof value));
    };
    Labels labels = {
        {"sysname", field("ostype", &utsname::sysname)},
        {"release", field("osrelease", &utsname::release)},
        {"version", field("version", &utsname::version)},
        {"machine", field("arch", &utsname::machine)},
        {"nodename", field("hostname", &utsname::nodename)},
        {"domainname", field("domainname", &utsname::domainname)},
    };
    FamilySet out;
    out.Gauge("node_uname_info",
              "Labeled system information as provided by the uname "
              "system call.")
        .Add(labels, 1);
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"uname",
          true,
          "Exposes system information as provided by the uname system call.",
          {},
          &MakeCollector<UnameCollector>};
}

}  // namespace host_exporter::collectors::uname
