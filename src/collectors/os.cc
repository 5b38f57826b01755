// os: node_os_info and node_os_version from os-release(5), read from
// <rootfs>/etc/os-release or, if that does not exist, <rootfs>/usr/lib/
// os-release (as node_exporter 1.5). Neither file -> no series.
#include <optional>
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
    std::string path;
    std::optional<std::string> text;
    for (const char* candidate : {"/etc/os-release", "/usr/lib/os-release"}) {
      path = paths.Root(candidate);
      text = ReadFileIfExists(path);
      if (text) break;
    }
    FamilySet out;
    if (!text) return out.Take();
    const parse::EnvFile env = Unwrap(parse::ParseEnvFile(*text), path);

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
