// filefd: node_filefd_allocated and node_filefd_maximum from
// /proc/sys/fs/file-nr.
#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/file_nr.h"

namespace host_exporter::collectors::filefd {
namespace {

class FilefdCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    const std::string path = paths.Proc("sys/fs/file-nr");
    auto nr = Unwrap(parse::ParseFileNr(ReadFile(path)), path);
    FamilySet out;
    out.Gauge("node_filefd_allocated", "File descriptor statistics: allocated.")
        .Add(nr.allocated);
    out.Gauge("node_filefd_maximum", "File descriptor statistics: maximum.")
        .Add(nr.maximum);
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"filefd",
          true,
          "Exposes file descriptor statistics from /proc/sys/fs/file-nr.",
          {},
          &MakeCollector<FilefdCollector>};
}

}  // namespace host_exporter::collectors::filefd
