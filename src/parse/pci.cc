#include "parse/pci.h"

#include <cctype>
#include <cstdio>

#include "parse/sysfs_attr.h"

namespace host_exporter::parse {
namespace {

std::string Hex(int64_t v, int width) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*llx", width,
                static_cast<unsigned long long>(v));
  return buf;
}

// Go's strconv.ParseInt(s, 16, 32).
std::optional<int64_t> ParsePciHexField(std::string_view s) {
  const auto v = ParseGoInt(s, 16);
  if (!v || *v < INT32_MIN || *v > INT32_MAX) return std::nullopt;
  return v;
}

// "<id>  <name>" (two spaces): the trimmed ID and name, or false.
bool IdName(std::string_view line, std::string* id, std::string* name) {
  const size_t sep = line.find("  ");
  if (sep == std::string_view::npos) return false;
  *id = std::string(GoTrimSpace(line.substr(0, sep)));
  *name = std::string(GoTrimSpace(line.substr(sep + 2)));
  return true;
}

std::string Bare(std::string_view id) {
  if (id.starts_with("0x")) id.remove_prefix(2);
  std::string out(id);
  for (char& c : out) c = static_cast<char>(std::tolower(c));
  return out;
}

std::string Find(const std::map<std::string, std::string, std::less<>>& m,
                 const std::string& key, const std::string& otherwise) {
  const auto it = m.find(key);
  return it == m.end() ? otherwise : it->second;
}

}  // namespace

std::array<std::string, 4> PciLocation::Strings() const {
  return {Hex(segment, 4), Hex(bus, 2), Hex(device, 2), Hex(function, 1)};
}

Result<PciLocation> ParsePciLocation(std::string_view text) {
  const auto fail = [&] {
    return Result<PciLocation>::Fail("invalid location '" + std::string(text) +
                                     "'");
  };
  const std::vector<std::string_view> parts = Split(text, ':');
  if (parts.size() != 3) return fail();
  const std::vector<std::string_view> df = Split(parts[2], '.');
  if (df.size() != 2) return fail();
  const std::string_view fields[4] = {parts[0], parts[1], df[0], df[1]};
  int64_t values[4];
  for (int i = 0; i < 4; ++i) {
    const auto v = ParsePciHexField(fields[i]);
    if (!v) return fail();
    values[i] = *v;
  }
  return {{values[0], values[1], values[2], values[3]}, ""};
}

Result<std::optional<double>> ParsePciLinkSpeed(std::string_view value) {
  using R = Result<std::optional<double>>;
  if (value.empty() || value.starts_with("Unknown")) return {};
  const size_t space = value.find(' ');
  if (space == std::string_view::npos) {
    return R::Fail("invalid value '" + std::string(value) + "'");
  }
  if (value.substr(space + 1) != "GT/s PCIe") {
    return R::Fail("unknown unit '" + std::string(value) + "'");
  }
  const auto v = ParseGoFloat(GoTrimSpace(value.substr(0, space + 1)));
  if (!v) return R::Fail("not a number: '" + std::string(value) + "'");
  return {*v, ""};
}

PciIds PciIds::Parse(std::string_view text) {
  PciIds ids;
  std::string vendor, device, base_class, subclass;
  bool in_class = false;
  std::string id, name;
  for (std::string_view line : SplitLines(text)) {
    if (line.empty() || line.starts_with('#')) continue;
    if (line.starts_with("C ")) {
      if (IdName(line, &id, &name)) {
        base_class = std::string(GoTrimSpace(std::string_view(id).substr(1)));
        ids.classes_[base_class] = name;
        in_class = true;
      }
      continue;
    }
    const bool two_tabs = line.starts_with("\t\t");
    const bool one_tab = line.starts_with('\t') && !two_tabs;
    if (in_class && one_tab) {
      if (IdName(line.substr(1), &id, &name) && !base_class.empty()) {
        subclass = base_class + id;
        ids.classes_[subclass] = name;
      }
      continue;
    }
    if (in_class && two_tabs && !line.starts_with("\t\t\t")) {
      if (IdName(line.substr(2), &id, &name) && !subclass.empty()) {
        ids.classes_[subclass + id] = name;
      }
      continue;
    }
    if (!line.starts_with('\t')) {
      if (IdName(line, &id, &name)) {
        vendor = id;
        ids.vendors_[vendor] = name;
        device.clear();
        in_class = false;
      }
      continue;
    }
    if (one_tab) {
      if (IdName(line.substr(1), &id, &name) && !vendor.empty()) {
        device = id;
        ids.devices_[vendor + ":" + device] = name;
      }
      continue;
    }
    if (two_tabs && IdName(line.substr(2), &id, &name) && !vendor.empty() &&
        !device.empty()) {
      const auto f = GoFields(id);
      if (f.size() == 2) {
        ids.subsystems_[vendor + ":" + device + ":" + std::string(f[0]) + ":" +
                        std::string(f[1])] = name;
      }
    }
  }
  return ids;
}

std::string PciIds::Vendor(std::string_view vendor_id) const {
  const std::string v = Bare(vendor_id);
  return Find(vendors_, v, v);
}

std::string PciIds::Device(std::string_view vendor_id,
                           std::string_view device_id) const {
  const std::string d = Bare(device_id);
  return Find(devices_, Bare(vendor_id) + ":" + d, d);
}

std::string PciIds::Subsystem(std::string_view vendor_id,
                              std::string_view device_id,
                              std::string_view subsystem_vendor_id,
                              std::string_view subsystem_device_id) const {
  const std::string sd = Bare(subsystem_device_id);
  return Find(subsystems_,
              Bare(vendor_id) + ":" + Bare(device_id) + ":" +
                  Bare(subsystem_vendor_id) + ":" + sd,
              sd);
}

std::string PciIds::Class(std::string_view class_id) const {
  const std::string c = Bare(class_id);
  for (size_t len : {6, 4, 2}) {
    if (c.size() < len) continue;
    const auto it = classes_.find(c.substr(0, len));
    if (it != classes_.end()) return it->second;
  }
  return "Unknown class (" + c + ")";
}

}  // namespace host_exporter::parse
