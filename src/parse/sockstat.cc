#include "parse/sockstat.h"

#include <map>

namespace host_exporter::parse {

Result<Sockstat> ParseSockstat(std::string_view text) {
  Result<Sockstat> r;
  auto lines = SplitLines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    auto fields = Split(lines[i], ' ');
    if (fields.size() < 3) {
      return Result<Sockstat>::Fail(LineError(
          i, "malformed sockstat line: '" + std::string(lines[i]) + "'"));
    }
    if ((fields.size() - 1) % 2 != 0) {
      return Result<Sockstat>::Fail(
          LineError(i, "odd number of fields in key/value pairs"));
    }
    std::map<std::string_view, int64_t> kvs;
    for (size_t k = 1; k < fields.size(); k += 2) {
      auto v = ParseI64(fields[k + 1]);
      if (!v) {
        return Result<Sockstat>::Fail(LineError(
            i, "value of " + std::string(fields[k]) + " is not an integer: '" +
                   std::string(fields[k + 1]) + "'"));
      }
      kvs[fields[k]] = *v;
    }
    std::string_view proto = fields[0];
    if (!proto.empty() && proto.back() == ':') proto.remove_suffix(1);
    if (proto == "sockets") {
      r.value.used = kvs.count("used") ? kvs["used"] : 0;
      continue;
    }
    SockstatProtocol p;
    p.protocol = std::string(proto);
    for (const auto& [key, value] : kvs) {
      if (key == "inuse") p.inuse = value;
      if (key == "orphan") p.orphan = value;
      if (key == "tw") p.tw = value;
      if (key == "alloc") p.alloc = value;
      if (key == "mem") p.mem = value;
      if (key == "memory") p.memory = value;
    }
    r.value.protocols.push_back(std::move(p));
  }
  return r;
}

}  // namespace host_exporter::parse
