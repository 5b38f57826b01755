// Reading node_exporter's JSON test fixtures (Go's encoding/json output of
// a library's structs) for the collectors whose --collector.<name>.fixtures
// flag replaces a netlink source with them (wifi, qdisc). Every error is a
// CollectError naming the file.
#ifndef HOST_EXPORTER_COLLECTORS_GO_JSON_H_
#define HOST_EXPORTER_COLLECTORS_GO_JSON_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace host_exporter::gojson {

/// The document in `text`; a syntax error names `path`.
nlohmann::json Parse(const std::string& text, const std::string& path);

/// The elements of a JSON array (none for null, as Go's nil slice).
std::vector<nlohmann::json> Array(const nlohmann::json& j,
                                  const std::string& path);

/// A struct field, matched case-insensitively as Go's encoding/json does;
/// nullptr if absent. `obj` must be an object.
const nlohmann::json* Field(const nlohmann::json& obj, const std::string& name,
                            const std::string& path);

/// An integer field (Go's int64; 0 if absent or null). A float or a number
/// beyond int64 is an error naming the field.
int64_t Int(const nlohmann::json& obj, const std::string& name,
            const std::string& path);

/// A string field ("" if absent or null).
std::string Str(const nlohmann::json& obj, const std::string& name,
                const std::string& path);

}  // namespace host_exporter::gojson

#endif  // HOST_EXPORTER_COLLECTORS_GO_JSON_H_
