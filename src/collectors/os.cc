// os: node_os_info and node_os_version from os-release(5), read from
// <rootfs>/etc/os-release or, if that does not exist, <rootfs>/usr/lib/
// os-release (as node_exporter 1.5). Neither file -> no series. The parsed
// file is kept while its stat (inode, size, mtime) stays the same, as
// node_exporter caches it by modification time: a cycle costs one stat(2).
#include <iterator>
#include <string>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/os_release.h"

namespace host_exporter::collectors::os {
namespace {

std::string Get(const parse::EnvFile& env, const std::string& key) {
  auto it = env.find(key);
  return it == env.end() ? std::string() : it->second;
}

class OsCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    static constexpr const char* kCandidates[] = {"/etc/os-release",
                                                  "/usr/lib/os-release"};
    const parse::EnvFile* found = nullptr;
    for (size_t i = 0; i < std::size(kCandidates) && !found; ++i) {
      const std::string path = paths.Root(kCandidates[i]);
      found = files_[i].Get(path, [&](const std::string& text) {
        return Unwrap(parse::ParseEnvFile(text), path);
      });
    }
    FamilySet out;
    if (!found) return out.Take();
    const parse::EnvFile& env = *found;

    out.Gauge("node_os_info",
              "A metric with a constant '1' value labeled by build_id, id, "
              "id_like, image_id, image_version, name, pretty_name, variant, "
              "variant_id, version, version_codename, version_id.")
        .Add({{"build_id", Get(env, "BUILD_ID")},
              {"id", Get(env, "ID")},
              {"id_like", Get(env, "ID_LIKE")},
              {"image_id", Get(env, "IMAGE_ID")},
              {"image_version", Get(env, "IMAGE_VERSION")},
              {"name", Get(env, "NAME")},
              {"pretty_name", Get(env, "PRETTY_NAME")},
              {"variant", Get(env, "VARIANT")},
              {"variant_id", Get(env, "VARIANT_ID")},
              {"version", Get(env, "VERSION")},
              {"version_codename", Get(env, "VERSION_CODENAME")},
              {"version_id", Get(env, "VERSION_ID")}},
             1);
    // Only a VERSION_ID that starts with a number gives a version.
    const double version = parse::OsVersionNumber(Get(env, "VERSION_ID"));
    if (version > 0) {
      out.Gauge("node_os_version",
                "Metric containing the major.minor part of the OS version.")
          .Add({{"id", Get(env, "ID")},
                {"id_like", Get(env, "ID_LIKE")},
                {"name", Get(env, "NAME")}},
               version);
    }
    return out.Take();
  }

 private:
  StampedFile<parse::EnvFile> files_[2];  // one per candidate
};

}  // namespace

CollectorSpec Spec() {
  return {"os",
          true,
          "Expose OS release info from os-release(5).",
          {},
          &MakeCollector<OsCollector>};
}

}  // namespace host_exporter::collectors::os
