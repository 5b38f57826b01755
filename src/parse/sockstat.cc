#include "parse/sockstat.h"

#include <algorithm>
#include <string>

namespace host_exporter::parse {

Result<Sockstat> ParseSockstat(std::string_view text) {
  Result<Sockstat> r;
  auto lines = SplitLines(text);
  r.value.protocols.reserve(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    // Fields split on single spaces (empty ones kept), taken one by one.
    const std::string_view line = lines[i];
    const size_t count =
        static_cast<size_t>(std::count(line.begin(), line.end(), ' ')) + 1;
    if (count < 3) {
      return Result<Sockstat>::Fail(
          LineError(i, "malformed sockstat line: '" + std::string(line) + "'"));
    }
    if ((count - 1) % 2 != 0) {
      return Result<Sockstat>::Fail(
          LineError(i, "odd number of fields in key/value pairs"));
    }
    const size_t space = line.find(' ');
    std::string_view proto = line.substr(0, space);
    std::string_view rest = line.substr(space + 1);
    auto next = [&rest] {
      const size_t end = rest.find(' ');
      const std::string_view f = rest.substr(0, end);
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
      return f;
    };
    if (!proto.empty() && proto.back() == ':') proto.remove_suffix(1);
    const bool sockets = proto == "sockets";
    SockstatProtocol p;
    int64_t used = 0;
    for (size_t k = 1; k < count; k += 2) {
      const std::string_view key = next();
      const std::string_view value = next();
      auto v = ParseI64(value);
      if (!v) {
        return Result<Sockstat>::Fail(LineError(
            i, "value of " + std::string(key) + " is not an integer: '" +
                   std::string(value) + "'"));
      }
      // A key given twice has its last value; unknown keys are ignored.
      if (sockets) {
        if (key == "used") used = *v;
      } else if (key == "inuse") {
        p.inuse = *v;
      } else if (key == "orphan") {
        p.orphan = *v;
      } else if (key == "tw") {
        p.tw = *v;
      } else if (key == "alloc") {
        p.alloc = *v;
      } else if (key == "mem") {
        p.mem = *v;
      } else if (key == "memory") {
        p.memory = *v;
      }
    }
    if (sockets) {
      r.value.used = used;
      continue;
    }
    p.protocol = std::string(proto);
    r.value.protocols.push_back(std::move(p));
  }
  return r;
}

}  // namespace host_exporter::parse
