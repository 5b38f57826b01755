#include "parse/cgroup.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace host_exporter::parse {
namespace {

bool IsDevice(std::string_view s) {
  const auto colon = s.find(':');
  return colon != std::string_view::npos && ParseU64(s.substr(0, colon)) &&
         ParseU64(s.substr(colon + 1));
}

CgroupIoDevice& DeviceSlot(std::string_view device,
                           std::vector<CgroupIoDevice>* devices) {
  auto it = std::find_if(devices->begin(), devices->end(),
                         [&](const auto& d) { return d.device == device; });
  if (it != devices->end()) return *it;
  devices->push_back(CgroupIoDevice{std::string(device)});
  return devices->back();
}

}  // namespace

Result<CgroupKeyed> ParseCgroupKeyed(std::string_view text) {
  return ParseLines<CgroupKeyed>(
      text, [](size_t, std::string_view line, CgroupKeyed* out) -> std::string {
        const auto fields = SplitFields(line);
        if (fields.empty()) return "";
        if (fields.size() != 2) {
          return "expected \"<key> <value>\", got " +
                 std::to_string(fields.size()) + " fields";
        }
        const auto v = ParseU64(fields[1]);
        if (!v) {
          return "bad value for " + std::string(fields[0]) + ": '" +
                 std::string(fields[1]) + "'";
        }
        (*out)[std::string(fields[0])] = *v;
        return "";
      });
}

Result<std::optional<uint64_t>> ParseCgroupValue(std::string_view text) {
  Result<std::optional<uint64_t>> r;
  const std::string_view t = Trim(text);
  if (t == "max") return r;
  const auto v = ParseU64(t);
  if (!v) {
    return Result<std::optional<uint64_t>>::Fail(
        "expected a number or \"max\", got '" + std::string(t.substr(0, 40)) +
        "'");
  }
  r.value = *v;
  return r;
}

Result<std::vector<CgroupIoDevice>> ParseCgroupIoStat(std::string_view text) {
  using Devices = std::vector<CgroupIoDevice>;
  // The keys that must parse, and where each goes. Other keys may carry
  // non-integers (io.cost's cost.vrate=...) and are skipped.
  static constexpr std::pair<std::string_view, uint64_t CgroupIoDevice::*>
      kKeys[] = {{"rbytes", &CgroupIoDevice::rbytes},
                 {"wbytes", &CgroupIoDevice::wbytes},
                 {"rios", &CgroupIoDevice::rios},
                 {"wios", &CgroupIoDevice::wios},
                 {"dbytes", &CgroupIoDevice::dbytes},
                 {"dios", &CgroupIoDevice::dios}};
  return ParseLines<Devices>(
      text, [](size_t, std::string_view line, Devices* out) -> std::string {
        const auto fields = SplitFields(line);
        if (fields.empty()) return "";
        if (!IsDevice(fields[0])) {
          return "expected a major:minor device, got '" +
                 std::string(fields[0]) + "'";
        }
        CgroupIoDevice& d = DeviceSlot(fields[0], out);
        for (size_t i = 1; i < fields.size(); ++i) {
          const auto eq = fields[i].find('=');
          if (eq == std::string_view::npos) {
            return "bad field '" + std::string(fields[i]) + "'";
          }
          const auto key = fields[i].substr(0, eq);
          const auto known =
              std::find_if(std::begin(kKeys), std::end(kKeys),
                           [&](const auto& k) { return k.first == key; });
          if (known == std::end(kKeys)) continue;
          const std::optional<uint64_t> v = ParseU64(fields[i].substr(eq + 1));
          if (!v) return "bad field '" + std::string(fields[i]) + "'";
          d.*(known->second) = *v;
        }
        return "";
      });
}

Result<bool> MergeCgroupBlkio(std::string_view text, BlkioKind kind,
                              std::vector<CgroupIoDevice>* devices) {
  Result<bool> r;
  const auto lines = SplitLines(text);
  for (size_t n = 0; n < lines.size(); ++n) {
    const auto fields = SplitFields(lines[n]);
    if (fields.empty()) continue;
    if (fields[0] == "Total" && fields.size() == 2) continue;  // grand total
    if (fields.size() != 3 || !IsDevice(fields[0])) {
      return Result<bool>::Fail(
          LineError(n, "expected \"<major:minor> <operation> <value>\""));
    }
    const auto v = ParseU64(fields[2]);
    if (!v) {
      return Result<bool>::Fail(
          LineError(n, "bad value '" + std::string(fields[2]) + "'"));
    }
    const bool bytes = kind == BlkioKind::kBytes;
    uint64_t* slot = nullptr;
    CgroupIoDevice& d = DeviceSlot(fields[0], devices);
    if (fields[1] == "Read")
      slot = bytes ? &d.rbytes : &d.rios;
    else if (fields[1] == "Write")
      slot = bytes ? &d.wbytes : &d.wios;
    else if (fields[1] == "Discard")
      slot = bytes ? &d.dbytes : &d.dios;
    if (slot != nullptr) *slot = *v;
  }
  r.value = true;
  return r;
}

}  // namespace host_exporter::parse
