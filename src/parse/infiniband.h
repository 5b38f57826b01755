// Parsers for the per-port files of /sys/class/infiniband/<device>/ports/
// as node_exporter 1.5 reads them (prometheus/procfs 0.8).
#ifndef HOST_EXPORTER_PARSE_INFINIBAND_H_
#define HOST_EXPORTER_PARSE_INFINIBAND_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "parse/parse_util.h"

namespace host_exporter::parse {

/// A port's state or phys_state.
struct IbState {
  uint32_t id = 0;
  std::string name;
};

/// Parses "<id>: <name>" ("4: ACTIVE\n"): exactly one ':', a base-10 id
/// that fits 32 bits.
Result<IbState> ParseIbState(std::string_view text);

/// Parses a rate file ("100 Gb/sec (4X EDR)\n") into bytes per second: the
/// number before the first space, read as a Go float32, times 125000000.
Result<uint64_t> ParseIbRate(std::string_view text);

}  // namespace host_exporter::parse

#endif  // HOST_EXPORTER_PARSE_INFINIBAND_H_
