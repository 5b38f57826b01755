// A hash map keyed by std::string that is looked up with a string_view
// (C++20's heterogeneous lookup): no string is made to find a key.
#ifndef HOST_EXPORTER_STRING_MAP_H_
#define HOST_EXPORTER_STRING_MAP_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace host_exporter {

/// std::hash of the bytes, for a std::string or a std::string_view alike.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

/// An unordered_map from std::string whose find() takes a string_view.
template <typename V>
using StringMap =
    std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

}  // namespace host_exporter

#endif  // HOST_EXPORTER_STRING_MAP_H_
