// edac: node_edac_{,un}correctable_errors_total per memory controller and
// node_edac_csrow_{,un}correctable_errors_total per chip-select row from
// /sys/devices/system/edac/mc/mc<N>/, as node_exporter 1.5 reads them. The
// errors a controller cannot attribute to a row (ce_noinfo_count,
// ue_noinfo_count) are the csrow "unknown". No EDAC: no families; a missing
// or malformed count fails the scrape.
//
// The controllers and their rows are listed every cycle, as node_exporter
// globs them; what is made of a listing (the count files' paths, the
// controller and row numbers) is kept while the next listing is the same,
// so a steady cycle reads the counts and allocates nothing for them.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::edac {
namespace {

// The digits right after `prefix` in a name matched by "<prefix>[0-9]*".
std::string LeadingNumber(std::string_view name, size_t prefix) {
  size_t end = prefix;
  while (end < name.size() && name[end] >= '0' && name[end] <= '9') ++end;
  return std::string(name.substr(prefix, end - prefix));
}

double ReadCount(const std::string& path, const char* what) {
  FileRead f = ReadWhole(path);
  if (!f.ok()) {
    throw CollectError(std::string("couldn't get ") + what + ": " + path +
                       ": " + std::strerror(f.error));
  }
  return static_cast<double>(Unwrap(parse::ParseUintFile(f.data), path));
}

// A chip-select row: its number and count files.
struct Row {
  std::string number;  // the label: "1" of csrow1
  std::string name;    // csrow1
  std::string ce, ue;  // paths
};

// A controller as planned from the listing of edac/mc, its rows from its own
// listing (`listed`).
struct Controller {
  std::string number;  // the label: "0" of mc0
  std::string dir;
  std::string ce, ce_noinfo, ue, ue_noinfo;  // paths
  // node_exporter's csrow regexp needs the controller to be "mc" and digits
  // only: a row of any other fails the scrape.
  bool rows_fail = false;
  DirListing listed;  // the listing `rows` were planned from
  bool planned = false;
  std::vector<Row> rows;
};

void PlanController(const std::string& root, std::string_view name,
                    Controller* c) {
  c->dir.assign(root).append("/").append(name);
  c->number = LeadingNumber(name, 2);
  c->rows_fail = c->number.size() + 2 != name.size();
  c->ce = c->dir + "/ce_count";
  c->ce_noinfo = c->dir + "/ce_noinfo_count";
  c->ue = c->dir + "/ue_count";
  c->ue_noinfo = c->dir + "/ue_noinfo_count";
  c->planned = false;
  c->rows.clear();
}

// The rows of `listing` ("csrow[0-9]*", GlobDigit's).
void PlanRows(const DirListing& listing, Controller* c) {
  c->rows.clear();
  for (size_t i = 0; i < listing.size(); ++i) {
    const std::string_view name = listing.name(i);
    if (!IsPrefixDigit(name, "csrow")) continue;
    Row row;
    row.name = std::string(name);
    row.number = LeadingNumber(name, 5);
    const std::string dir = c->dir + "/" + row.name;
    row.ce = dir + "/ce_count";
    row.ue = dir + "/ue_count";
    c->rows.push_back(std::move(row));
  }
  c->listed = listing;
  c->planned = true;
}

class EdacCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    if (paths.sysfs != sysfs_ || root_.empty()) {
      sysfs_ = paths.sysfs;
      root_ = paths.Sys("devices/system/edac/mc");
      controllers_.clear();
      listed_ = DirListing();
      planned_ = false;
    }
    FamilySet out;
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
    // The glob "mc[0-9]*" (an unreadable directory matches nothing).
    scratch_.Read(root_);
    if (!planned_ || !(scratch_ == listed_)) {
      controllers_.clear();
      for (size_t i = 0; i < scratch_.size(); ++i) {
        const std::string_view name = scratch_.name(i);
        if (!IsPrefixDigit(name, "mc")) continue;
        PlanController(root_, name, &controllers_.emplace_back());
      }
      listed_ = scratch_;
      planned_ = true;
    }
    for (Controller& c : controllers_) {
      const std::string& n = c.number;
      ce->Add({{"controller", n}}, ReadCount(c.ce, "ce_count"));
      row_ce->Add({{"controller", n}, {"csrow", "unknown"}},
                  ReadCount(c.ce_noinfo, "ce_noinfo_count"));
      ue->Add({{"controller", n}}, ReadCount(c.ue, "ue_count"));
      row_ue->Add({{"controller", n}, {"csrow", "unknown"}},
                  ReadCount(c.ue_noinfo, "ue_noinfo_count"));
      scratch_.Read(c.dir);
      if (!c.planned || !(scratch_ == c.listed)) PlanRows(scratch_, &c);
      for (const Row& row : c.rows) {
        if (c.rows_fail) {
          throw CollectError(c.dir + "/" + row.name +
                             ": csrow string didn't match regexp");
        }
        row_ce->Add({{"controller", n}, {"csrow", row.number}},
                    ReadCount(row.ce, "ce_count"));
        row_ue->Add({{"controller", n}, {"csrow", row.number}},
                    ReadCount(row.ue, "ue_count"));
      }
    }
    return out.Take();
  }

 private:
  std::string sysfs_;   // the sysfs root root_ was made from
  std::string root_;    // <sysfs>/devices/system/edac/mc
  DirListing scratch_;  // this cycle's listing
  DirListing listed_;   // the listing controllers_ were planned from
  bool planned_ = false;
  std::vector<Controller> controllers_;  // by name, as listed
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
