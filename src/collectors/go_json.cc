#include "collectors/go_json.h"

#include <cctype>

#include "host_exporter/collector.h"

namespace host_exporter::gojson {

nlohmann::json Parse(const std::string& text, const std::string& path) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw CollectError(path + ": " + e.what());
  }
}

std::vector<nlohmann::json> Array(const nlohmann::json& j,
                                  const std::string& path) {
  if (j.is_null()) return {};
  if (!j.is_array()) throw CollectError(path + ": expected a JSON array");
  return j.get<std::vector<nlohmann::json>>();
}

const nlohmann::json* Field(const nlohmann::json& obj, const std::string& name,
                            const std::string& path) {
  if (!obj.is_object()) throw CollectError(path + ": expected a JSON object");
  if (auto it = obj.find(name); it != obj.end()) return &*it;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    const std::string& k = it.key();
    if (k.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < k.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(k[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (same) return &it.value();
  }
  return nullptr;
}

int64_t Int(const nlohmann::json& obj, const std::string& name,
            const std::string& path) {
  const nlohmann::json* v = Field(obj, name, path);
  if (v == nullptr || v->is_null()) return 0;
  // Go's int: a float or a number beyond int64 does not unmarshal.
  if (!v->is_number_integer() ||
      (v->is_number_unsigned() &&
       v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) {
    throw CollectError(path + ": field " + name + " is not a 64-bit integer");
  }
  return v->get<int64_t>();
}

std::string Str(const nlohmann::json& obj, const std::string& name,
                const std::string& path) {
  const nlohmann::json* v = Field(obj, name, path);
  if (v == nullptr || v->is_null()) return "";
  if (!v->is_string()) {
    throw CollectError(path + ": field " + name + " is not a string");
  }
  return v->get<std::string>();
}

}  // namespace host_exporter::gojson
