#include "host_exporter/collector.h"

namespace host_exporter {

std::string CollectorOptions::Get(std::string_view name) const {
  auto it = values_.find(std::string(name));
  if (it == values_.end() || it->second.empty()) return "";
  return it->second.back();
}

std::vector<std::string> CollectorOptions::GetList(
    std::string_view name) const {
  auto it = values_.find(std::string(name));
  if (it == values_.end()) return {};
  return it->second;
}

std::string CollectorOptions::GetCompat(std::string_view name,
                                        std::string_view default19,
                                        std::string_view default15) const {
  std::string v = Get(name);
  if (NodeExporter15() && v == default19) return std::string(default15);
  return v;
}

bool CollectorOptions::GetBool(std::string_view name) const {
  std::string v = Get(name);
  return v == "true" || v == "1" || v == "yes";
}

}  // namespace host_exporter

namespace host_exporter {

CollectorOptions DefaultOptions(const CollectorSpec& spec) {
  CollectorOptions out;
  for (const OptionSpec& o : spec.options) {
    if (o.repeatable && o.default_value.empty()) {
      out.Set(o.name, {});
    } else {
      out.Set(o.name, {o.default_value});
    }
  }
  return out;
}

}  // namespace host_exporter
