// dmi: node_dmi_info from /sys/class/dmi/id, labelled by every DMI field the
// kernel exposes there (product_serial, product_uuid and the other serials
// are root only: an unreadable file just omits its label), as node_exporter
// 1.5 reads them. Values longer than 128 bytes are cut there, as in
// node_exporter. No /sys/class/dmi/id: no families.
//
// node_exporter reads DMI once, when it starts; this collector reads it on
// its first successful run and keeps the result (DMI does not change until
// the next boot). Where node_exporter refuses to start because a DMI file
// cannot be read, this collector fails each run instead.
#include <cerrno>
#include <optional>
#include <utility>

#include "collectors/toolkit.h"
#include "parse/sysfs_attr.h"

namespace host_exporter::collectors::dmi {
namespace {

// File name in /sys/class/dmi/id and its label.
constexpr std::pair<const char*, const char*> kDmiFields[] = {
    {"bios_date", "bios_date"},
    {"bios_release", "bios_release"},
    {"bios_vendor", "bios_vendor"},
    {"bios_version", "bios_version"},
    {"board_asset_tag", "board_asset_tag"},
    {"board_name", "board_name"},
    {"board_serial", "board_serial"},
    {"board_vendor", "board_vendor"},
    {"board_version", "board_version"},
    {"chassis_asset_tag", "chassis_asset_tag"},
    {"chassis_serial", "chassis_serial"},
    {"chassis_vendor", "chassis_vendor"},
    {"chassis_version", "chassis_version"},
    {"product_family", "product_family"},
    {"product_name", "product_name"},
    {"product_serial", "product_serial"},
    {"product_sku", "product_sku"},
    {"product_uuid", "product_uuid"},
    {"product_version", "product_version"},
    {"sys_vendor", "system_vendor"},
};

const char* LabelFor(const std::string& file) {
  for (const auto& [f, label] : kDmiFields) {
    if (file == f) return label;
  }
  return nullptr;
}

class DmiCollector : public Collector {
 public:
  Families Collect(const HostPaths& paths) override {
    FamilySet out;
    const std::string dir = paths.Sys("class/dmi/id");
    if (!cached_ || cached_dir_ != dir) {
      cached_ = Read(dir);
      cached_dir_ = dir;
    }
    if (cached_->empty()) return {};
    auto& info = out.Gauge(
        "node_dmi_info",
        "A metric with a constant '1' value labeled by bios_date, "
        "bios_release, bios_vendor, bios_version, board_asset_tag, "
        "board_name, board_serial, board_vendor, board_version, "
        "chassis_asset_tag, chassis_serial, chassis_vendor, chassis_version, "
        "product_family, product_name, product_serial, product_sku, "
        "product_uuid, product_version, system_vendor if provided by DMI.");
    info.Add(*cached_, 1);
    return out.Take();
  }

 private:
  // The labels, or none when the directory does not exist.
  static Labels Read(const std::string& dir) {
    Labels labels;
    DirRead list = ReadDir(dir);
    if (list.error == ENOENT) return labels;
    if (!list.ok()) ThrowErrno(dir, list.error);
    for (const DirEntry& e : list.entries) {
      if (e.kind != Kind::kRegular) continue;
      if (e.name == "modalias" || e.name == "uevent") continue;
      const std::string path = dir + "/" + e.name;
      FileRead f = ReadAttr(path);
      if (f.error == EACCES || f.error == EPERM) continue;
      if (!f.ok()) ThrowErrno(path, f.error);
      if (const char* label = LabelFor(e.name)) {
        labels.emplace_back(label, parse::ToValidUtf8(f.data));
      }
    }
    return labels;
  }

  std::optional<Labels> cached_;
  std::string cached_dir_;
};

}  // namespace

CollectorSpec Spec() {
  return {"dmi",
          true,
          "Exposes Desktop Management Interface (DMI) information from "
          "/sys/class/dmi/id.",
          {},
          &MakeCollector<DmiCollector>};
}

}  // namespace host_exporter::collectors::dmi
