#include "parse/netstat.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory_resource>

namespace host_exporter::parse {
namespace {

// The protocols of one text, in a buffer on the stack (a file has a dozen).
class Groups {
 public:
  // Adds `group`; false if it was there.
  bool Add(std::string_view group) {
    if (Has(group)) return false;
    groups_.push_back(group);
    return true;
  }
  bool Has(std::string_view group) const {
    return std::find(groups_.rbegin(), groups_.rend(), group) != groups_.rend();
  }
  bool empty() const { return groups_.empty(); }

 private:
  std::array<std::byte, 512> buffer_;
  std::pmr::monotonic_buffer_resource arena_{buffer_.data(), buffer_.size()};
  std::pmr::vector<std::string_view> groups_{&arena_};
};

// Removes the counters of (*out)[begin, end) whose group `drop(group)`
// says is replaced, asking once per run of counters of one group.
template <typename Drop>
void DropGroups(std::vector<CounterView>* out, size_t begin, size_t end,
                Drop&& drop) {
  std::string_view last;
  bool dropped = false;
  bool first = true;
  const auto from = out->begin() + static_cast<std::ptrdiff_t>(begin);
  const auto to = out->begin() + static_cast<std::ptrdiff_t>(end);
  out->erase(std::remove_if(from, to,
                            [&](const CounterView& c) {
                              if (first || c.group != last) {
                                first = false;
                                last = c.group;
                                dropped = drop(c.group);
                              }
                              return dropped;
                            }),
             to);
}

// The field of `line` (split on single spaces) from *pos, which moves past
// it and its space: past the end of `line` after its last field.
std::string_view NextSpaced(std::string_view line, size_t* pos) {
  size_t end = line.find(' ', *pos);
  if (end == std::string_view::npos) end = line.size();
  const std::string_view field = line.substr(*pos, end - *pos);
  *pos = end + 1;
  return field;
}

// How many fields Split(line, ' ') gives.
size_t CountSpaced(std::string_view line) {
  return static_cast<size_t>(std::count(line.begin(), line.end(), ' ')) + 1;
}

}  // namespace

std::string ParseNetstat(std::string_view text, std::vector<CounterView>* out) {
  const size_t start = out->size();
  Groups groups;
  size_t pos = 0;
  std::string_view names;
  for (size_t i = 0; NextLine(text, &pos, &names); i += 2) {
    std::string_view values;
    // A last header without its value line compares against an empty one.
    if (!NextLine(text, &pos, &values)) values = {};
    size_t name_pos = 0;
    size_t value_pos = 0;
    const std::string_view head = NextSpaced(names, &name_pos);
    NextSpaced(values, &value_pos);
    if (head.empty()) return LineError(i, "no protocol name");
    // "TcpExt:" -> "TcpExt": node_exporter drops the last character.
    const std::string_view protocol = head.substr(0, head.size() - 1);
    // Both lines walked in step, once; their fields are counted only when
    // they are not as many, and a bad value is told only when they are.
    const size_t first = out->size();
    size_t bad = 0;  // 1 + the index of the first bad value's counter
    while (name_pos <= names.size() && value_pos <= values.size()) {
      const std::string_view name = NextSpaced(names, &name_pos);
      const std::string_view value = NextSpaced(values, &value_pos);
      if (bad == 0 && !IsNumber(value)) bad = out->size() + 1;
      out->push_back({protocol, name, value});
    }
    if (name_pos <= names.size() || value_pos <= values.size()) {
      return LineError(i, "field count mismatch for " + std::string(protocol) +
                              ": " + std::to_string(CountSpaced(names)) +
                              " names, " + std::to_string(CountSpaced(values)) +
                              " values");
    }
    if (bad != 0) {
      const CounterView& c = (*out)[bad - 1];
      return LineError(i + 1, "invalid value '" + std::string(c.value) +
                                  "' for " + std::string(protocol) + " " +
                                  std::string(c.name));
    }
    // A protocol given twice keeps its last pair of lines.
    if (!groups.Add(protocol)) {
      DropGroups(out, start, first,
                 [&](std::string_view g) { return g == protocol; });
    }
  }
  if (start > 0 && !groups.empty()) {
    DropGroups(out, 0, start,
               [&](std::string_view g) { return groups.Has(g); });
  }
  return "";
}

std::string ParseSnmp6(std::string_view text, std::vector<CounterView>* out) {
  const size_t start = out->size();
  Groups groups;
  std::string_view last;  // the previous line's protocol, in `groups`
  size_t pos = 0;
  std::string_view line;
  for (size_t i = 0; NextLine(text, &pos, &line); ++i) {
    size_t field_pos = 0;
    std::string_view name;
    std::string_view value;
    if (!NextField(line, &field_pos, &name) ||
        !NextField(line, &field_pos, &value)) {
      continue;
    }
    const size_t six = name.find('6');
    if (six == std::string_view::npos) continue;
    if (!IsNumber(value)) {
      return LineError(i, "invalid value '" + std::string(value) + "' for " +
                              std::string(name));
    }
    const std::string_view protocol = name.substr(0, six + 1);
    if (protocol != last || groups.empty()) {
      groups.Add(protocol);
      last = protocol;
    }
    out->push_back({protocol, name.substr(six + 1), value});
  }
  if (start > 0 && !groups.empty()) {
    DropGroups(out, 0, start,
               [&](std::string_view g) { return groups.Has(g); });
  }
  return "";
}

}  // namespace host_exporter::parse
