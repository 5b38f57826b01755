// watchdog: node_watchdog_* per device of /sys/class/watchdog (node_exporter
// 1.9, default on), read as prometheus/procfs' WatchdogClass does: every
// attribute is optional (a missing file gives no series, or "" in the info
// labels); the numeric ones are base-0 integers. No class directory, or one
// (or an attribute) that may not be read, is "no data": no series, as
// node_exporter's ErrNoData; any other read error or a malformed number
// fails the collector naming the file.
//
// A device's attribute paths and its label are made when it is first
// listed (they follow from its name alone); a cycle lists the class
// directory and reads every attribute.
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/toolkit.h"
#include "host_exporter/family.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::watchdog {
namespace {

// Thrown when an attribute may not be read: the collector has no data.
struct Denied {};

// The numeric attributes: file, series name, help.
struct NumericAttr {
  const char* file;
  const char* metric;
  const char* help;
};
#define WATCHDOG_HELP(file) "Value of /sys/class/watchdog/<watchdog>/" file
constexpr NumericAttr kNumeric[] = {
    {"bootstatus", "node_watchdog_bootstatus", WATCHDOG_HELP("bootstatus")},
    {"fw_version", "node_watchdog_fw_version", WATCHDOG_HELP("fw_version")},
    {"nowayout", "node_watchdog_nowayout", WATCHDOG_HELP("nowayout")},
    {"timeleft", "node_watchdog_timeleft_seconds", WATCHDOG_HELP("timeleft")},
    {"timeout", "node_watchdog_timeout_seconds", WATCHDOG_HELP("timeout")},
    {"pretimeout", "node_watchdog_pretimeout_seconds",
     WATCHDOG_HELP("pretimeout")},
    {"access_cs0", "node_watchdog_access_cs0", WATCHDOG_HELP("access_cs0")},
};
#undef WATCHDOG_HELP

// The text attributes, labels of node_watchdog_info ("" when absent).
constexpr const char* kText[] = {
    "options", "identity", "state", "status", "pretimeout_governor",
};

constexpr size_t kNumericCount = std::size(kNumeric);
constexpr size_t kTextCount = std::size(kText);

// A device's paths and label, made when it is first listed.
struct Device {
  std::string name;   // the entry's
  std::string label;  // the name, valid UTF-8
  std::array<std::string, kNumericCount> numeric_paths;
  std::array<std::string, kTextCount> text_paths;
  std::array<std::string, kTextCount> texts;  // this cycle's, valid UTF-8
};

// A trimmed attribute (ReadAttr's, viewed in *f), or nullopt if the file is
// absent.
std::optional<std::string_view> Attr(const std::string& path, FileRead* f) {
  *f = ReadPath(path, 128);
  if (f->missing()) return std::nullopt;
  if (f->error == EACCES || f->error == EPERM) throw Denied();
  return parse::GoTrimSpace(f->Value(path));
}

class WatchdogCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    if (root_.empty() || paths.sysfs != sysfs_) {
      sysfs_ = paths.sysfs;
      root_ = paths.Sys("class/watchdog");
      devices_.clear();
    }
    // ListOrNoData(root, /*denied_is_no_data=*/true)'s rules.
    if (const int error = dir_.List(root_, &listing_)) {
      if (error == ENOENT || error == EACCES || error == EPERM) return {};
      ThrowErrno(root_, error);
    }
    const DirListing& entries = listing_;
    // Device k is entry k's, made again only when the name differs.
    if (devices_.size() > entries.size()) devices_.resize(entries.size());
    for (size_t k = 0; k < entries.size(); ++k) {
      if (k == devices_.size()) devices_.emplace_back();
      if (devices_[k].name != entries[k].name)
        Plan(entries[k].name, &devices_[k]);
    }
    FamilySet out;
    const std::array<FamilyBuilder*, kNumericCount> numeric = Numeric(&out);
    FileRead f;
    try {
      for (Device& d : devices_) {
        for (size_t i = 0; i < kNumericCount; ++i) {
          const std::optional<std::string_view> text =
              Attr(d.numeric_paths[i], &f);
          if (!text) continue;
          const double v = static_cast<double>(
              Unwrap(parse::ParseIntAttr(*text), d.numeric_paths[i]));
          numeric[i]->Add({{"name", d.label}}, v);
        }
        for (size_t i = 0; i < kTextCount; ++i) {
          const std::string_view text =
              Attr(d.text_paths[i], &f).value_or(std::string_view());
          if (parse::IsValidUtf8(text)) {
            d.texts[i].assign(text);
          } else {
            d.texts[i] = parse::ToValidUtf8(text);
          }
        }
        out.Gauge("node_watchdog_info",
                  "Info of /sys/class/watchdog/<watchdog>")
            .Add({{"name", d.label},
                  {"options", d.texts[0]},
                  {"identity", d.texts[1]},
                  {"state", d.texts[2]},
                  {"status", d.texts[3]},
                  {"pretimeout_governor", d.texts[4]}},
                 1);
      }
    } catch (const Denied&) {
      return {};
    }
    return out.Take();
  }

 private:
  // The handles of the numeric families, in kNumeric's order.
  static std::array<FamilyBuilder*, kNumericCount> Numeric(FamilySet* out) {
    std::array<FamilyBuilder*, kNumericCount> handles;
    for (size_t i = 0; i < kNumericCount; ++i) {
      handles[i] = &out->Gauge(kNumeric[i].metric, kNumeric[i].help);
    }
    return handles;
  }

  // Device `name`'s paths and label.
  void Plan(std::string_view name, Device* d) {
    d->name.assign(name);
    d->label = parse::ToValidUtf8(name);
    const std::string dir = root_ + "/" + d->name + "/";
    for (size_t i = 0; i < kNumericCount; ++i) {
      d->numeric_paths[i] = dir + kNumeric[i].file;
    }
    for (size_t i = 0; i < kTextCount; ++i) d->text_paths[i] = dir + kText[i];
  }

  std::string sysfs_;  // the sysfs root root_ is under
  std::string root_;   // class/watchdog
  KeptDir dir_;
  DirListing listing_;           // this cycle's listing of root_
  std::vector<Device> devices_;  // device k is entry k's
};

}  // namespace

CollectorSpec Spec() {
  return {"watchdog",
          true,
          "Exposes statistics from /sys/class/watchdog.",
          {},
          &MakeCollector<WatchdogCollector>};
}

}  // namespace host_exporter::collectors::watchdog
