// Parser for /proc/net/sockstat and /proc/net/sockstat6.
#ifndef HOST_EXPORTER_PARSE_SOCKSTAT_H_
#define HOST_EXPORTER_PARSE_SOCKSTAT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// One protocol line, e.g. "TCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1".
/// inuse is always reported (0 if absent); the others only if present.
struct SockstatProtocol {
  std::string protocol;  ///< "TCP", "UDP6", "FRAG", ...
  int64_t inuse = 0;
  std::optional<int64_t> orphan, tw, alloc, mem, memory;
};

/// A whole sockstat file.
struct Sockstat {
  std::optional<int64_t> used;  ///< "sockets: used N" (IPv4 file only)
  std::vector<SockstatProtocol> protocols;  ///< in file order
};

/// Parses a sockstat file as Go's procfs does: each line split on single
/// spaces into "Proto:" and key/value pairs (an odd count, a line of fewer
/// than three fields, or a value that is not an integer is an error);
/// unknown keys are ignored.
Result<Sockstat> ParseSockstat(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_SOCKSTAT_H_
