// Helpers of the JSON config parser shared with the parsers of the blocks
// other layers own (src/sinks/sink_config.cc), so that their messages read
// the same.
#ifndef HOST_EXPORTER_CORE_CONFIG_JSON_H_
#define HOST_EXPORTER_CORE_CONFIG_JSON_H_

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace host_exporter::config_json {

/// `s` in double quotes.
std::string Quote(std::string_view s);
/// "an object", "an array", "a string", "a boolean", "null", "a number".
std::string JsonTypeName(const nlohmann::json& v);
/// A scalar JSON value in the string form flags use; false for others.
bool ScalarToString(const nlohmann::json& v, std::string* out);
/// A duration from a flag ("5s", Go syntax) or a JSON number (seconds).
bool ParseDurationSetting(const std::string& s, std::chrono::milliseconds* out,
                          std::string* why);

}  // namespace host_exporter::config_json

#endif  // HOST_EXPORTER_CORE_CONFIG_JSON_H_
