// edac: node_edac_{,un}correctable_errors_total per memory controller and
// node_edac_csrow_{,un}correctable_errors_total per chip-select row from
// /sys/devices/system/edac/mc/mc<N>/, as node_exporter 1.5 reads them. The
// errors a controller cannot attribute to a row (ce_noinfo_count,
// ue_noinfo_count) are the csrow "unknown". No EDAC: no families; a missing
// or malformed count fails the scrape.
#include <cstring>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::edac {
namespace {

// The digits right after `prefix` in a name matched by "<prefix>[0-9]*".
std::string LeadingNumber(const std::string& name, size_t prefix) {
  size_t end = prefix;
  while (end < name.size() && name[end] >= '0' && name[end] <= '9') ++end;
  return name.substr(prefix, end - prefix);
}

double ReadCount(const std::string& path, const std::string& what) {
  FileRead f = ReadWhole(path);
  if (!f.ok()) {
    throw CollectError("couldn't get " + what + ": " + path + ": " +
                       std::strerror(f.error));
  }
  return static_cast<double>(Unwrap(parse::ParseUintFile(f.data), path));
}

class EdacCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    const std::string root = paths.Sys("devices/system/edac/mc");
    static constexpr FamilyDef kFamilies[] = {
        {"node_edac_correctable_errors_total",
         "Total correctable memory errors.", kCounter},
        {"node_edac_uncorrectable_errors_total",
         "Total uncorrectable memory errors.", kCounter},
        {"node_edac_csrow_correctable_errors_total",
         "Total correctable memory errors for this csrow.", kCounter},
        {"node_edac_csrow_uncorrectable_errors_total",
         "Total uncorrectable memory errors for this csrow.", kCounter},
    };
    const auto [ce, ue, row_ce, row_ue] = out.Handles(kFamilies);
    for (const std::string& mc : GlobDigit(root, "mc")) {
      const std::string dir = root + "/" + mc;
      const std::string n = LeadingNumber(mc, 2);
      ce->Add({{"controller", n}}, ReadCount(dir + "/ce_count", "ce_count"));
      row_ce->Add({{"controller", n}, {"csrow", "unknown"}},
                  ReadCount(dir + "/ce_noinfo_count", "ce_noinfo_count"));
      ue->Add({{"controller", n}}, ReadCount(dir + "/ue_count", "ue_count"));
      row_ue->Add({{"controller", n}, {"csrow", "unknown"}},
                  ReadCount(dir + "/ue_noinfo_count", "ue_noinfo_count"));
      for (const std::string& row : GlobDigit(dir, "csrow")) {
        // node_exporter's csrow regexp needs the controller to be "mc" and
        // digits only.
        if (n.size() + 2 != mc.size()) {
          throw CollectError(dir + "/" + row +
                             ": csrow string didn't match regexp");
        }
        const std::string r = LeadingNumber(row, 5);
        const std::string row_dir = dir + "/" + row;
        row_ce->Add({{"controller", n}, {"csrow", r}},
                    ReadCount(row_dir + "/ce_count", "ce_count"));
        row_ue->Add({{"controller", n}, {"csrow", r}},
                    ReadCount(row_dir + "/ue_count", "ue_count"));
      }
    }
    return out.Take();
  }
};

}  // namespace

CollectorSpec Spec() {
  return {"edac",
          true,
          "Exposes error detection and correction (EDAC) statistics from "
          "/sys/devices/system/edac/mc.",
          {},
          &MakeCollector<EdacCollector>};
}

}  // namespace host_exporter::collectors::edac
